package io.robogrid.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
import io.robogrid.store.GroupCommit;
import io.robogrid.store.JobEvent;
import io.robogrid.store.JobRecord;
import io.robogrid.store.JobStore;
import io.robogrid.store.NewJob;
import io.robogrid.testing.Await;
import io.robogrid.testing.MutableClock;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A runner's reports arrive in groups, one per attempt, many groups to a message; against a real PostgreSQL: a group
 * costs one shared commit, not one per report; every fence of a report sent alone holds for each report inside a
 * group (the attempt number, the live check after the job ended); a group stops at its first refusal and writes
 * nothing after it; and one attempt's refusal never costs another attempt's group its writes.
 */
@ExtendWith(VertxExtension.class)
class ReportGroupsTest {
  private static final String NODE = "n1";
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private Pool pool;
  private JobStore store;
  private GroupCommit group;
  private ReportHandler handler;
  private Context context;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.newMigratedPool(vertx);
    store = new JobStore(pool);
    context = vertx.getOrCreateContext();
    onContext(() -> {
      group = store.groupCommit(256);
      handler = new ReportHandler(store, group, new JobLifecycle(new Random(7)), clock, vertx.eventBus(),
          new GoalPaths(vertx, new io.robogrid.store.GoalPathStore(pool), store, clock));
      return Future.succeededFuture();
    });
  }

  @AfterEach
  void tearDown() {
    Await.result(pool.close());
  }

  private <T> T onContext(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return Await.result(done.future());
  }

  private JobRecord claimed() {
    JsonObject workflow = new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("id", "s").put("type", "set").put("with", new JsonObject()))
        .add(new JsonObject().put("id", "t").put("type", "set").put("with", new JsonObject())));
    NewJob job = new NewJob(UUID.randomUUID(), "r", workflow, new JsonObject(), new JsonObject().put("robot", "r"), List.of(), 0, 1, clock.instant(), null);
    Await.result(store.insert(job, clock.instant()));
    List<JobStore.Claim> claims = Await.result(store.claim(1, List.of(), clock.instant()));
    assertEquals(1, claims.size());
    return claims.get(0).job();
  }

  private JsonObject stepStarted(JobRecord j, int attempt, String step) {
    return Reports.stepStarted(NODE, j.id, attempt, step, 1, clock.instant());
  }

  private JsonObject stepFinished(JobRecord j, String step) {
    return Reports.stepFinished(NODE, j.id, j.attempt, step, "SUCCEEDED", 1, new JsonObject().put("v", step), null, clock.instant(), clock.instant());
  }

  private JsonObject finished(JobRecord j) {
    return Reports.finished(NODE, j.id, j.attempt, Outcome.succeeded(new JsonObject()), clock.instant());
  }

  /** The whole life of a no-op attempt, as a runner with a busy coordinator sends it. */
  private List<JsonObject> wholeRun(JobRecord j) {
    return List.of(Reports.started(NODE, j.id, j.attempt, clock.instant()), stepStarted(j, j.attempt, "s"), stepFinished(j, "s"),
        stepStarted(j, j.attempt, "t"), stepFinished(j, "t"), finished(j));
  }

  private List<String> eventTypes(JobRecord j) {
    return Await.result(store.events(0, j.id, 100)).stream().map(e -> e.type() + (JobEvent.JOB_STATE.equals(e.type()) ? ":" + e.data().getString("to") : "")).toList();
  }

  private JsonObject steps(JobRecord j) {
    return Await.result(store.findWithSteps(j.id)).getJsonObject("steps");
  }

  @Test
  void aGroupIsWrittenInOrderAndSharesItsCommits() {
    JobRecord j = claimed();
    long batchesBefore = group.batches();
    ReportHandler.GroupOutcome o = onContext(() -> handler.handleGroup(wholeRun(j)));
    assertEquals(6, o.accepted());
    assertNull(o.failure());
    assertEquals("SUCCEEDED", Await.result(store.find(j.id)).state.name());
    assertEquals(List.of("job.state:QUEUED", "job.state:CLAIMED", "job.state:RUNNING", "step.started", "step.finished", "step.started", "step.finished",
        "job.state:SUCCEEDED"), eventTypes(j).stream().filter(t -> !t.startsWith("lease")).toList());
    assertEquals("t", steps(j).getJsonObject("t").getJsonObject("output").getString("v"));
    // the first write goes out alone at once (nothing was in flight), the five after it share the next commit
    assertTrue(group.batches() - batchesBefore <= 2, (group.batches() - batchesBefore) + " commits for one group");
  }

  @Test
  void aGroupOfAnAttemptThatIsNotLiveWritesNothing() {
    JobRecord j = claimed();
    List<JsonObject> stale = List.of(Reports.started(NODE, j.id, j.attempt + 1, clock.instant()), stepStarted(j, j.attempt + 1, "s"));
    ReportHandler.GroupOutcome o = onContext(() -> handler.handleGroup(stale));
    assertEquals(0, o.accepted());
    assertEquals(ErrorCode.STALE_ATTEMPT, assertInstanceOf(RoboGridException.class, o.failure()).code());
    assertEquals("CLAIMED", Await.result(store.find(j.id)).state.name());
    assertEquals("PENDING", steps(j).getJsonObject("s").getString("state"));
    assertEquals(1, eventTypes(j).stream().filter(JobEvent.REPORT_REJECTED::equals).count(), "one refusal logged for the group: " + eventTypes(j));
  }

  @Test
  void aReportAfterTheAttemptEndedInItsOwnGroupIsRefusedAndNothingAfterItIsWritten() {
    JobRecord j = claimed();
    List<JsonObject> late = List.of(Reports.started(NODE, j.id, j.attempt, clock.instant()), stepStarted(j, j.attempt, "s"), finished(j),
        stepStarted(j, j.attempt, "t"), stepFinished(j, "t"));
    ReportHandler.GroupOutcome o = onContext(() -> handler.handleGroup(late));
    assertEquals(3, o.accepted(), "the live check sees the end written just before it, in the same commit");
    assertEquals(ErrorCode.STALE_ATTEMPT, assertInstanceOf(RoboGridException.class, o.failure()).code());
    assertEquals("SUCCEEDED", Await.result(store.find(j.id)).state.name());
    assertEquals("PENDING", steps(j).getJsonObject("t").getString("state"));
  }

  @Test
  void aMalformedReportStopsItsOwnGroupOnlyAndTheOtherGroupsCommit() {
    JobRecord bad = claimed(), good = claimed();
    JsonObject broken = stepFinished(bad, "s").put("tries", "twice"); // fails when its statement is built, inside the shared batch
    List<JsonObject> badGroup = List.of(Reports.started(NODE, bad.id, bad.attempt, clock.instant()), stepStarted(bad, bad.attempt, "s"), broken,
        stepStarted(bad, bad.attempt, "t"), finished(bad));
    List<ReportHandler.GroupOutcome> both = onContext(() -> {
      Future<ReportHandler.GroupOutcome> b = handler.handleGroup(badGroup), g = handler.handleGroup(wholeRun(good));
      return Future.all(b, g).map(v -> List.of(b.result(), g.result()));
    });
    assertEquals(2, both.get(0).accepted());
    assertEquals(ErrorCode.INVALID_REQUEST, assertInstanceOf(RoboGridException.class, both.get(0).failure()).code());
    assertEquals("RUNNING", Await.result(store.find(bad.id)).state.name(), "nothing after the malformed report was written");
    assertEquals("RUNNING", steps(bad).getJsonObject("s").getString("state"));
    assertEquals("PENDING", steps(bad).getJsonObject("t").getString("state"));
    assertEquals(6, both.get(1).accepted());
    assertEquals("SUCCEEDED", Await.result(store.find(good.id)).state.name());
  }

  @Test
  void aReportOfAnUnknownTypeIsAClearRefusalNotAnError() {
    JobRecord j = claimed();
    List<JsonObject> odd = List.of(Reports.started(NODE, j.id, j.attempt, clock.instant()),
        new JsonObject().put("type", "step.teleported").put("jobId", j.id.toString()).put("attempt", j.attempt).put("at", clock.instant().toString()),
        stepStarted(j, j.attempt, "s"));
    ReportHandler.GroupOutcome o = onContext(() -> handler.handleGroup(odd));
    assertEquals(1, o.accepted());
    assertEquals(ErrorCode.INVALID_REQUEST, assertInstanceOf(RoboGridException.class, o.failure()).code());
    assertEquals("PENDING", steps(j).getJsonObject("s").getString("state"));
  }
}
