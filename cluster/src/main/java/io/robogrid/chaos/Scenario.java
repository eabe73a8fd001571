package io.robogrid.chaos;

import io.robogrid.bench.NodeClient;
import io.robogrid.chaos.Audit.Figures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One fault under load. The flow is the same for all: start the grid ({@link #setUp}), start the steady stream of
 * mixed jobs, let the scenario hurt the grid while the stream flows ({@link #inject}), wait for every accepted job
 * to end, check that the grid is whole again (every runner back, every browser slot usable at once, nothing held),
 * audit the database, stop the grid and look for processes that outlived it.
 */
abstract class Scenario {
  /** How big a run is: jobs in the stream, their rate, and whether this is CI's short form. */
  record Size(int jobs, double perSecond, boolean quick) {}

  /** When the fault began, and when the grid is taken to have had its chance to heal (the same for a kill). */
  record Fault(Instant at, Instant healedAt, String note) {}

  /** A scenario's outcome: the audit's figures, whatever else it checked, and what was left running. */
  record Result(String name, Figures figures, List<String> problems, List<String> leftovers, String note, double seconds, boolean skipped) {
    boolean passed() {
      return skipped || figures != null && figures.lost() == 0 && figures.duplicated() == 0 && problems.isEmpty() && leftovers.isEmpty();
    }
  }

  abstract String name();

  /** The grid the fault needs. */
  abstract void setUp(ChaosGrid g) throws Exception;

  /** Hurts the grid while {@code load} flows, heals it where the fault is one that ends, and says when. */
  abstract Fault inject(ChaosGrid g, Load load, Size size) throws Exception;

  /** The node whose database the audit reads (when no database is shared). */
  String databaseNode() {
    return "hub";
  }

  /** Changes to the shipped node configuration. */
  void configure(JsonObject config) {}

  /** The stream's rate when the scenario needs it to last longer than its fault. */
  double rate(Size size) {
    return size.perSecond();
  }

  /** Why the scenario cannot run here, or null. */
  String cannotRun() {
    return null;
  }

  /** Checks of the scenario's own after every job ended (mails, say); problems go to {@code problems}. */
  void afterDrain(ChaosGrid g, Load load, Audit audit, Fault fault, List<String> problems) throws Exception {}

  /** The recovery figure, when the scenario measures it its own way (mails after SMTP is up). */
  Double recoverSeconds(Figures f) {
    return f.recoverSeconds();
  }

  final Result run(Path root, Size size) throws Exception {
    long t0 = System.nanoTime();
    String why = cannotRun();
    if (why != null) return new Result(name(), null, List.of(), List.of(), "SKIPPED: " + why, 0, true);
    List<String> problems = new ArrayList<>();
    List<String> leftovers;
    Figures figures = null;
    Fault fault = null;
    ChaosGrid g = new ChaosGrid(root, name(), this::configure);
    boolean ok = false;
    try {
      setUp(g);
      Audit audit = new Audit(g.jdbc(databaseNode()));
      Load load = new Load(g::webUrls, g.target.url(), size.jobs(), rate(size), g.browserSlots() > 0).start();
      fault = inject(g, load, size);
      if (!load.awaitAll(Duration.ofMinutes(size.quick() ? 4 : 10))) problems.add("the stream was not accepted in time: " + load.accepted().size() + " of " + size.jobs());
      List<Load.Accepted> accepted = load.accepted();
      audit.drain(accepted, Duration.ofSeconds(180));
      afterDrain(g, load, audit, fault, problems);
      gridWhole(g, problems);
      figures = audit.check(accepted, g.target, fault.at(), fault.healedAt());
      problems.addAll(figures.problems());
      if (!load.refusals().isEmpty()) System.out.println("  submissions without a 201 (tried again as new jobs): " + load.refusals());
      leftovers = g.stop();
      ok = problems.isEmpty() && leftovers.isEmpty() && figures.lost() == 0 && figures.duplicated() == 0;
    } catch (Exception | AssertionError e) {
      problems.add("the scenario broke off: " + e);
      leftovers = List.of();
    } finally {
      g.close();
      if (ok && System.getenv("CHAOS_KEEP") == null) g.nodes.delete();
      else System.out.println("  logs and data kept in " + g.nodes.work());
    }
    if (figures != null) {
      figures = new Figures(figures.accepted(), figures.finished(), figures.lost(), figures.duplicated(), figures.wrong(), figures.reexecuted(),
          figures.affected(), figures.leases(), figures.stuckTransactions(), figures.activeOthers(), recoverSeconds(figures), figures.affectedDoneSeconds(),
          figures.problems());
    }
    return new Result(name(), figures, problems, leftovers, fault == null ? "" : fault.note(), (System.nanoTime() - t0) / 1e9, false);
  }

  /**
   * The grid is whole again: every runner that should run is back and accepting, and every browser slot can be had
   * at once (a probe job per slot, each holding its slot 3 s, none going back to the queue once it ran: a slot whose
   * cluster lock was never let go would make its job wait out leaseWait and go back).
   */
  private void gridWhole(ChaosGrid g, List<String> problems) throws Exception {
    List<String> urls = g.webUrls();
    if (urls.isEmpty()) {
      problems.add("no web node alive at the end");
      return;
    }
    NodeClient api = new NodeClient(urls.get(0));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int expected = g.runners();
    int accepting = 0;
    while (System.nanoTime() < deadline) {
      JsonArray nodes = api.get("/api/v1/cluster").getJsonArray("nodes");
      accepting = (int) nodes.stream().map(JsonObject.class::cast).filter(n -> "up".equals(n.getString("health")) && n.getJsonObject("runner") != null
          && n.getJsonObject("runner").getBoolean("accepting", false)).count();
      if (accepting >= expected) break;
      Thread.sleep(250);
    }
    if (accepting < expected) problems.add("only " + accepting + " of " + expected + " runners back in the grid after the fault");
    if (g.browserSlots() == 0) return;
    List<String> ids = new ArrayList<>();
    String probe = new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("id", "open").put("type", "browser.goto").put("with", new JsonObject().put("url", g.target.url() + "/page?key=probe")))
        .add(new JsonObject().put("id", "hold").put("type", "wait").put("needs", new JsonArray().add("open")).put("with", new JsonObject().put("duration", "3s"))))).encode();
    for (int i = 0; i < g.browserSlots(); i++) ids.add(api.submit(probe));
    for (String id : ids) {
      JsonObject j = null;
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < until) {
        j = api.job(id);
        if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(j.getString("state"))) break;
        Thread.sleep(200);
      }
      if (j == null || !"SUCCEEDED".equals(j.getString("state"))) {
        problems.add("browser probe " + id + " did not succeed: " + (j == null ? "?" : j.getString("state") + " " + j.getValue("error")));
      } else {
        // a slot whose lock was never let go makes its job wait (leaseWait) once running, then go back to the queue;
        // a runner refusing a job before it started (it had just rejoined) is routine and costs nothing
        long waited = api.get("/api/v1/jobs/" + id + "/events").getJsonArray("events").stream().map(JsonObject.class::cast)
            .filter(e -> "job.state".equals(e.getString("type"))).map(e -> e.getJsonObject("data"))
            .filter(d -> "RUNNING".equals(d.getString("from")) && "QUEUED".equals(d.getString("to"))).count();
        if (waited > 0) problems.add("browser probe " + id + " went back to the queue " + waited + " times after it started: a browser slot could not be had");
      }
    }
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
