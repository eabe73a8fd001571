package io.robogrid.bench.compare;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.robogrid.bench.BenchNodes;
import io.robogrid.bench.LoadBench;
import io.robogrid.bench.NodeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;

/**
 * {@code scripts/bench compare}: db-scheduler and RoboGrid side by side, in one run, on one PostgreSQL server (the
 * bench JVM's embedded one, fsync on), the same number of no-op jobs each, measured the same way: from the first
 * schedule (submit) until the last one is done (for RoboGrid: SUCCEEDED on the stream), executions per second. The
 * RoboGrid node is a separate JVM started by {@code scripts/run} with the server as its external database.
 * Usage: {@code CompareBench <repository root> <jobs> [db-scheduler threads lower upper]}.
 */
public final class CompareBench {
  private static final int WARM_UP = 500;
  /** As LoadBench's other runs: 500 jobs to a jobs:batch request, two requests in flight; 64 single submits in flight. */
  private static final int PER_REQUEST = 500, REQUESTS_IN_FLIGHT = 2, SINGLE_IN_FLIGHT = 64;
  private static final Duration WITHIN = Duration.ofMinutes(10);

  private final SharedPostgres postgres;

  private CompareBench(SharedPostgres postgres) {
    this.postgres = postgres;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int jobs = Integer.parseInt(args[1]);
    if (jobs < 1) throw new IllegalArgumentException("jobs: want at least 1, got " + jobs);
    DbSchedulerSide.Settings settings = args.length >= 5
        ? DbSchedulerSide.Settings.of(Integer.parseInt(args[2]), Double.parseDouble(args[3]), Double.parseDouble(args[4]))
        : DbSchedulerSide.Settings.benchmarkRow();
    for (String quiet : new String[] {"com.github.kagkarlsson", "com.zaxxer.hikari", "io.zonky"}) {
      ((Logger) LoggerFactory.getLogger(quiet)).setLevel(Level.WARN);
    }
    BenchNodes nodes = new BenchNodes(root, "compare");
    boolean ok = false;
    try (SharedPostgres postgres = SharedPostgres.start(nodes.work().resolve("postgres"), nodes.reservePort())) {
      try {
        new CompareBench(postgres).run(nodes, jobs, settings);
        ok = true;
      } finally {
        nodes.stopAll(); // before the server stops under the node
      }
    } finally {
      if (ok) nodes.delete();
      else System.err.println("node log and data kept in " + nodes.work());
    }
  }

  private void run(BenchNodes nodes, int jobs, DbSchedulerSide.Settings settings) throws Exception {
    System.out.println("one server for both: the bench JVM's embedded " + postgres.describe());
    String url = nodes.start("compare", Map.of("ROBOGRID_DB_URL", postgres.nodeUrl()));
    new NodeClient(url).awaitHealth(Duration.ofMinutes(2));
    System.out.println("RoboGrid: one node (all roles, scripts/run, conf/robogrid.json defaults) with that server as its external database (ROBOGRID_DB_URL)");
    LoadBench robogrid = new LoadBench(url).listen();

    System.out.println("db-scheduler 16.12.0 in the bench JVM: " + settings.describe() + "; its own table scheduled_tasks");
    Measured dbs;
    try (DbSchedulerSide side = DbSchedulerSide.start(postgres.jdbcUrl(), settings)) {
      side.run(WARM_UP, "warm-up-", WITHIN);
      DbSchedulerSide.Result[] r = new DbSchedulerSide.Result[1];
      dbs = measure(jobs, () -> (r[0] = side.run(jobs, "run-", WITHIN)).rate());
      System.out.printf("db-scheduler: %d no-op executions in %.2f s = %.0f executions/s from the first schedule to the last done;"
          + " scheduleBatch of %d at a time took %.2f s; first execution %.0f ms after the first schedule; %s%n",
          jobs, r[0].seconds(), dbs.rate, DbSchedulerSide.PER_BATCH, r[0].scheduleSeconds(), r[0].firstExecutionMs(), dbs.perJob());
    }

    robogrid.throughput(WARM_UP, SINGLE_IN_FLIGHT, false); // JIT, pools, prepared statements, as db-scheduler's warm-up
    Measured batched = measure(jobs, () -> robogrid.batched(jobs, PER_REQUEST, REQUESTS_IN_FLIGHT));
    System.out.println("  RoboGrid, jobs:batch: " + batched.perJob());
    Measured single = measure(jobs, () -> robogrid.throughput(jobs, SINGLE_IN_FLIGHT, true));
    System.out.println("  RoboGrid, one POST per job: " + single.perJob());

    System.out.printf("%nsame run, same server, %d no-op jobs each:%n", jobs);
    System.out.printf("  %-58s %6.0f executions/s%n", "db-scheduler, lock-and-fetch", dbs.rate);
    System.out.printf("  %-58s %6.0f jobs/s   RoboGrid / db-scheduler = %.2f%n",
        "RoboGrid, POST /jobs:batch (" + PER_REQUEST + " a request, " + REQUESTS_IN_FLIGHT + " in flight)", batched.rate, batched.rate / dbs.rate);
    System.out.printf("  %-58s %6.0f jobs/s   RoboGrid / db-scheduler = %.2f%n",
        "RoboGrid, one POST /jobs a job (" + SINGLE_IN_FLIGHT + " in flight)", single.rate, single.rate / dbs.rate);
    System.out.println("load average at the end: " + String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3)));
  }

  /** A side's rate and what it cost the server per job. */
  private record Measured(int jobs, double rate, SharedPostgres.Counters cost) {
    String perJob() {
      return String.format("server: %.2f write transactions and %.0f WAL bytes per job", cost.xids() / (double) jobs, cost.walBytes() / (double) jobs);
    }
  }

  private Measured measure(int jobs, Callable<Double> run) throws Exception {
    Thread.sleep(STATS_FLUSH_MS);
    java.util.Map<String, long[]> rowsBefore = postgres.tableWrites();
    SharedPostgres.Counters before = postgres.counters();
    double rate = run.call();
    SharedPostgres.Counters cost = postgres.counters().minus(before);
    Thread.sleep(STATS_FLUSH_MS);
    System.out.println("  row writes per job by table (inserted / updated, of them HOT / deleted): " + rowsPerJob(rowsBefore, postgres.tableWrites(), jobs));
    return new Measured(jobs, rate, cost);
  }

  /** Idle backends send their table counters within 10 s. */
  private static final long STATS_FLUSH_MS = 11_000;

  private static String rowsPerJob(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after, int jobs) {
    StringBuilder b = new StringBuilder();
    after.forEach((table, now) -> {
      long[] was = before.getOrDefault(table, new long[4]);
      long ins = now[0] - was[0], upd = now[1] - was[1], hot = now[2] - was[2], del = now[3] - was[3];
      if (ins + upd + del < jobs / 10) return; // a table the run hardly touched (schedules, tokens)
      b.append(b.isEmpty() ? "" : "; ").append(table).append(String.format(" %.1f / %.1f, %.1f / %.1f", ins / (double) jobs, upd / (double) jobs,
          hot / (double) jobs, del / (double) jobs));
    });
    return b.toString();
  }
}
