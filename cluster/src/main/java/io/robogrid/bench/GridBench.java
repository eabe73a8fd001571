package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.await;
import static io.robogrid.bench.NodeClient.ms;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final String WAIT_JOB = "{\"workflow\": {\"retry\": {\"maxAttempts\": 3, \"backoff\": \"100ms\"},"
      + " \"steps\": [{\"id\": \"w\", \"type\": \"wait\", \"with\": {\"duration\": \"4s\"}}]}}";

  private final BenchNodes nodes;
  private NodeClient hub;

  private GridBench(Path root) throws IOException {
    this.nodes = new BenchNodes(root, "gridbench");
  }

  public static void main(String[] args) throws Exception {
    GridBench b = new GridBench(Path.of(args[0]));
    boolean ok = false;
    try {
      b.run(Integer.parseInt(args[1]));
      ok = true;
    } finally {
      b.nodes.stopAll();
      if (ok) b.nodes.delete();
      else System.err.println("node logs kept in " + b.nodes.work());
    }
  }

  private void run(int latencyJobs) throws Exception {
    long t = System.nanoTime();
    hub = new NodeClient(start("hub", "coordinator,router,web", null));
    hub.awaitHealth(Duration.ofSeconds(120));
    System.out.printf("hub (coordinator, router, web, embedded PostgreSQL) up in %d ms%n", ms(t));

    String waiting = hub.submit("{\"robot\": \"noop\"}");
    t = System.nanoTime();
    start("runner-a", "runner", "http");
    await(() -> nodeUp("runner-a"), Duration.ofSeconds(60));
    long up = ms(t);
    await(() -> "SUCCEEDED".equals(hub.job(waiting).getString("state")), Duration.ofSeconds(60));
    System.out.printf("join: runner JVM launched -> in the grid %d ms -> the job that waited for it done %d ms%n", up, ms(t));
    start("runner-b", "runner", "http");
    await(() -> nodeUp("runner-b"), Duration.ofSeconds(60));

    System.out.println("cross-node: hub dispatches, runner-a and runner-b run (LoadBench, 1000 jobs, then latency):");
    LoadBench.main(new String[] {hub.url(), "1000", Integer.toString(latencyJobs), "16"});

    for (String how : List.of("kill -9", "SIGSTOP")) {
      String id = hub.submit(WAIT_JOB);
      await(() -> "RUNNING".equals(hub.job(id).getString("state")), Duration.ofSeconds(30));
      Thread.sleep(500);
      String victim = hub.job(id).getString("node");
      t = System.nanoTime();
      if (how.equals("kill -9")) {
        nodes.process(victim).destroyForcibly().waitFor();
      } else {
        BenchNodes.signal(nodes.process(victim), "STOP");
      }
      await(() -> {
        JsonObject j = hub.job(id);
        return j.getInteger("attempt") > 1 && "RUNNING".equals(j.getString("state"));
      }, Duration.ofSeconds(60));
      System.out.printf("%s of the runner of a running job -> the job running again on another node: %d ms%n", how, ms(t));
      await(() -> "SUCCEEDED".equals(hub.job(id).getString("state")), Duration.ofSeconds(30));
      if (how.equals("kill -9")) {
        start(victim, "runner", "http"); // back to two runners for the next round
      } else {
        t = System.nanoTime();
        BenchNodes.signal(nodes.process(victim), "CONT");
      }
      await(() -> nodeUp(victim), Duration.ofSeconds(120));
      if (how.equals("SIGSTOP")) System.out.printf("SIGCONT -> the frozen node back in the grid: %d ms%n", ms(t));
    }
  }

  private String start(String id, String roles, String capabilities) throws IOException {
    return nodes.start(id, capabilities == null ? Map.of("ROBOGRID_ROLES", roles) : Map.of("ROBOGRID_ROLES", roles, "ROBOGRID_CAPABILITIES", capabilities));
  }

  private boolean nodeUp(String id) throws Exception {
    JsonArray list = hub.get("/api/v1/cluster").getJsonArray("nodes");
    return list.stream().map(JsonObject.class::cast).anyMatch(n -> id.equals(n.getString("id")) && "up".equals(n.getString("health"))
        && n.getJsonObject("runner") != null && n.getJsonObject("runner").getBoolean("accepting"));
  }
}
