package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.ms;
import static io.robogrid.bench.NodeClient.pct;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.robogrid.bench.NodeClient.Done;
import io.robogrid.runner.browser.BrowserOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Browser jobs on this machine, against {@link LoginSite} served by this JVM: (1) dispatch latency to the first
 * browser step on a warm slot, (2) a five-step flow through a node next to the same five actions driven directly
 * by Playwright in this JVM, (3) flows per second with 1, 2 and 4 browser slots, a fresh node JVM ({@code scripts/run})
 * for each. Every node and browser it starts is stopped at the end, also when it fails or is interrupted.
 * Usage: {@code BrowserBench <repository root> <jobs per latency series> <flows per throughput run>};
 * {@code scripts/bench browser} runs it.
 */
public final class BrowserBench {
  private static final int WARM_UP = 5;
  private static final int JOB_SLOTS = 8;
  private static final List<Integer> SLOT_COUNTS = List.of(1, 2, 4);
  private static final Duration JOB_WITHIN = Duration.ofSeconds(60);

  private final BenchNodes nodes;
  private final LoginSite site;
  private final int jobs;
  private final int flows;
  /** How long the last node took from launch to /health UP, in ms. */
  private long started;
  /** Part 2's flows through the grid that failed, as {@link #failures} tells them. */
  private String sequentialFailures = "";
  /** Part 2's direct flows, median ms to the number read (before the context is closed). */
  private double directToRead;

  private BrowserBench(Path root, int jobs, int flows) throws Exception {
    this.nodes = new BenchNodes(root, "browserbench");
    this.site = new LoginSite();
    this.jobs = jobs;
    this.flows = flows;
  }

  public static void main(String[] args) throws Exception {
    int jobs = Integer.parseInt(args[1]), flows = Integer.parseInt(args[2]);
    if (jobs < 1 || flows < 1) throw new IllegalArgumentException("jobs and flows must be at least 1, not " + jobs + " and " + flows);
    BrowserBench b = new BrowserBench(Path.of(args[0]), jobs, flows);
    // Ctrl-C or SIGTERM of the bench must not leave node JVMs (and their PostgreSQL and Chromium) behind
    Runtime.getRuntime().addShutdownHook(new Thread(b.nodes::stopAll, "browserbench-stop-nodes"));
    long t0 = System.nanoTime();
    boolean ok = false;
    try {
      b.run();
      ok = true;
    } finally {
      b.nodes.stopAll();
      b.site.close();
      if (ok) b.nodes.delete();
      else System.err.println("node logs kept in " + b.nodes.work());
    }
    System.out.printf("browser bench took %.0f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private void run() throws Exception {
    List<Double> direct = direct();
    NodeClient node = startNode(1);
    System.out.printf("node (all roles, browser:1, %d job slots) up in %.1f s%n", JOB_SLOTS, started / 1000.0);
    dispatch(node);
    List<Double> grid = sequentialFlows(node);
    System.out.printf("2. a five-step flow (goto login, fill user, fill password, click: login POST -> order form -> confirmation,"
        + " extract the number), %d flows one at a time:%n", jobs);
    System.out.printf("   direct Playwright in the bench JVM (new context and page, the 5 actions, context closed): %s;"
        + " median to the number read, before the close: %.1f ms%n", summary(direct), directToRead);
    System.out.printf("   through RoboGrid (client: POST sent -> SUCCEEDED on the stream): %s%s%n", summary(grid),
        sequentialFailures.isEmpty() ? "" : "; FAILED:" + sequentialFailures);
    System.out.printf("   ratio RoboGrid / direct, medians: %.1fx%n", pct(grid, 50) / pct(direct, 50));
    nodes.stop("browser");
    System.out.printf("3. throughput: %d five-step flows, 2N in flight, %d job slots, a fresh node per N (client: first POST -> last SUCCEEDED):%n",
        flows, JOB_SLOTS);
    for (int n : SLOT_COUNTS) {
      throughput(n);
      nodes.stop("browser");
    }
  }

  /** Part 2's baseline: one Playwright and one warm Chromium in this JVM, launched as a browser slot launches its own. */
  private List<Double> direct() throws Exception {
    BrowserOptions options = BrowserOptions.fromJson(null);
    List<Double> took = new ArrayList<>(), toRead = new ArrayList<>();
    try (Playwright playwright = Playwright.create(BrowserOptions.driverOptions())) {
      Browser browser = playwright.chromium().launch(options.launchOptions());
      System.out.printf("Chromium %s (%s, headless); the site is served by the bench JVM on loopback; %d jobs a series after %d warm-up;"
          + " load average at start %.2f%n", browser.version(), options.executable(), jobs, WARM_UP,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      for (int i = 0; i < WARM_UP + jobs; i++) {
        long t0 = System.nanoTime();
        DirectRun run = directFlow(browser, options.actionTimeout());
        if (i >= WARM_UP) {
          took.add((System.nanoTime() - t0) / 1e6);
          toRead.add((run.readNanos() - t0) / 1e6);
        }
        if (!run.number().matches("\\d+")) throw new IllegalStateException("the direct flow read '" + run.number() + "', not a confirmation number");
      }
      browser.close();
    }
    directToRead = pct(toRead, 50);
    return took;
  }

  /** What a direct flow read, and when ({@link System#nanoTime()}, before the context was closed). */
  private record DirectRun(String number, long readNanos) {}

  /**
   * The plain Playwright calls behind these five steps, in a fresh context as a slot gives each job ({@code BrowserStep}
   * adds its own checks around them: the answer's status, a page fingerprint against loops, selector alternatives).
   */
  private DirectRun directFlow(Browser browser, Duration timeout) {
    BrowserContext context = browser.newContext();
    try {
      context.setDefaultTimeout(timeout.toMillis());
      context.setDefaultNavigationTimeout(timeout.toMillis());
      Page page = context.newPage();
      page.navigate(site.url() + "/login");
      page.title();
      page.fill("#user", LoginSite.USER);
      page.fill("#password", LoginSite.PASSWORD);
      page.click("#submit");
      Locator number = page.locator("#number").first();
      number.waitFor();
      return new DirectRun(number.textContent().strip(), System.nanoTime());
    } finally {
      context.close();
    }
  }

  private NodeClient startNode(int browserSlots) throws Exception {
    long t0 = System.nanoTime();
    // one id, so later nodes restart on the first one's data directory instead of running initdb again
    NodeClient node = new NodeClient(nodes.start("browser", Map.of("ROBOGRID_CAPABILITIES", "browser:" + browserSlots,
        "ROBOGRID_RUNNER_SLOTS", Integer.toString(JOB_SLOTS))));
    node.awaitHealth(Duration.ofSeconds(120));
    started = ms(t0);
    return node.listen();
  }

  /** Part 1: one-step jobs ({@code browser.goto}), one at a time; the node's timestamps say where the time goes. */
  private void dispatch(NodeClient node) throws Exception {
    String job = workflow(step("open", "browser.goto", new JsonObject().put("url", site.url() + "/login"), null)).encode();
    List<Double> toStart = new ArrayList<>(), toEnd = new ArrayList<>(), toDone = new ArrayList<>();
    List<Double> toCreated = new ArrayList<>(), createdToRunning = new ArrayList<>(), runningToStep = new ArrayList<>(), step = new ArrayList<>();
    List<Double> slotFree = new ArrayList<>();
    for (int i = 0; i < WARM_UP + jobs; i++) {
      Instant sent = Instant.now();
      long t0 = System.nanoTime();
      String id = node.submit(job);
      Done done = node.done(id).get(JOB_WITHIN.toSeconds(), TimeUnit.SECONDS);
      awaitIdleBrowsers(node);
      if (i < WARM_UP) continue;
      slotFree.add((System.nanoTime() - done.nanos()) / 1e6);
      JsonObject j = succeeded(node, id, done);
      JsonObject s = j.getJsonObject("steps").getJsonObject("open");
      Instant created = Instant.parse(j.getString("createdAt")), running = Instant.parse(j.getString("startedAt"));
      Instant stepStart = Instant.parse(s.getString("startedAt")), stepEnd = Instant.parse(s.getString("finishedAt"));
      toStart.add(between(sent, stepStart));
      toEnd.add(between(sent, stepEnd));
      toDone.add((done.nanos() - t0) / 1e6);
      toCreated.add(between(sent, created));
      createdToRunning.add(between(created, running));
      runningToStep.add(between(running, stepStart));
      step.add(between(stepStart, stepEnd));
    }
    System.out.printf("1. dispatch to the first browser action on a warm slot (node browser:1; job = one browser.goto step; %d jobs one at a time)%n", jobs);
    System.out.println("   client's wall clock as the POST is sent -> the runner's timestamps from GET /api/v1/jobs/{id} (same machine, same clock):");
    System.out.printf("   submit -> first browser step started:  %s%n", summary(toStart));
    System.out.printf("   submit -> first browser step finished: %s%n", summary(toEnd));
    System.out.printf("   submit -> SUCCEEDED on the stream (client clock only): %s%n", summary(toDone));
    System.out.printf("   medians of the parts: POST -> job created %.1f ms; created -> attempt started on the runner %.1f ms;"
        + " started -> step started (slot lease, new context and page) %.1f ms; the goto itself %.1f ms%n",
        pct(toCreated, 50), pct(createdToRunning, 50), pct(runningToStep, 50), pct(step, 50));
    System.out.printf("   the slot is free for the next job again after SUCCEEDED (GET /api/v1/cluster every 10 ms): %s%n", summary(slotFree));
  }

  /** Part 2 through the grid: the five-step flow as inline jobs, one at a time; the times are those of the flows that succeeded. */
  private List<Double> sequentialFlows(NodeClient node) throws Exception {
    String flow = flow();
    List<Double> took = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < WARM_UP + jobs; i++) {
      long t0 = System.nanoTime();
      String id = node.submit(flow);
      Done done = node.done(id).get(JOB_WITHIN.toSeconds(), TimeUnit.SECONDS);
      if (done.succeeded()) {
        confirmation(node.job(id));
        if (i >= WARM_UP) took.add((done.nanos() - t0) / 1e6);
      } else {
        failed.add(id);
      }
      awaitIdleBrowsers(node);
    }
    sequentialFailures = failures(node, failed);
    if (took.isEmpty()) throw new IllegalStateException("no flow through RoboGrid succeeded:" + sequentialFailures);
    return took;
  }

  /** The failed jobs' errors, one line per kind with its count; empty when there are none. */
  private static String failures(NodeClient node, List<String> ids) throws Exception {
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (String id : ids) {
      JsonObject j = node.job(id);
      JsonObject error = j.getJsonObject("error", new JsonObject());
      String message = String.valueOf(error.getString("message")).lines().findFirst().orElse("");
      String failedStep = j.getJsonObject("steps", new JsonObject()).stream().filter(e -> e.getValue() instanceof JsonObject s && "FAILED".equals(s.getString("state")))
          .map(Map.Entry::getKey).findFirst().orElse("-");
      kinds.merge(j.getString("state") + " in step " + failedStep + ", " + error.getString("code") + ": "
          + (message.length() > 160 ? message.substring(0, 160) + "..." : message), 1, Integer::sum);
    }
    StringBuilder out = new StringBuilder();
    kinds.forEach((kind, n) -> out.append(String.format("%n      %dx %s", n, kind)));
    return out.toString();
  }

  /** Part 3: {@code flows} flows kept 2N in flight on a node with N browser slots, after 4N warm-up flows. */
  private void throughput(int slots) throws Exception {
    NodeClient node = startNode(slots);
    String flow = flow();
    int inFlight = 2 * slots;
    concurrentFlows(node, flow, 4 * slots, inFlight);
    awaitIdleBrowsers(node);
    long t0 = System.nanoTime();
    List<Double> took = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    long last = t0;
    List<Timed> runs = concurrentFlows(node, flow, flows, inFlight);
    for (Timed t : runs) {
      if (!t.done.succeeded()) failed.add(t.id());
      took.add((t.done.nanos() - t.submitted) / 1e6);
      last = Math.max(last, t.done.nanos());
    }
    double secs = (last - t0) / 1e9;
    System.out.printf("   browser:%d, %d in flight: %.2f flows/s (%d in %.1f s); submit -> done %s [node up in %.1f s]%n", slots, inFlight,
        flows / secs, flows, secs, summary(took), started / 1000.0);
    List<Double> queued = new ArrayList<>();
    int requeued = 0, handBacks = 0;
    for (Timed t : runs) {
      Queueing q = queueing(node, t.id());
      queued.add(q.waitMs());
      if (q.handedBack() > 0) requeued++;
      handBacks += q.handedBack();
    }
    System.out.printf("      in the queue (job created -> claimed for its last attempt, node clock): %s; %d flows handed back to the queue %d times%n",
        summary(queued), requeued, handBacks);
    if (!failed.isEmpty()) System.out.printf("      %d of %d FAILED:%s%n", failed.size(), flows, failures(node, failed));
  }

  private record Timed(String id, long submitted, Done done) {}

  /** How long a job waited in the queue (created -> claimed for its last attempt), and how often it went back there. */
  private record Queueing(double waitMs, int handedBack) {}

  private static Queueing queueing(NodeClient node, String id) throws Exception {
    Instant created = null, claimed = null;
    int back = 0;
    for (Object o : node.get("/api/v1/jobs/" + id + "/events").getJsonArray("events")) {
      JsonObject e = (JsonObject) o;
      if (!"job.state".equals(e.getString("type"))) continue;
      JsonObject d = e.getJsonObject("data");
      Instant at = Instant.parse(e.getString("at"));
      if (d.getString("from") == null) created = at;
      else if ("CLAIMED".equals(d.getString("to"))) claimed = at;
      else if ("QUEUED".equals(d.getString("to"))) back++;
    }
    return new Queueing(between(created, claimed), back);
  }

  private static List<Timed> concurrentFlows(NodeClient node, String flow, int count, int inFlight) throws Exception {
    Semaphore free = new Semaphore(inFlight);
    List<CompletableFuture<Timed>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      free.acquire();
      long t0 = System.nanoTime();
      CompletableFuture<Timed> f = node.submitAsync(flow).thenCompose(id -> node.done(id).thenApply(d -> new Timed(id, t0, d)))
          .orTimeout(JOB_WITHIN.toSeconds(), TimeUnit.SECONDS);
      f.whenComplete((t, e) -> free.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    return all.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Waits until the node says none of its browser slots is in use: each sequential job meets an idle, warm slot
   * (a slot stays taken for a while after its job ended: context closed, lease given back and quarantined).
   */
  private static void awaitIdleBrowsers(NodeClient node) throws Exception {
    NodeClient.await(() -> {
      JsonObject runner = node.get("/api/v1/cluster").getJsonArray("nodes").getJsonObject(0).getJsonObject("runner");
      return runner != null && runner.getJsonArray("capabilities").stream().map(JsonObject.class::cast)
          .filter(c -> "browser".equals(c.getString("name"))).allMatch(c -> c.getInteger("used") == 0);
    }, Duration.ofSeconds(30));
  }

  private String flow() {
    return workflow(
        step("open", "browser.goto", new JsonObject().put("url", site.url() + "/login"), null),
        step("user", "browser.fill", new JsonObject().put("selector", "#user").put("value", LoginSite.USER), "open"),
        step("password", "browser.fill", new JsonObject().put("selector", "#password").put("value", LoginSite.PASSWORD), "user"),
        step("submit", "browser.click", new JsonObject().put("selector", "#submit"), "password"),
        step("number", "browser.extract", new JsonObject().put("selector", "#number"), "submit")).encode();
  }

  private static JsonObject workflow(JsonObject... steps) {
    return new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray(List.of((Object[]) steps))));
  }

  private static JsonObject step(String id, String type, JsonObject with, String after) {
    JsonObject s = new JsonObject().put("id", id).put("type", type).put("with", with);
    return after == null ? s : s.put("needs", new JsonArray().add(after));
  }

  private static JsonObject succeeded(NodeClient node, String id, Done done) throws Exception {
    JsonObject j = node.job(id);
    if (!done.succeeded()) throw new IllegalStateException("job " + id + " ended " + done.state() + ": " + j.encodePrettily());
    return j;
  }

  private static void confirmation(JsonObject job) {
    String number = job.getJsonObject("steps").getJsonObject("number").getJsonObject("output").getString("text");
    if (number == null || !number.matches("\\d+")) throw new IllegalStateException("the flow read '" + number + "': " + job.encodePrettily());
  }

  private static double between(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  private static String summary(List<Double> ms) {
    return String.format("median %.1f ms, p95 %.1f ms, max %.1f ms (n=%d)", pct(ms, 50), pct(ms, 95), pct(ms, 100), ms.size());
  }
}
