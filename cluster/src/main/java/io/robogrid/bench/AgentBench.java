package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.pct;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pull-mode agents against a node of their own: how soon a waiting agent has a piece of work after its job was
 * submitted, the whole round trip of an agent step, and how many agent jobs a few agents get through.
 * The agents are threads of this JVM with plain HTTP clients, doing what {@code scripts/sample-agent} does
 * (long-poll for work, report the result), minus its own work.
 * Usage: {@code AgentBench <repo root> <jobs one at a time> <jobs for throughput> <agents>}.
 */
public final class AgentBench {
  private static final String CAPABILITY = "bench";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final String token;
  private final AtomicBoolean running = new AtomicBoolean(true);
  /** When an agent had each job's work in hand (System.nanoTime), by job id. */
  private final Map<String, CompletableFuture<Long>> claimed = new ConcurrentHashMap<>();

  private AgentBench(String url, String token) {
    this.url = url;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int sequential = Integer.parseInt(args[1]), jobs = Integer.parseInt(args[2]), agents = Integer.parseInt(args[3]);
    BenchNodes nodes = new BenchNodes(Path.of(args[0]), "agentbench");
    Runtime.getRuntime().addShutdownHook(new Thread(nodes::stopAll, "agentbench-stop-nodes"));
    boolean ok = false;
    try {
      String url = nodes.start("hub", Map.of());
      NodeClient node = new NodeClient(url);
      node.awaitHealth(Duration.ofMinutes(3));
      node.listen();
      String token = new JsonObject(send(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
          .header("Authorization", "Bearer " + BenchNodes.ADMIN_TOKEN).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"bench-agents\", \"role\": \"agent\"}")).build())).getString("token");
      AgentBench b = new AgentBench(url, token);
      b.run(node, sequential, jobs, agents);
      ok = true;
    } finally {
      nodes.stopAll();
      if (ok) nodes.delete();
      else System.err.println("node logs kept in " + nodes.work());
    }
  }

  private static String send(HttpClient http, HttpRequest r) throws Exception {
    HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) throw new IllegalStateException(r.uri() + " answered " + answer.statusCode() + ": " + answer.body());
    return answer.body();
  }

  private static String job(int n) {
    return new JsonObject().put("workflow", new JsonObject().put("steps", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("id", "work").put("type", "agent").put("with", new JsonObject().put("capability", CAPABILITY).put("n", n))))).encode();
  }

  private void run(NodeClient node, int sequential, int jobs, int agents) throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      Thread t = new Thread(() -> agent(), "agent-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    // warm-up: JIT, pools, prepared statements
    for (int i = 0; i < 50; i++) node.done(node.submit(job(i))).get(30, TimeUnit.SECONDS);

    List<Double> toClaim = new ArrayList<>(), toDone = new ArrayList<>();
    for (int i = 0; i < sequential; i++) {
      long t0 = System.nanoTime();
      String id = node.submit(job(i));
      long claim = claim(id).get(30, TimeUnit.SECONDS);
      NodeClient.Done done = node.done(id).get(30, TimeUnit.SECONDS);
      if (!done.succeeded()) throw new IllegalStateException("job " + id + " ended " + done.state());
      toClaim.add((claim - t0) / 1e6);
      toDone.add((done.nanos() - t0) / 1e6);
      Thread.sleep(20); // an idle grid between jobs: this measures latency, not queueing
    }
    System.out.printf("agent jobs one at a time, %d agents long-polling, %d jobs:%n", agents, sequential);
    System.out.printf("  submit -> an agent has the work in hand: median %.1f ms, p95 %.1f ms, p99 %.1f ms%n", pct(toClaim, 50), pct(toClaim, 95), pct(toClaim, 99));
    System.out.printf("  submit -> SUCCEEDED on the stream (the agent reports its result at once): median %.1f ms, p95 %.1f ms, p99 %.1f ms%n",
        pct(toDone, 50), pct(toDone, 95), pct(toDone, 99));

    Semaphore inFlight = new Semaphore(64);
    List<CompletableFuture<NodeClient.Done>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      inFlight.acquire();
      CompletableFuture<String> id = node.submitAsync(job(i));
      id.whenComplete((v, e) -> inFlight.release());
      all.add(id.thenCompose(node::done));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    long end = all.stream().mapToLong(f -> f.join().nanos()).max().orElseThrow();
    long ok = all.stream().filter(f -> f.join().succeeded()).count();
    double secs = (end - t0) / 1e9;
    System.out.printf("throughput: %d agent jobs (64 submitted at a time, %d agents, 8 job slots) in %.2f s = %.0f jobs/s; %d succeeded%n",
        jobs, agents, secs, jobs / secs, ok);
    running.set(false);
  }

  private CompletableFuture<Long> claim(String job) {
    return claimed.computeIfAbsent(job, k -> new CompletableFuture<>());
  }

  /** One agent: long-polls for work and reports a result at once. */
  private void agent() {
    String id = Thread.currentThread().getName();
    while (running.get()) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/agents/" + id + "/work?capability=" + CAPABILITY + "&wait=20s"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) continue;
        long at = System.nanoTime();
        JsonObject work = new JsonObject(r.body());
        claim(work.getString("jobId")).complete(at);
        JsonObject report = new JsonObject().put("type", "result").put("step", work.getString("step")).put("attempt", work.getInteger("attempt"))
            .put("output", new JsonObject().put("agent", id));
        send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs/" + work.getString("jobId") + "/events"))
            .header("Authorization", "Bearer " + token).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(report.encode())).build());
      } catch (Exception e) {
        if (running.get()) System.err.println(Thread.currentThread().getName() + ": " + e);
      }
    }
  }
}
