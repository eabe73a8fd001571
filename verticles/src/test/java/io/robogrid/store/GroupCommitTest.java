package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
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
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes of many jobs sharing one transaction, against a real PostgreSQL: under load they share commits, alone a write
 * goes out at once, and every fence of a single write holds for each write inside a batch (attempt numbers, guarded
 * transitions, the live check of a lease), so that one job's stale report never costs another job its write.
 */
@ExtendWith(VertxExtension.class)
class GroupCommitTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private final JobLifecycle lifecycle = new JobLifecycle(new Random(7));
  private Pool pool;
  private JobStore store;
  private GroupCommit group;
  private Context context;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.newMigratedPool(vertx);
    store = new JobStore(pool);
    context = vertx.getOrCreateContext();
    group = onContext(() -> Future.succeededFuture(store.groupCommit(256)));
  }

  @AfterEach
  void tearDown() {
    Await.result(pool.close());
  }

  /** Runs {@code writes} on the verticle-like context a GroupCommit belongs to, in one go, and waits for all of them. */
  private <T> T onContext(Supplier<Future<T>> writes) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> writes.get().onComplete(done));
    return Await.result(done.future());
  }

  private JobRecord claimed() {
    JsonObject workflow = new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("id", "s").put("type", "set").put("with", new JsonObject())));
    NewJob job = new NewJob(UUID.randomUUID(), "r", workflow, new JsonObject(), new JsonObject().put("robot", "r"), List.of(), 0, 1,
        clock.instant(), null);
    Await.result(store.insert(job, clock.instant()));
    List<JobStore.Claim> claims = Await.result(store.claim(1, List.of(), clock.instant()));
    assertEquals(1, claims.size());
    return claims.get(0).job();
  }

  private JobRecord running() {
    JobRecord job = claimed();
    Await.result(store.reports().markRunning(job.id, job.attempt, "n1", clock.instant()));
    return job;
  }

  private Future<List<JobEvent>> markRunning(JobRecord job, int attempt) {
    return group.runStatement(job.id, c -> store.reports().on(c).markRunning(job.id, attempt, "n1", clock.instant()));
  }

  private Future<TransitionResult> finish(JobRecord job, int attempt) {
    Instant now = clock.instant();
    return group.run(job.id, c -> JobStore.transition(c, job.id, attempt, now, lifecycle.finish(Outcome.succeeded(new JsonObject()), now)));
  }

  private static Throwable failure(Future<?> f) {
    assertTrue(f.failed(), "expected a failure, got " + f.result());
    return f.cause();
  }

  private static void assertStale(Future<?> f) {
    RoboGridException e = assertInstanceOf(RoboGridException.class, failure(f));
    assertEquals(ErrorCode.STALE_ATTEMPT, e.code());
  }

  @Test
  void aWriteAloneGoesOutAtOnceAndWritesArrivingMeanwhileShareTheNextCommit() {
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 0; i < 40; i++) jobs.add(claimed());
    onContext(() -> markRunning(jobs.get(0), 1));
    assertEquals(1, group.batches());

    List<Future<List<JobEvent>>> all = onContext(() -> {
      List<Future<List<JobEvent>>> fs = new ArrayList<>();
      for (JobRecord j : jobs.subList(1, jobs.size())) fs.add(markRunning(j, 1));
      return Future.join(fs).map(v -> fs);
    });
    // the first went alone while the other 38 piled up behind it, and they then shared one commit
    assertEquals(3, group.batches());
    assertEquals(40, group.writes());
    for (JobRecord j : jobs) assertEquals(JobState.RUNNING, Await.result(store.find(j.id)).state);
    for (var f : all) assertEquals(List.of("job.state"), f.result().stream().map(JobEvent::type).toList());
  }

  @Test
  void inABatchEachWriteKeepsItsOwnFence() {
    JobRecord live = claimed();
    JobRecord wrongAttempt = claimed();
    JobRecord notRunning = claimed();
    JobRecord leaseWhileClaimed = claimed();
    JobRecord finishing = running();
    JobRecord finishedStale = running();
    JobRecord lease = running();
    List<Future<?>> f = onContext(() -> {
      List<Future<?>> fs = new ArrayList<>();
      fs.add(group.run("first", c -> c.query("SELECT 1").execute())); // goes alone: the rest share the next batch
      fs.add(markRunning(live, 1));
      fs.add(markRunning(wrongAttempt, 2));
      fs.add(group.run(notRunning.id, c -> store.reports().on(c).stepStarted(notRunning.id, 1, "s", 1, clock.instant())));
      fs.add(group.run(leaseWhileClaimed.id, c -> store.reports().on(c).leaseTaken(leaseWhileClaimed.id, 1, "desktop:d1", "n1", clock.instant())));
      fs.add(finish(finishing, 1));
      fs.add(finish(finishedStale, 2));
      fs.add(group.run(lease.id, c -> store.reports().on(c).leaseTaken(lease.id, 1, "desktop:d2", "n1", clock.instant())));
      return Future.join(fs).transform(ar -> Future.succeededFuture(fs));
    });
    assertEquals(2, group.batches(), "the seven writes shared one commit");
    assertTrue(f.get(1).succeeded());
    assertEquals(JobState.RUNNING, Await.result(store.find(live.id)).state);
    assertStale(f.get(2));
    assertEquals(JobState.CLAIMED, Await.result(store.find(wrongAttempt.id)).state);
    assertStale(f.get(3));
    assertStale(f.get(4));
    assertTrue(f.get(5).succeeded());
    assertEquals(JobState.SUCCEEDED, Await.result(store.find(finishing.id)).state);
    assertStale(f.get(6));
    assertEquals(JobState.RUNNING, Await.result(store.find(finishedStale.id)).state);
    assertTrue(f.get(7).succeeded());
    assertEquals(List.of("desktop:d2"), Await.result(store.grid().leases()).stream().map(o -> ((JsonObject) o).getString("resource")).toList());
  }

  @Test
  void twoEndsOfOneJobInOneBatchApplyOnceTheSecondSeesTheFirst() {
    JobRecord job = running();
    List<Future<TransitionResult>> f = onContext(() -> {
      List<Future<TransitionResult>> fs = new ArrayList<>();
      group.run("first", c -> c.query("SELECT 1").execute());
      fs.add(finish(job, 1));
      fs.add(finish(job, 1)); // the same report delivered twice
      return Future.join(fs).transform(ar -> Future.succeededFuture(fs));
    });
    assertEquals(2, group.batches());
    assertEquals(JobState.SUCCEEDED, f.get(0).result().job().state);
    assertEquals(List.of(), f.get(1).result().events(), "the second end of the attempt changed nothing");
    long ends = Await.result(store.events(0, job.id, 100)).stream()
        .filter(e -> e.type().equals("job.state") && "SUCCEEDED".equals(e.data().getString("to"))).count();
    assertEquals(1, ends);
  }

  @Test
  void aDatabaseErrorInABatchCostsTheOthersNothing() {
    JobRecord a = claimed();
    JobRecord b = claimed();
    List<Future<?>> f = onContext(() -> {
      List<Future<?>> fs = new ArrayList<>();
      group.run("first", c -> c.query("SELECT 1").execute());
      fs.add(markRunning(a, 1));
      fs.add(group.run("bad", c -> c.query("SELECT 1/0").execute())); // aborts the shared transaction
      fs.add(markRunning(b, 1));
      return Future.join(fs).transform(ar -> Future.succeededFuture(fs));
    });
    assertTrue(f.get(0).succeeded());
    assertInstanceOf(PgException.class, failure(f.get(1)));
    assertTrue(f.get(2).succeeded());
    assertEquals(JobState.RUNNING, Await.result(store.find(a.id)).state);
    assertEquals(JobState.RUNNING, Await.result(store.find(b.id)).state);
    assertNull(Await.result(store.find(a.id)).error);
    // each was written once: one job.state event for the start, though the batch ran twice
    assertEquals(1, Await.result(store.events(0, a.id, 100)).stream().filter(e -> "RUNNING".equals(e.data().getString("to"))).count());
  }
}
