package io.robogrid.runner;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.robogrid.store.JobRecord;
import io.robogrid.store.JobStore;
import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A desktop held elsewhere (here: its lock taken by the test, which is what another node holding it looks like):
 * the runner waits {@code runner.leaseWait} (500 ms in {@link TestGrid}), hands the job back to the queue without
 * counting a failure, and the job runs and succeeds once the desktop is free, holding its lease only then.
 */
@ExtendWith(VertxExtension.class)
class LeaseBusyTest {
  private static final String DESK = "desktop:desk1";
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, null, 2, "http", DESK);
  }

  private List<JsonObject> events(String id) {
    return grid.events(id).getJsonArray("events").stream().map(o -> (JsonObject) o).toList();
  }

  /** The job.state events that moved the job from {@code from} to {@code to}. */
  private static List<JsonObject> moves(List<JsonObject> events, String from, String to) {
    return events.stream().filter(e -> e.getString("type").equals("job.state"))
        .filter(e -> from.equals(e.getJsonObject("data").getString("from")) && to.equals(e.getJsonObject("data").getString("to"))).toList();
  }

  private static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> e.getString("type").equals(type)).toList();
  }

  @Test
  void aDesktopHeldElsewhereSendsTheJobBackUntilItIsFree(Vertx vertx) throws InterruptedException {
    Lock held = Await.result(vertx.sharedData().getLock(LeaseKeeper.LOCK_PREFIX + DESK));
    String id = grid.submit(inline(new JsonObject().put("requires", new JsonArray().add(DESK)),
        step("s", "log", new JsonObject().put("message", "at the desk")))).getString("id");

    // wait for two hand-backs: the job keeps coming back to the queue, not failing
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<JsonObject> events = events(id);
    while (moves(events, "RUNNING", "QUEUED").size() < 2) {
      if (System.nanoTime() > deadline) fail("the job was not handed back twice: " + events);
      Thread.sleep(50);
      events = events(id);
    }
    JsonObject waiting = grid.job(id);
    assertFalse(waiting.containsKey("error"), "a busy lease counted as an error: " + waiting.encodePrettily());
    assertTrue(Set.of("QUEUED", "CLAIMED", "RUNNING").contains(waiting.getString("state")), waiting.encodePrettily());
    assertEquals(List.of(), ofType(events, "step.started"), "a step ran without its lease");
    assertEquals(List.of(), ofType(events, "lease.taken"));
    assertEquals(List.of(), moves(events, "RUNNING", "RETRY_WAIT"));
    assertEquals(new JsonArray(), grid.get("/api/v1/cluster").bodyAsJsonObject().getJsonArray("leases"));

    // each attempt waited the configured leaseWait (500 ms, not the 5 s default) before going back
    JsonObject handedBack = moves(events, "RUNNING", "QUEUED").get(0);
    assertEquals("handed back by its node", handedBack.getJsonObject("data").getString("reason"));
    JsonObject started = moves(events, "CLAIMED", "RUNNING").stream()
        .filter(e -> e.getInteger("attempt").equals(handedBack.getInteger("attempt"))).findFirst().orElseThrow();
    long waitedMs = Duration.between(Instant.parse(started.getString("at")), Instant.parse(handedBack.getString("at"))).toMillis();
    assertTrue(waitedMs >= 450 && waitedMs < 4000, "attempt waited " + waitedMs + " ms for the lease");

    held.release();
    JsonObject done = grid.awaitState(id, Duration.ofSeconds(15), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertFalse(done.containsKey("error"), done.encodePrettily());
    int finalAttempt = done.getInteger("attempt");
    assertTrue(finalAttempt >= 3, "attempt " + finalAttempt);

    events = events(id);
    List<JsonObject> taken = ofType(events, "lease.taken");
    assertEquals(1, taken.size(), "only the attempt that ran took the lease: " + taken);
    assertEquals(finalAttempt, taken.get(0).getInteger("attempt"));
    int backToQueue = moves(events, "RUNNING", "QUEUED").size() + moves(events, "CLAIMED", "QUEUED").size();
    assertEquals(finalAttempt - 1, backToQueue, "every earlier attempt went back to the queue: " + events);
    assertEquals(List.of(), ofType(events, "report.rejected"));

    Pool pool = grid.db.pool(vertx);
    try {
      JobRecord record = Await.result(new JobStore(pool).find(UUID.fromString(id)));
      assertEquals(0, record.failures, "hand-backs counted as failures");
    } finally {
      Await.result(pool.close());
    }
  }

  @Test
  void aJobCancelledWhileWaitingForItsLeaseRunsNoStep(Vertx vertx) throws InterruptedException {
    Lock held = Await.result(vertx.sharedData().getLock(LeaseKeeper.LOCK_PREFIX + DESK));
    String id = grid.submit(inline(new JsonObject().put("requires", new JsonArray().add(DESK)),
        step("first", "log", new JsonObject().put("message", "at the desk")))).getString("id");
    grid.awaitState(id, Duration.ofSeconds(10), "RUNNING");
    assertEquals(202, grid.post("/api/v1/jobs/" + id + "/cancel", null).statusCode());
    held.release(); // the lease comes free while the cancel is pending

    JsonObject done = grid.awaitState(id, Duration.ofSeconds(15), "CANCELLED", "SUCCEEDED", "FAILED");
    assertEquals("CANCELLED", done.getString("state"), done.encodePrettily());
    assertEquals(List.of(), ofType(events(id), "step.started"), "a step ran after the cancel was accepted");
  }
}
