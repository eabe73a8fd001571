package io.robogrid.web;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/v1/cluster} and {@code waitingFor} on one real node: the node with its roles, slots and capabilities;
 * a job nobody can run waits and says why; a desktop or browser job holds its lease (visible in the cluster view and
 * in its events) from before its first step until it ends, however it ends, and the lease is then free again.
 */
@ExtendWith(VertxExtension.class)
class ClusterApiTest {
  private static final Duration SOON = Duration.ofSeconds(15);
  private static final String NODE = "test-node";
  private static final String DESK = "desktop:desk1";
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, null, 4, "http", DESK, "browser:2");
    awaitCluster("the runner to be accepting work", c -> node(c) != null && node(c).getJsonObject("runner").getBoolean("accepting"));
  }

  private JsonObject cluster() {
    return grid.get("/api/v1/cluster").bodyAsJsonObject();
  }

  private JsonObject awaitCluster(String what, Predicate<JsonObject> ok) {
    long deadline = System.nanoTime() + SOON.toNanos();
    JsonObject c;
    do {
      c = cluster();
      if (ok.test(c)) return c;
      sleep(25);
    } while (System.nanoTime() < deadline);
    return fail("waited " + SOON + " for " + what + ": " + c.encodePrettily());
  }

  private static JsonObject node(JsonObject cluster) {
    for (Object o : cluster.getJsonArray("nodes")) if (NODE.equals(((JsonObject) o).getString("id"))) return (JsonObject) o;
    return null;
  }

  private static JsonObject capability(JsonObject node, String name) {
    for (Object o : node.getJsonObject("runner").getJsonArray("capabilities")) if (name.equals(((JsonObject) o).getString("name"))) return (JsonObject) o;
    return fail("no capability " + name + " in " + node.encodePrettily());
  }

  private static JsonArray leases(JsonObject cluster) {
    return cluster.getJsonArray("leases");
  }

  private static JsonObject leaseOf(JsonObject cluster, String jobId) {
    for (Object o : leases(cluster)) if (jobId.equals(((JsonObject) o).getString("jobId"))) return (JsonObject) o;
    return null;
  }

  private static JsonObject needing(String capability, String waitFor) {
    return inline(new JsonObject().put("requires", new JsonArray().add(capability)),
        step("hold", "wait", new JsonObject().put("duration", waitFor)));
  }

  private List<JsonObject> events(String id) {
    return grid.events(id).getJsonArray("events").stream().map(o -> (JsonObject) o).toList();
  }

  private static int indexOf(List<JsonObject> events, String type) {
    for (int i = 0; i < events.size(); i++) if (events.get(i).getString("type").equals(type)) return i;
    return -1;
  }

  private static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> e.getString("type").equals(type)).toList();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void theClusterShowsTheNodeWithItsRolesSlotsAndCapabilities() {
    JsonObject c = cluster();
    assertEquals(NODE, c.getString("self"));
    JsonObject n = node(c);
    assertEquals(new JsonArray().add("coordinator").add("router").add("runner").add("web"), n.getJsonArray("roles"));
    assertEquals("up", n.getString("health"));
    JsonObject runner = n.getJsonObject("runner");
    assertEquals(new JsonObject().put("total", 4).put("free", 4), runner.getJsonObject("slots"));
    assertEquals(new JsonArray(), runner.getJsonArray("jobs"));

    JsonObject http = capability(n, "http");
    assertFalse(http.containsKey("total"), "http is bounded by the job slots only: " + http);
    assertEquals(0, http.getInteger("used"));
    assertEquals(new JsonObject().put("name", DESK).put("used", 0).put("total", 1).put("free", 1), capability(n, DESK));
    assertEquals(new JsonObject().put("name", "browser").put("used", 0).put("total", 2).put("free", 2), capability(n, "browser"));

    assertEquals(new JsonArray(), leases(c));
    assertEquals(new JsonObject().put("PENDING", 0).put("QUEUED", 0).put("CLAIMED", 0).put("RUNNING", 0).put("RETRY_WAIT", 0).put("WAITING_APPROVAL", 0).put("PAUSED", 0),
        c.getJsonObject("queue").getJsonObject("byState"));
    assertEquals(new JsonObject(), c.getJsonObject("queue").getJsonObject("queuedByCapability"));
  }

  @Test
  void aJobNoRunnerCanTakeStaysQueuedAndSaysWhy() {
    String id = grid.submit(inline(new JsonObject().put("requires", new JsonArray().add("agent:crm")),
        step("s", "log", new JsonObject().put("message", "x")))).getString("id");
    // a job submitted after it runs: the dispatcher did pass over the waiting one
    String later = grid.submit(inline(null, step("s", "log", new JsonObject().put("message", "y")))).getString("id");
    grid.awaitState(later, SOON, "SUCCEEDED");

    JsonObject job = grid.job(id);
    assertEquals("QUEUED", job.getString("state"));
    JsonObject waiting = job.getJsonObject("waitingFor");
    assertNotNull(waiting, job.encodePrettily());
    assertEquals("NO_CAPABLE_RUNNER", waiting.getString("reason"));
    assertEquals(new JsonArray().add("agent:crm"), waiting.getJsonArray("missing"));
    assertTrue(waiting.getString("message").contains("agent:crm"), waiting.getString("message"));
    assertFalse(grid.job(later).containsKey("waitingFor"), "a finished job has no waitingFor");

    JsonObject queue = cluster().getJsonObject("queue");
    assertEquals(1, queue.getJsonObject("byState").getInteger("QUEUED"));
    assertEquals(new JsonObject().put("agent:crm", 1), queue.getJsonObject("queuedByCapability"));
  }

  @Test
  void aDesktopJobHoldsItsLeaseFromBeforeItsFirstStepUntilItSucceeds() {
    // held 5 s: long enough that a slow poll cannot miss it, on a machine busy with other tests
    String id = grid.submit(needing(DESK, "5s")).getString("id");
    JsonObject c = awaitCluster("the desktop lease", cl -> leaseOf(cl, id) != null && capability(node(cl), DESK).getInteger("used") == 1);
    JsonObject lease = leaseOf(c, id);
    assertEquals(DESK, lease.getString("resource"));
    assertEquals(NODE, lease.getString("node"));
    assertEquals(1, lease.getInteger("attempt"));
    assertNotNull(lease.getString("since"));
    assertEquals(1, leases(c).size());
    assertEquals(0, capability(node(c), DESK).getInteger("free"));
    assertEquals(new JsonArray().add(id), node(c).getJsonObject("runner").getJsonArray("jobs"));

    grid.awaitState(id, SOON, "SUCCEEDED");
    assertEquals(new JsonArray(), leases(cluster()), "the lease outlived its attempt");

    List<JsonObject> events = events(id);
    int taken = indexOf(events, "lease.taken"), released = indexOf(events, "lease.released"), firstStep = indexOf(events, "step.started");
    assertTrue(taken >= 0 && released > taken && firstStep > taken, "want lease.taken < step.started and lease.taken < lease.released: " + events);
    assertEquals(new JsonObject().put("resource", DESK).put("node", NODE), events.get(taken).getJsonObject("data"));
    assertEquals(new JsonObject().put("resource", DESK).put("node", NODE).put("reason", "SUCCEEDED"), events.get(released).getJsonObject("data"));
    assertEquals(1, ofType(events, "lease.taken").size());
    assertEquals(1, ofType(events, "lease.released").size());
  }

  @Test
  void browserJobsLeaseTheNodesSlotsOneEach() {
    // both held for seconds, so that the polls see both leases at once however slow the machine is
    String first = grid.submit(needing("browser", "8s")).getString("id");
    JsonObject c = awaitCluster("the first browser lease", cl -> leaseOf(cl, first) != null);
    assertEquals("browser:" + NODE + ":1", leaseOf(c, first).getString("resource"));

    String second = grid.submit(needing("browser", "5s")).getString("id");
    c = awaitCluster("the second browser lease", cl -> leaseOf(cl, second) != null);
    assertEquals("browser:" + NODE + ":2", leaseOf(c, second).getString("resource"));
    assertEquals(2, leases(c).size());

    grid.awaitState(second, SOON, "SUCCEEDED");
    grid.awaitState(first, SOON, "SUCCEEDED");
    assertEquals(new JsonArray(), leases(cluster()));
    JsonObject released = ofType(events(first), "lease.released").get(0).getJsonObject("data");
    assertEquals(new JsonObject().put("resource", "browser:" + NODE + ":1").put("node", NODE).put("reason", "SUCCEEDED"), released);
  }

  @Test
  void cancellingARunningDesktopJobFreesItsLease() {
    String id = grid.submit(needing(DESK, "60s")).getString("id");
    awaitCluster("the desktop lease", cl -> leaseOf(cl, id) != null);
    assertEquals(202, grid.post("/api/v1/jobs/" + id + "/cancel", null).statusCode());
    grid.awaitState(id, SOON, "CANCELLED");
    assertEquals(new JsonArray(), leases(cluster()));
    List<JsonObject> released = ofType(events(id), "lease.released");
    assertEquals(1, released.size(), events(id).toString());
    assertEquals(new JsonObject().put("resource", DESK).put("node", NODE).put("reason", "CANCELLED"), released.get(0).getJsonObject("data"));

    // the runner let go of the desktop itself, not only of its record: the next desktop job gets it
    String next = grid.submit(needing(DESK, "10ms")).getString("id");
    JsonObject done = grid.awaitState(next, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"));
    assertEquals(1, done.getInteger("attempt"), "the next desktop job had to wait for the lock: " + done.encodePrettily());
  }
}
