package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.pct;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Does a deep queue slow the grid? One node ({@code scripts/run}, embedded PostgreSQL, default settings), measured
 * with an empty queue, then behind each of two backlogs of {@code n} queued jobs inserted straight into its database:
 * (a) jobs that require {@code desktop:nowhere}, a capability no runner offers, due before anything new; (b) no-op
 * jobs at priority -10, which the runner can take and drains meanwhile. Each time: no-op jobs/s through the node
 * (LoadBench, 16 submitters) and submit-to-start of new priority-10 jobs, with the ratios to the empty queue; the
 * claim's {@code EXPLAIN ANALYZE} before V015 and now; what {@code GET /cluster} takes; for (b), how fast the backlog
 * drains, early and later. Usage: {@code BacklogBench <root> [n=1000000] [throughput-jobs=2000] [latency-jobs=200]}.
 */
public final class BacklogBench {
  private static final String HIGH = "{\"robot\":\"noop\",\"priority\":10}";
  private static final int SUBMITTERS = 16;
  /** How long each drain-rate window of backlog (b) lasts. */
  private static final long WINDOW_MS = 10_000;

  private final int throughputJobs;
  private final int latencyJobs;
  private final NodeClient node;
  private final LoadBench load;
  private final BacklogTables db;

  private BacklogBench(NodeClient node, BacklogTables db, int throughputJobs, int latencyJobs) {
    this.node = node;
    this.load = new LoadBench(node);
    this.db = db;
    this.throughputJobs = throughputJobs;
    this.latencyJobs = latencyJobs;
  }

  record Figures(double jobsPerSecond, LoadBench.Latency start) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int throughputJobs = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int latencyJobs = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    BenchNodes nodes = new BenchNodes(root, "backlog");
    Runtime.getRuntime().addShutdownHook(new Thread(nodes::stopAll));
    String url = nodes.start("node", Map.of());
    NodeClient client = new NodeClient(url);
    client.awaitHealth(java.time.Duration.ofMinutes(2));
    client.listen();
    try (BacklogTables db = new BacklogTables(nodes.dbPort("node"))) {
      new BacklogBench(client, db, throughputJobs, latencyJobs).run(n);
    } finally {
      nodes.stopAll();
    }
    nodes.delete();
  }

  private void run(int n) throws Exception {
    load.throughput(Math.max(2000, throughputJobs), SUBMITTERS, false); // warm-up: JIT, pools, prepared statements (200 jobs left the empty queue cold)
    List<String> offered = offered();
    System.out.println("the runner offers " + offered + "; backlog of " + n + " jobs");

    System.out.println("== empty queue");
    Figures empty = measure();
    long clusterEmpty = clusterMs();

    System.out.println("== backlog (a): " + n + " queued jobs that require desktop:nowhere (no runner offers it), due an hour ago, priority 0");
    long t0 = System.nanoTime();
    db.insert(n, "backlog", "{desktop:nowhere}", 0, "noop");
    System.out.printf("inserted and vacuumed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    explain("claim before V015 (index jobs_due, rebuilt in a rolled-back transaction)", db.explainClaimBefore(offered, 8));
    explain("claim now", db.explainClaim(offered, 8));
    Figures a = measure();
    long clusterA = clusterMs();
    ratios("backlog (a)", empty, a);
    System.out.printf("GET /cluster: %d ms empty, %d ms with backlog (a) (median of 5)%n", clusterEmpty, clusterA);
    db.delete("backlog");

    System.out.println("== backlog (b): " + n + " queued no-op jobs at priority -10, which the runner takes");
    t0 = System.nanoTime();
    db.insert(n, "noop-backlog", "{}", -10, "noop");
    System.out.printf("inserted and vacuumed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    double early = drainRate();
    Figures b = measure();
    double later = drainRate();
    explain("claim now, backlog (b) after draining " + (n - db.count("robot = 'noop-backlog' AND state = 'QUEUED'")) + " jobs", db.explainClaim(offered, 8));
    ratios("backlog (b)", empty, b);
    System.out.printf("backlog (b) drained at %.0f jobs/s at first, %.0f jobs/s later: %.2f and %.2f of the empty queue's %.0f jobs/s%n",
        early, later, early / empty.jobsPerSecond(), later / empty.jobsPerSecond(), empty.jobsPerSecond());
  }

  private Figures measure() throws Exception {
    double rate = load.throughput(throughputJobs, SUBMITTERS, true);
    System.out.println("new jobs at priority 10, one at a time:");
    return new Figures(rate, load.latency(HIGH, latencyJobs));
  }

  private static void ratios(String what, Figures empty, Figures with) {
    System.out.printf("%s vs empty queue: jobs/s %.0f vs %.0f = %.2f; submit-to-start median %.1f vs %.1f ms = %.2f, p99 %.1f vs %.1f ms = %.2f%n",
        what, with.jobsPerSecond(), empty.jobsPerSecond(), with.jobsPerSecond() / empty.jobsPerSecond(),
        with.start().median(), empty.start().median(), with.start().median() / empty.start().median(),
        with.start().p99(), empty.start().p99(), with.start().p99() / empty.start().p99());
  }

  /** Backlog (b) jobs finished per second over one window: the node's whole rate, since nothing else runs. */
  private double drainRate() throws Exception {
    String done = "robot = 'noop-backlog' AND state = 'SUCCEEDED'";
    long before = db.count(done), t0 = System.nanoTime();
    Thread.sleep(WINDOW_MS);
    long after = db.count(done);
    return (after - before) / ((System.nanoTime() - t0) / 1e9);
  }

  /** The execution time of a plan and the lines that say which index it walked and what it threw away. */
  private static void explain(String what, List<String> plan) {
    System.out.println("EXPLAIN ANALYZE, " + what + ":");
    for (String line : plan) {
      if (line.contains("Execution Time") || line.contains("Rows Removed by Filter") || line.matches(".*(Index|Seq) .*Scan.*")) {
        System.out.println("  " + line.strip().replaceAll("\\(cost=[^)]*\\) ", ""));
      }
    }
  }

  /** The median of five {@code GET /api/v1/cluster} (what the dashboard's grid page polls). */
  private long clusterMs() throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      node.get("/api/v1/cluster");
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return Math.round(pct(ms, 50));
  }

  /** The capabilities the node's runner offers, as {@code GET /cluster} shows them. */
  private List<String> offered() throws Exception {
    List<String> out = new ArrayList<>();
    for (Object o : node.get("/api/v1/cluster").getJsonArray("nodes", new JsonArray())) {
      JsonObject runner = ((JsonObject) o).getJsonObject("runner");
      if (runner == null) continue;
      for (Object c : runner.getJsonArray("capabilities", new JsonArray())) out.add(((JsonObject) c).getString("name"));
    }
    return out;
  }
}
