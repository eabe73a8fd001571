package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.pct;

import io.robogrid.runner.goal.LocalModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Goal-driven browser tasks on this machine, with no language model: five environments (the test sites, each served
 * on a port of its own so each is a site of its own for the path cache) run side by side on one node with five browser
 * slots, each working through its tasks one after the other. Prints the completion rate, actions per task, decisions
 * per level, first runs against cached replays, the deciders' milliseconds per level, and the memory the local model
 * adds (loaded in this JVM, measured by its RSS). Usage: {@code GoalBench <repository root> <tasks per environment>};
 * {@code scripts/bench goals} runs it.
 */
public final class GoalBench {
  private static final Duration TASK_WITHIN = Duration.ofMinutes(3);

  /** One task: the goal step's parameters. */
  private record Task(String env, int n, JsonObject with) {}

  /** How a task ended, read from its job and its decision events. */
  private record Result(Task task, String state, String error, JsonObject output, List<JsonObject> decisions, long wallMs) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int tasks = Integer.parseInt(args[1]);
    BenchNodes nodes = new BenchNodes(root, "goalbench");
    Runtime.getRuntime().addShutdownHook(new Thread(nodes::stopAll, "goalbench-stop-nodes"));
    Vertx vertx = Vertx.vertx();
    boolean ok = false;
    try {
      Map<String, String> sites = serve(vertx, root.resolve("verticles/src/test/resources/goal-sites"));
      NodeClient node = new NodeClient(nodes.start("goals", Map.of("ROBOGRID_CAPABILITIES", "http,browser:5", "ROBOGRID_RUNNER_SLOTS", "10")));
      node.awaitHealth(Duration.ofSeconds(120));
      long rssStart = rssKb(nodes.process("goals").toHandle());
      List<Result> results = run(node, sites, tasks);
      long rssEnd = rssKb(nodes.process("goals").toHandle());
      report(results, tasks, rssStart, rssEnd);
      modelMemory();
      ok = true;
    } finally {
      nodes.stopAll();
      vertx.close();
      if (ok) nodes.delete();
      else System.err.println("node logs kept in " + nodes.work());
    }
  }

  /** Each environment on a server of its own. */
  private static Map<String, String> serve(Vertx vertx, Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String env : List.of("signup", "classes", "wizard", "groups", "support")) {
      Router r = Router.router(vertx);
      r.route("/*").handler(StaticHandler.create(FileSystemAccess.ROOT, dir.toAbsolutePath().toString()).setCachingEnabled(false));
      int port = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort();
      out.put(env, "http://127.0.0.1:" + port + "/" + env + "/index.html");
    }
    return out;
  }

  private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
      "Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen", "John Backus");
  private static final List<String[]> CLASSES = List.of(new String[] {"Tuesday swimming", "swimming", "Swimming – Tuesday 18:00"},
      new String[] {"Thursday swimming", "swimming", "Swimming – Thursday 18:00"}, new String[] {"Tuesday yoga", "yoga", "Yoga – Tuesday 19:00"},
      new String[] {"Monday aqua fit", "aqua", "Aqua fit – Monday 10:00"});

  /** The tasks of each environment: the same kind of goal with other data, and for the classes other goals too. */
  private static Map<String, IntFunction<Task>> generators(Map<String, String> sites) {
    Map<String, IntFunction<Task>> g = new TreeMap<>();
    g.put("signup", i -> task("signup", i, "create an account for " + name(i), sites.get("signup"), "Welcome, " + name(i) + "!",
        new JsonObject().put("name", name(i)).put("email", "user" + i + "@example.com").put("password", "pw-" + i + "-long-enough")));
    g.put("classes", i -> {
      String[] c = CLASSES.get(i % CLASSES.size());
      return task("classes", i, "register " + name(i) + " for the " + c[0] + " class", sites.get("classes"), c[2] + " for " + name(i),
          new JsonObject().put("name", name(i)).put("email", "user" + i + "@example.com").put("query", c[1]));
    });
    g.put("wizard", i -> task("wizard", i, "add a group named team-" + i, sites.get("wizard"), "Group team-" + i + " created",
        new JsonObject().put("groupName", "team-" + i).put("owner", "owner" + i + "@example.com").put("role", List.of("Admin", "Member", "Auditor").get(i % 3))));
    g.put("groups", i -> task("groups", i, "add a group named grp-" + i, sites.get("groups"), "Group grp-" + i + " added",
        new JsonObject().put("groupName", "grp-" + i)));
    g.put("support", i -> task("support", i, "open a support ticket about the " + List.of("printer", "VPN", "laptop").get(i % 3), sites.get("support"),
        "opened: Broken " + List.of("printer", "VPN", "laptop").get(i % 3),
        new JsonObject().put("username", "user" + i).put("password", "pw-" + i).put("subject", "Broken " + List.of("printer", "VPN", "laptop").get(i % 3))
            .put("description", "It stopped working this morning").put("priority", List.of("Low", "Normal", "High", "Urgent").get(i % 4))));
    return g;
  }

  private static String name(int i) {
    return NAMES.get(i % NAMES.size());
  }

  private static Task task(String env, int n, String goal, String url, String text, JsonObject data) {
    return new Task(env, n, new JsonObject().put("goal", goal).put("startUrl", url).put("success", new JsonObject().put("textPresent", text))
        .put("data", data).put("decider", new JsonArray().add("cache").add("rules").add("local")));
  }

  /** The environments side by side, each one task after the other (so the later tasks can use what the first learnt). */
  private static List<Result> run(NodeClient node, Map<String, String> sites, int tasks) throws Exception {
    Map<String, IntFunction<Task>> gens = generators(sites);
    ExecutorService pool = Executors.newFixedThreadPool(gens.size());
    List<Result> all = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> envs = new ArrayList<>();
    for (var e : gens.entrySet()) {
      envs.add(pool.submit(() -> {
        for (int i = 0; i < tasks; i++) all.add(runOne(node, e.getValue().apply(i)));
        return null;
      }));
    }
    for (Future<?> f : envs) f.get();
    pool.shutdown();
    return all;
  }

  private static Result runOne(NodeClient node, Task t) throws Exception {
    JsonObject request = new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray().add(
        new JsonObject().put("id", "reach").put("type", "browser.goal").put("with", t.with()))));
    long t0 = System.nanoTime();
    String id = node.submit(request.encode());
    JsonObject job;
    long deadline = System.nanoTime() + TASK_WITHIN.toNanos();
    do {
      Thread.sleep(100);
      job = node.job(id);
    } while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.getString("state")) && System.nanoTime() < deadline);
    long wall = NodeClient.ms(t0);
    JsonObject reach = job.getJsonObject("steps", new JsonObject()).getJsonObject("reach", new JsonObject());
    List<JsonObject> decisions = new ArrayList<>();
    node.get("/api/v1/jobs/" + id + "/events").getJsonArray("events").forEach(e -> {
      JsonObject ev = (JsonObject) e;
      if ("goal.decision".equals(ev.getString("type"))) decisions.add(ev.getJsonObject("data"));
    });
    JsonObject error = job.getJsonObject("error");
    return new Result(t, job.getString("state"), error == null ? null : error.getString("code") + ": " + error.getString("message"),
        reach.getJsonObject("output", new JsonObject()), decisions, wall);
  }

  private static void report(List<Result> results, int tasks, long rssStartKb, long rssEndKb) {
    Map<String, int[]> byEnv = new TreeMap<>();
    Map<String, Integer> levels = new TreeMap<>();
    Map<String, List<Double>> levelMs = new ConcurrentHashMap<>();
    List<Double> firstMs = new ArrayList<>(), replayMs = new ArrayList<>(), steps = new ArrayList<>();
    for (Result r : results) {
      int[] c = byEnv.computeIfAbsent(r.task().env(), k -> new int[2]);
      c[1]++;
      boolean ok = "SUCCEEDED".equals(r.state());
      if (ok) c[0]++;
      else System.out.printf("  not reached: %s #%d: %s%n", r.task().env(), r.task().n(), r.error());
      steps.add((double) r.decisions().size());
      for (JsonObject d : r.decisions()) {
        levels.merge(d.getString("level"), 1, Integer::sum);
        levelMs.computeIfAbsent(d.getString("level"), k -> Collections.synchronizedList(new ArrayList<>())).add(d.getNumber("ms").doubleValue());
      }
      if (ok && "miss".equals(r.output().getString("cache"))) firstMs.add(r.output().getNumber("ms").doubleValue());
      if (ok && "replayed".equals(r.output().getString("cache"))) replayMs.add(r.output().getNumber("ms").doubleValue());
    }
    int reached = byEnv.values().stream().mapToInt(c -> c[0]).sum();
    System.out.printf("goal tasks, no language model: %d environments side by side, %d tasks each, node with browser:5%n", byEnv.size(), tasks);
    System.out.printf("completion: %d of %d (%.1f %%)%n", reached, results.size(), 100.0 * reached / results.size());
    byEnv.forEach((env, c) -> System.out.printf("  %-8s %d/%d%n", env, c[0], c[1]));
    System.out.printf("actions per task: mean %.1f, median %.0f, max %.0f%n", steps.stream().mapToDouble(d -> d).average().orElse(0), pct(steps, 50), pct(steps, 100));
    System.out.printf("decisions per level: %s%n", levels);
    levelMs.forEach((l, ms) -> System.out.printf("  decider ms, %-5s median %.1f, p95 %.1f (%d decisions)%n", l, pct(ms, 50), pct(ms, 95), ms.size()));
    if (!firstMs.isEmpty() && !replayMs.isEmpty()) {
      System.out.printf("first run (path not cached): median %.0f ms (%d runs); cached replay: median %.0f ms (%d runs); replay/first %.2f%n",
          pct(firstMs, 50), firstMs.size(), pct(replayMs, 50), replayMs.size(), pct(replayMs, 50) / pct(firstMs, 50));
    }
    System.out.printf("node RSS: %d MiB after start, %d MiB after the tasks%n", rssStartKb / 1024, rssEndKb / 1024);
  }

  /** The local model's memory, measured where nothing else changes: loaded in this JVM, RSS before and after. */
  private static void modelMemory() {
    System.gc();
    long before = read(ProcessHandle.current().pid());
    long t0 = System.nanoTime();
    boolean ready = LocalModel.shared().ready();
    long loadMs = NodeClient.ms(t0);
    System.gc();
    long after = read(ProcessHandle.current().pid());
    System.out.printf("local model (%s): %s in %d ms; RSS of a JVM loading it %d MiB -> %d MiB (+%d MiB)%n", LocalModel.MODEL,
        ready ? "loaded" : "NOT loaded: " + LocalModel.shared().failure(), loadMs, before / 1024, after / 1024, (after - before) / 1024);
  }

  /** VmRSS of a process (the node's java, when the handle is its launcher: the largest among it and its children). */
  private static long rssKb(ProcessHandle p) {
    long max = read(p.pid());
    for (ProcessHandle c : p.descendants().toList()) if (c.info().command().map(s -> s.endsWith("java")).orElse(false)) max = Math.max(max, read(c.pid()));
    return max;
  }

  private static long read(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (Exception e) {
      // gone, or not Linux
    }
    return 0;
  }
}
