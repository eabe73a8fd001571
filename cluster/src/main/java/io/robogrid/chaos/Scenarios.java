package io.robogrid.chaos;

import io.robogrid.bench.BenchNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The faults that take a process away: a runner killed ({@code kill -9}) or frozen ({@code SIGSTOP}), one of two
 * coordinators killed, the single node killed and started again, its embedded PostgreSQL killed. Each hits at a
 * third of the stream, while jobs of every kind are queued, running and finishing.
 */
final class Scenarios {
  private Scenarios() {}

  static final String ALL_ROLES = "coordinator,router,runner,notifier,web";
  static final String HUB = "coordinator,router,web,notifier";

  /** Every scenario, in the order {@code scripts/chaos} runs them. */
  static List<Scenario> all() {
    return List.of(new RunnerKill(), new CoordinatorKill(), new NodeKill(), new DatabaseKill(), new RunnerFreeze(), new SmtpDown(), new DiskFull());
  }

  /** A hub (coordinator, router, web, notifier, embedded PostgreSQL) and two runner-only nodes with a browser slot each. */
  static void hubAndTwoRunners(ChaosGrid g) throws Exception {
    g.start("hub", HUB, null);
    Thread a = starter(g, "runner-1"), b = starter(g, "runner-2");
    a.join();
    b.join();
    if (g.runners() < 2) throw new IllegalStateException("the runners did not start; see " + g.nodes.work());
  }

  private static Thread starter(ChaosGrid g, String id) {
    Thread t = new Thread(() -> {
      try {
        g.start(id, "runner", "http,browser:1");
      } catch (Exception e) {
        System.out.println("  " + id + " did not start: " + e.getMessage());
      }
    });
    t.start();
    return t;
  }

  static void awaitThird(Load load, Scenario.Size size) throws InterruptedException {
    load.awaitAccepted(size.jobs() / 3, Duration.ofMinutes(3));
  }

  static final class RunnerKill extends Scenario {
    String name() {
      return "runner-kill";
    }

    void setUp(ChaosGrid g) throws Exception {
      hubAndTwoRunners(g);
    }

    Fault inject(ChaosGrid g, Load load, Size size) throws Exception {
      awaitThird(load, size);
      Instant at = Instant.now();
      int when = load.accepted().size();
      g.nodes.process("runner-1").destroyForcibly().waitFor();
      sleep(Duration.ofSeconds(5));
      g.start("runner-1", "runner", "http,browser:1"); // back to two runners, as an operator's restart would
      return new Fault(at, at, "runner-1 killed with -9 at job " + when + ", started again after 5 s");
    }
  }

  static final class CoordinatorKill extends Scenario {
    String url;

    String name() {
      return "coordinator-kill";
    }

    void setUp(ChaosGrid g) throws Exception {
      String db = g.sharedDatabase();
      java.util.Map<String, String> shared = java.util.Map.of("ROBOGRID_DB_URL", db);
      g.start("coord-a", "coordinator,router,web", null, shared);
      g.start("coord-b", HUB, null, shared);
      g.start("runner-1", "runner", "http,browser:1", shared);
      g.start("runner-2", "runner", "http", shared);
    }

    Fault inject(ChaosGrid g, Load load, Size size) throws Exception {
      awaitThird(load, size);
      Instant at = Instant.now();
      g.nodes.process("coord-a").destroyForcibly().waitFor();
      return new Fault(at, at, "coord-a (coordinator, router, web) killed with -9; coord-b and the shared PostgreSQL go on");
    }
  }

  static final class NodeKill extends Scenario {
    String name() {
      return "node-kill";
    }

    String databaseNode() {
      return "node";
    }

    double rate(Size size) {
      return size.perSecond() * 1.6; // a burst
    }

    void setUp(ChaosGrid g) throws Exception {
      g.start("node", ALL_ROLES, "http,browser:1");
    }

    Fault inject(ChaosGrid g, Load load, Size size) throws Exception {
      awaitThird(load, size);
      Instant at = Instant.now();
      g.nodes.process("node").destroyForcibly().waitFor();
      long t = System.nanoTime();
      g.start("node", ALL_ROLES, "http,browser:1"); // the same data directory and ports: its PostgreSQL was left running
      return new Fault(at, at, String.format("the only node killed with -9 mid-burst, up again in %.1f s", (System.nanoTime() - t) / 1e9));
    }
  }

  static final class DatabaseKill extends Scenario {
    String name() {
      return "database-kill";
    }

    String databaseNode() {
      return "node";
    }

    void setUp(ChaosGrid g) throws Exception {
      g.start("node", ALL_ROLES, "http,browser:1");
    }

    Fault inject(ChaosGrid g, Load load, Size size) throws Exception {
      awaitThird(load, size);
      Path pidFile = g.nodes.dataDir("node").resolve("postgres/postmaster.pid");
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      Instant at = Instant.now();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      long t = System.nanoTime();
      while (!g.healthy(g.nodes.url("node")) || System.nanoTime() - t < 300_000_000L) Thread.sleep(50);
      return new Fault(at, at, String.format("postmaster %d killed with -9; /health UP again after %.1f s", pid, (System.nanoTime() - t) / 1e9));
    }
  }

  static final class RunnerFreeze extends Scenario {
    String name() {
      return "runner-freeze";
    }

    private static Duration freeze(Size size) {
      return Duration.ofSeconds(size.quick() ? 15 : 30);
    }

    double rate(Size size) {
      // the stream must flow through the freeze and after it
      return Math.min(size.perSecond(), size.jobs() / (freeze(size).toSeconds() * 1.8));
    }

    void setUp(ChaosGrid g) throws Exception {
      hubAndTwoRunners(g);
    }

    Fault inject(ChaosGrid g, Load load, Size size) throws Exception {
      load.awaitAccepted(size.jobs() / 4, Duration.ofMinutes(3));
      Process p = g.nodes.process("runner-1");
      Instant at = Instant.now();
      BenchNodes.signal(p, "STOP");
      sleep(freeze(size));
      BenchNodes.signal(p, "CONT");
      return new Fault(at, at, "runner-1 frozen with SIGSTOP for " + freeze(size).toSeconds() + " s, then SIGCONT");
    }
  }
}
