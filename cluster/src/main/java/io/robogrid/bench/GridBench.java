package io.robogrid.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grid on this machine, nodes started by {@code scripts/run} as separate JVMs on loopback: a hub (coordinator,
 * router, web, embedded PostgreSQL) and runner-only nodes. Measures how long a runner takes to join and take work,
 * cross-node dispatch latency and throughput (through {@link LoadBench}), and how long a job takes to run again
 * elsewhere after its runner is killed ({@code kill -9}) or frozen ({@code SIGSTOP}).
 * Usage: {@code GridBench <repository root> <latency jobs>}; {@code scripts/bench grid} runs it.
 */
public final class GridBench {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String WAIT_JOB = "{\"workflow\": {\"retry\": {\"maxAttempts\": 3, \"backoff\": \"100ms\"},"
      + " \"steps\": [{\"id\": \"w\", \"type\": \"wait\", \"with\": {\"duration\": \"4s\"}}]}}";

  private final Path root;
  private final Path work;
  private final String cluster = "gridbench-" + ProcessHandle.current().pid();
  private final List<Integer> clusterPorts = new ArrayList<>();
  private final Map<String, Process> nodes = new LinkedHashMap<>();
  private String url;

  private GridBench(Path root) throws IOException {
    this.root = root;
    this.work = Files.createTempDirectory("robogrid-gridbench");
  }

  public static void main(String[] args) throws Exception {
    GridBench b = new GridBench(Path.of(args[0]));
    try {
      b.run(Integer.parseInt(args[1]));
    } finally {
      b.stopAll();
    }
  }

  private void run(int latencyJobs) throws Exception {
    long t = System.nanoTime();
    start("hub", "coordinator,router,web", null);
    awaitHealth();
    System.out.printf("hub (coordinator, router, web, embedded PostgreSQL) up in %d ms%n", ms(t));

    String waiting = submit("{\"robot\": \"noop\"}");
    t = System.nanoTime();
    start("runner-a", "runner", "http");
    await(() -> nodeUp("runner-a"), Duration.ofSeconds(60));
    long up = ms(t);
    await(() -> "SUCCEEDED".equals(job(waiting).getString("state")), Duration.ofSeconds(60));
    System.out.printf("join: runner JVM launched -> in the grid %d ms -> the job that waited for it done %d ms%n", up, ms(t));
    start("runner-b", "runner", "http");
    await(() -> nodeUp("runner-b"), Duration.ofSeconds(60));

    System.out.println("cross-node: hub dispatches, runner-a and runner-b run (LoadBench, 1000 jobs, then latency):");
    LoadBench.main(new String[] {url, "1000", Integer.toString(latencyJobs), "16"});

    for (String how : List.of("kill -9", "SIGSTOP")) {
      String id = submit(WAIT_JOB);
      await(() -> "RUNNING".equals(job(id).getString("state")), Duration.ofSeconds(30));
      Thread.sleep(500);
      String victim = job(id).getString("node");
      t = System.nanoTime();
      if (how.equals("kill -9")) {
        nodes.get(victim).destroyForcibly().waitFor();
      } else {
        signal(nodes.get(victim), "STOP");
      }
      await(() -> {
        JsonObject j = job(id);
        return j.getInteger("attempt") > 1 && "RUNNING".equals(j.getString("state"));
      }, Duration.ofSeconds(60));
      System.out.printf("%s of the runner of a running job -> the job running again on another node: %d ms%n", how, ms(t));
      await(() -> "SUCCEEDED".equals(job(id).getString("state")), Duration.ofSeconds(30));
      if (how.equals("kill -9")) {
        start(victim, "runner", "http"); // back to two runners for the next round
      } else {
        t = System.nanoTime();
        signal(nodes.get(victim), "CONT");
      }
      await(() -> nodeUp(victim), Duration.ofSeconds(120));
      if (how.equals("SIGSTOP")) System.out.printf("SIGCONT -> the frozen node back in the grid: %d ms%n", ms(t));
    }
  }

  private void start(String id, String roles, String capabilities) throws IOException {
    int httpPort = freePort(), clusterPort = freePort();
    if (url == null) url = "http://127.0.0.1:" + httpPort;
    clusterPorts.add(clusterPort);
    ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/run").toString()).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(work.toFile(), id + ".log")));
    Map<String, String> env = pb.environment();
    env.put("ROBOGRID_NODE_ID", id);
    env.put("ROBOGRID_ROLES", roles);
    env.put("ROBOGRID_DATA_DIR", work.resolve(id).toString());
    env.put("ROBOGRID_HTTP_PORT", Integer.toString(httpPort));
    env.put("ROBOGRID_DB_PORT", Integer.toString(freePort()));
    env.put("ROBOGRID_CLUSTER_NAME", cluster);
    env.put("ROBOGRID_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("ROBOGRID_CLUSTER_MEMBERS", String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList()));
    env.put("ROBOGRID_LOG_LEVEL", "WARN");
    if (capabilities != null) env.put("ROBOGRID_CAPABILITIES", capabilities);
    nodes.put(id, pb.start());
  }

  private void stopAll() throws Exception {
    for (Process p : nodes.values()) {
      if (p.isAlive()) {
        signal(p, "CONT");
        p.destroy();
      }
    }
    for (Process p : nodes.values()) p.waitFor();
  }

  private static void signal(Process p, String name) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
  }

  private void awaitHealth() throws Exception {
    await(() -> {
      try {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    }, Duration.ofSeconds(120));
  }

  private boolean nodeUp(String id) throws Exception {
    JsonArray list = get("/api/v1/cluster").getJsonArray("nodes");
    return list.stream().map(JsonObject.class::cast).anyMatch(n -> id.equals(n.getString("id")) && "up".equals(n.getString("health"))
        && n.getJsonObject("runner") != null && n.getJsonObject("runner").getBoolean("accepting"));
  }

  private JsonObject job(String id) throws Exception {
    return get("/api/v1/jobs/" + id);
  }

  private String submit(String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs")).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body()).getString("id");
  }

  private JsonObject get(String path) throws Exception {
    return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check check, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("not within " + within);
      Thread.sleep(10);
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
