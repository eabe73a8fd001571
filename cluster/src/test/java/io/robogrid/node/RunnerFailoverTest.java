package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runner node that dies ({@code kill -9}) or hangs ({@code SIGSTOP}) in the middle of a job costs that job one
 * retry on another node that reaches the same desktop: the attempt is marked lost, its lease comes back, exactly one
 * attempt succeeds, and a result the hung node sends after it wakes up is refused by attempt number. The woken node
 * then rejoins the cluster by itself and takes work again.
 */
class RunnerFailoverTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "desk", "requires": ["desktop:desk1"], "retry": {"maxAttempts": 3, "backoff": "100ms"},
        "steps": [{"id": "drive", "type": "wait", "with": {"duration": "${input.duration:-4s}"}}]}]}""";

  private record Grid(TestCluster cluster, NodeProcess hub, NodeProcess a, NodeProcess b, Api api) implements AutoCloseable {
    NodeProcess other(String nodeId) {
      return a.nodeId().equals(nodeId) ? b : a;
    }

    NodeProcess byId(String nodeId) {
      return a.nodeId().equals(nodeId) ? a : b;
    }

    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }

  private static Grid grid() throws Exception {
    TestCluster cluster = new TestCluster(ROBOTS);
    NodeProcess hub = cluster.node("coordinator,router,web", null).start();
    NodeProcess a = cluster.node("runner", "http,desktop:desk1");
    NodeProcess b = cluster.node("runner", "http,desktop:desk1");
    a.start();
    b.start();
    Api api = new Api(hub.url());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (api.get("/api/v1/cluster").getJsonArray("nodes").size() < 3 && System.nanoTime() < deadline) Thread.sleep(100);
    return new Grid(cluster, hub, a, b, api);
  }

  private static List<JsonObject> events(Api api, String id) throws Exception {
    return api.get("/api/v1/jobs/" + id + "/events").getJsonArray("events").stream().map(JsonObject.class::cast).toList();
  }

  private static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> type.equals(e.getString("type"))).toList();
  }

  /** Waits until the job's first attempt holds its desktop: a node killed before that would have had nothing to lose. */
  private static void awaitLeaseTaken(Api api, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (ofType(events(api, id), "lease.taken").isEmpty()) {
      if (System.nanoTime() > deadline) throw new AssertionError("attempt 1 took no lease within 20 s: " + events(api, id));
      Thread.sleep(20);
    }
  }

  /** Waits until the job runs under an attempt after {@code attempt}; returns it. */
  private static JsonObject awaitRunningAgain(Api api, String id, int attempt, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JsonObject job;
    do {
      job = api.get("/api/v1/jobs/" + id);
      if (job.getInteger("attempt") > attempt && "RUNNING".equals(job.getString("state"))) return job;
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("job not running again within " + within + ": " + job.encodePrettily());
  }

  /** The job succeeded with attempt 2 on the surviving node, attempt 1 was lost, and each attempt's lease was given back. */
  private static void assertOneRetryElsewhere(Api api, String id, JsonObject done, String deadNode, String survivor) throws Exception {
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(2, done.getInteger("attempt"), "the lost attempt and exactly one more");
    assertEquals(survivor, done.getString("node"));
    List<JsonObject> events = events(api, id);
    List<JsonObject> taken = ofType(events, "lease.taken");
    List<JsonObject> released = ofType(events, "lease.released");
    assertEquals(List.of(1, 2), taken.stream().map(e -> e.getInteger("attempt")).toList(), taken.toString());
    assertEquals(deadNode, taken.get(0).getJsonObject("data").getString("node"));
    assertEquals(survivor, taken.get(1).getJsonObject("data").getString("node"));
    assertEquals(List.of("LOST", "SUCCEEDED"), released.stream().map(e -> e.getJsonObject("data").getString("reason")).toList(), released.toString());
    long succeeded = ofType(events, "job.state").stream().filter(e -> "SUCCEEDED".equals(e.getJsonObject("data").getString("to"))).count();
    assertEquals(1, succeeded, "exactly one attempt succeeds");
    assertEquals(new JsonArray(), api.get("/api/v1/cluster").getJsonArray("leases"), "the desktop lease must be free again");
  }

  @Test
  void aRunnerKilledMidJobCostsOneRetryOnAnotherNode() throws Exception {
    try (Grid g = grid()) {
      String id = g.api().post("/api/v1/jobs", new JsonObject().put("robot", "desk")).getString("id");
      JsonObject running = g.api().awaitState(id, Duration.ofSeconds(30), "RUNNING");
      awaitLeaseTaken(g.api(), id);
      NodeProcess victim = g.byId(running.getString("node"));
      NodeProcess survivor = g.other(victim.nodeId());

      long t0 = System.nanoTime();
      victim.kill9();
      JsonObject again = awaitRunningAgain(g.api(), id, 1, Duration.ofSeconds(30));
      System.out.printf("FIGURE kill-9: runner killed to job running again elsewhere %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertEquals(survivor.nodeId(), again.getString("node"));

      JsonObject done = g.api().awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertOneRetryElsewhere(g.api(), id, done, victim.nodeId(), survivor.nodeId());
      assertTrue(g.hub().logText().contains("left the cluster"), "the hub did not see the node leave");
    }
  }

  @Test
  void aFrozenRunnerLosesItsJobAndItsLateResultIsRefusedAfterItWakes() throws Exception {
    try (Grid g = grid()) {
      String id = g.api().post("/api/v1/jobs", new JsonObject().put("robot", "desk").put("input", new JsonObject().put("duration", "5s")))
          .getString("id");
      JsonObject running = g.api().awaitState(id, Duration.ofSeconds(30), "RUNNING");
      awaitLeaseTaken(g.api(), id);
      NodeProcess frozen = g.byId(running.getString("node"));
      NodeProcess survivor = g.other(frozen.nodeId());

      long t0 = System.nanoTime();
      frozen.freeze();
      JsonObject during = g.api().get("/api/v1/cluster");
      JsonObject again = awaitRunningAgain(g.api(), id, 1, Duration.ofSeconds(40));
      long recovered = System.nanoTime();
      System.out.printf("FIGURE sigstop: runner frozen to job running again elsewhere %d ms%n", (recovered - t0) / 1_000_000);
      assertEquals(survivor.nodeId(), again.getString("node"));
      assertEquals(3, during.getJsonArray("nodes").size(), "a frozen node is still a member until its heartbeats are missed");

      // wake the hung node while the retry runs: whatever it reports about attempt 1 must change nothing
      long thawed = System.nanoTime();
      frozen.thaw();
      JsonObject done = g.api().awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertOneRetryElsewhere(g.api(), id, done, frozen.nodeId(), survivor.nodeId());

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<JsonObject> rejected;
      do {
        rejected = ofType(events(g.api(), id), "report.rejected");
        if (!rejected.isEmpty()) break;
        Thread.sleep(200);
      } while (System.nanoTime() < deadline);
      assertEquals(1, rejected.size(), "the woken node's result for attempt 1 should reach a coordinator and be refused: "
          + events(g.api(), id) + "\n" + frozen.logText());
      assertEquals(1, rejected.get(0).getInteger("attempt"));
      assertEquals(frozen.nodeId(), rejected.get(0).getJsonObject("data").getString("node"));
      JsonObject after = g.api().get("/api/v1/jobs/" + id);
      assertEquals("SUCCEEDED", after.getString("state"));
      assertEquals(2, after.getInteger("attempt"));
      assertNotEquals(frozen.nodeId(), after.getString("node"));

      // declared dead, the woken node rejoins the cluster by itself and takes work again
      deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      boolean back = false;
      while (!back && System.nanoTime() < deadline) {
        back = g.api().get("/api/v1/cluster").getJsonArray("nodes").stream().map(JsonObject.class::cast)
            .anyMatch(n -> frozen.nodeId().equals(n.getString("id")) && "up".equals(n.getString("health")));
        if (!back) Thread.sleep(200);
      }
      assertTrue(back, "the woken node did not rejoin:\n" + frozen.logText());
      System.out.printf("FIGURE sigstop: woken node back in the grid %d ms after SIGCONT%n", (System.nanoTime() - thawed) / 1_000_000);
      survivor.kill9();
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (g.api().get("/api/v1/cluster").getJsonArray("nodes").size() > 2 && System.nanoTime() < deadline) Thread.sleep(100);
      String next = g.api().post("/api/v1/jobs", new JsonObject().put("robot", "desk").put("input", new JsonObject().put("duration", "100ms")))
          .getString("id");
      JsonObject ran = g.api().awaitState(next, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", ran.getString("state"), ran.encodePrettily());
      assertEquals(frozen.nodeId(), ran.getString("node"));
      // a dispatch in the moment the woken node's consumers are re-registered may be refused and handed back: fine,
      // as long as only one attempt ever ran
      assertEquals(1, ofType(events(g.api(), next), "job.state").stream().filter(e -> "RUNNING".equals(e.getJsonObject("data").getString("to"))).count());
    }
  }
}
