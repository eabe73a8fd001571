package io.robogrid.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/chaos soak 30m}: one node (all roles, a browser slot) under the chaos mix at half the capacity
 * measured first, for the given time, sampled once a minute: Java heap after a full GC, the node's RSS, its open
 * file descriptors and threads, PostgreSQL connections, and the sizes of the tables that grow with jobs. A resource
 * that keeps growing while the load is steady is a leak; tables grow with the jobs they keep, so they are shown per
 * thousand jobs, which must stay flat. The soak's jobs are audited like a scenario's at the end.
 */
final class Soak {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final String[] QUANTITIES = {"heapAfterGcMiB", "rssMiB", "fds", "threads", "pgConnections", "tablesMiB", "tableKiBPerKJobs"};
  /** Growth from the first third of the samples to the last that counts as a leak, per quantity (absolute units). */
  private static final double[] TOLERANCE = {24, 96, 20, 8, 3, Double.MAX_VALUE, 25};

  private Soak() {}

  static boolean run(Path root, Duration length) throws Exception {
    try (ChaosGrid g = new ChaosGrid(root, "soak", c -> {})) {
      g.logLevel = "WARN";
      g.start("node", Scenarios.ALL_ROLES, "http,browser:1");
      Audit audit = new Audit(g.jdbc("node"));
      long pid = g.nodes.process("node").pid();

      // warm-up (JIT, pools, Chromium's first launch), then capacity: 600 mixed jobs as fast as 64 submissions in
      // flight allow, until the last one ended
      Load warm = new Load(g::webUrls, g.target.url(), 100, 10_000, true).start();
      warm.awaitAll(Duration.ofMinutes(3));
      audit.drain(warm.accepted(), Duration.ofMinutes(2));
      Load probe = new Load(g::webUrls, g.target.url(), 600, 10_000, true).start();
      long t0 = System.nanoTime();
      probe.awaitAll(Duration.ofMinutes(5));
      audit.drain(probe.accepted(), Duration.ofMinutes(3));
      double capacity = 600 / ((System.nanoTime() - t0) / 1e9);
      double rate = capacity / 2;
      int jobs = (int) (rate * length.toSeconds());
      System.out.printf("soak: capacity %.0f mixed jobs/s on this machine; running %d jobs at %.1f/s for %s%n", capacity, jobs, rate, length);

      Load load = new Load(g::webUrls, g.target.url(), jobs, rate, true).start();
      List<double[]> samples = new ArrayList<>();
      Instant end = Instant.now().plus(length);
      System.out.printf("%-6s %14s %7s %5s %7s %6s %9s %14s %8s%n", "minute", "heapAfterGcMiB", "rssMiB", "fds", "threads", "pgConn", "tablesMiB", "KiB/1000 jobs", "jobs");
      int minute = 0;
      while (Instant.now().isBefore(end)) {
        Thread.sleep(Math.min(60_000, Math.max(0, Duration.between(Instant.now(), end).toMillis())));
        minute++;
        double[] s = sample(pid, audit);
        samples.add(s);
        System.out.printf("%-6d %14.1f %7.0f %5.0f %7.0f %6.0f %9.1f %14.1f %8.0f%n", minute, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
      }
      load.stop();
      Thread.sleep(1000);
      List<Load.Accepted> all = new ArrayList<>(warm.accepted());
      all.addAll(probe.accepted());
      all.addAll(load.accepted());
      audit.drain(all, Duration.ofMinutes(3));
      Audit.Figures f = audit.check(all, g.target, Instant.now(), Instant.now());
      boolean ok = f.lost() == 0 && f.duplicated() == 0 && f.wrong() == 0;
      System.out.printf("soak audit: accepted %d, finished %d, lost %d, duplicated %d, wrong %d, re-executed %d%n", f.accepted(), f.finished(), f.lost(),
          f.duplicated(), f.wrong(), f.reexecuted());
      f.problems().stream().limit(20).forEach(p -> System.out.println("  PROBLEM " + p));
      ok &= verdict(samples);
      List<String> left = g.stop();
      left.forEach(p -> System.out.println("  LEFT RUNNING " + p));
      System.out.println("soak: " + (ok && left.isEmpty() ? "1 passed, 0 failed" : "0 passed, 1 failed"));
      return ok && left.isEmpty();
    }
  }

  /** Compares the first third of the samples (the first minute left out: warm-up) with the last third, per quantity. */
  private static boolean verdict(List<double[]> samples) {
    if (samples.size() < 4) {
      System.out.println("soak: too few samples for a verdict on growth (" + samples.size() + ")");
      return true;
    }
    List<double[]> s = samples.subList(1, samples.size());
    int third = Math.max(1, s.size() / 3);
    boolean ok = true;
    System.out.printf("%-18s %10s %10s %12s %12s  %s%n", "quantity", "first", "last", "first third", "last third", "verdict");
    for (int q = 0; q < QUANTITIES.length; q++) {
      final int i = q;
      double early = median(s.subList(0, third).stream().mapToDouble(x -> x[i]).toArray());
      double late = median(s.subList(s.size() - third, s.size()).stream().mapToDouble(x -> x[i]).toArray());
      boolean grows = late - early > TOLERANCE[q];
      if (grows) ok = false;
      String v = TOLERANCE[q] == Double.MAX_VALUE ? "grows with the jobs kept (see per 1000 jobs)" : grows ? "GROWS" : "steady";
      System.out.printf("%-18s %10.1f %10.1f %12.1f %12.1f  %s%n", QUANTITIES[q], s.get(0)[q], s.get(s.size() - 1)[q], early, late, v);
    }
    return ok;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }

  /** heap after GC MiB, RSS MiB, fds, threads, PostgreSQL client connections, table MiB, table KiB per 1000 jobs, jobs. */
  private static double[] sample(long pid, Audit audit) throws Exception {
    jcmd(pid, "GC.run");
    Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
    double heap = m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
    Map<String, Long> status = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      String[] kv = line.split(":\\s+", 2);
      if (kv.length == 2 && (kv[0].equals("VmRSS") || kv[0].equals("Threads"))) status.put(kv[0], Long.parseLong(kv[1].replaceAll("\\D", "")));
    }
    long fds;
    try (var l = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = l.count();
    }
    double conns = -1, tables = -1, jobs = -1;
    try (Connection c = audit.connect()) {
      conns = Audit.count(c, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'") - 1; // less the soak's own
      try (ResultSet r = c.createStatement().executeQuery("SELECT sum(pg_total_relation_size(relid)) FROM pg_stat_user_tables")) {
        r.next();
        tables = r.getLong(1) / 1048576.0;
      }
      jobs = Audit.count(c, "SELECT count(*) FROM jobs");
    } catch (java.sql.SQLException e) {
      System.out.println("  (database not reachable for this sample: " + e.getMessage() + ")");
    }
    return new double[] {heap, status.getOrDefault("VmRSS", -1L) / 1024.0, fds, status.getOrDefault("Threads", -1L), conns, tables,
        jobs > 0 ? tables * 1024 / (jobs / 1000.0) : -1, jobs};
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
