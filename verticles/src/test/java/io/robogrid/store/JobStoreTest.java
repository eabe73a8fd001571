package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.core.StepFailure;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
import io.robogrid.testing.Await;
import io.robogrid.testing.MutableClock;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store and the job rules against a real PostgreSQL, with time set by a clock the test controls. */
@ExtendWith(VertxExtension.class)
class JobStoreTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private final JobLifecycle lifecycle = new JobLifecycle(new Random(7));
  private Pool pool;
  private JobStore store;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.newMigratedPool(vertx);
    store = new JobStore(pool);
  }

  @AfterEach
  void tearDown() {
    Await.result(pool.close());
  }

  private static JsonObject workflow(int maxAttempts, String backoff) {
    return new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("id", "s").put("type", "set").put("with", new JsonObject())))
        .put("retry", new JsonObject().put("maxAttempts", maxAttempts).put("backoff", backoff).put("maxBackoff", "1h"));
  }

  private JobRecord submit(int maxAttempts, String backoff, Instant runAt, int priority) {
    NewJob job = new NewJob(UUID.randomUUID(), "r", workflow(maxAttempts, backoff), new JsonObject(), new JsonObject().put("robot", "r"),
        List.of("http"), priority, maxAttempts, runAt, null);
    return Await.result(store.insert(job, clock.instant())).job();
  }

  private JobRecord claimOne() {
    List<JobStore.Claim> claims = Await.result(store.claim(1, List.of("http"), clock.instant()));
    assertEquals(1, claims.size());
    return claims.get(0).job();
  }

  @Test
  void concurrentClaimsNeverTakeTheSameJob() {
    for (int i = 0; i < 40; i++) submit(1, "1s", clock.instant(), 0);
    List<Future<List<JobStore.Claim>>> racing = new ArrayList<>();
    for (int i = 0; i < 8; i++) racing.add(store.claim(7, List.of("http"), clock.instant()));
    Set<UUID> seen = new HashSet<>();
    int total = 0;
    for (var f : racing) {
      for (var c : Await.result(f)) {
        assertTrue(seen.add(c.job().id), "job claimed twice: " + c.job().id);
        assertEquals(JobState.CLAIMED, c.job().state);
        assertEquals(1, c.job().attempt);
        total++;
      }
    }
    assertEquals(40, total);
    assertTrue(Await.result(store.claim(10, List.of("http"), clock.instant())).isEmpty());
  }

  @Test
  void aClaimForAScarceCapabilityTakesOnlyJobsThatNeedIt() {
    JobRecord plain = submit(1, "1s", clock.instant(), 0); // needs http only
    NewJob browser = new NewJob(UUID.randomUUID(), "r", workflow(1, "1s"), new JsonObject(), new JsonObject().put("robot", "r"),
        List.of("http", "browser"), 0, 1, clock.instant(), null);
    Await.result(store.insert(browser, clock.instant()));
    List<JobStore.Claim> claims = Await.result(store.claim(5, List.of("browser", "http"), "browser", clock.instant()));
    assertEquals(List.of(browser.id()), claims.stream().map(c -> c.job().id).toList(), "a browser slot went to a job that does not need it");
    assertEquals(List.of(plain.id), Await.result(store.claim(5, List.of("http"), null, clock.instant())).stream().map(c -> c.job().id).toList());
  }

  @Test
  void claimHonoursPriorityAndCapabilities() {
    JobRecord low = submit(1, "1s", clock.instant(), 1);
    JobRecord high = submit(1, "1s", clock.instant(), 9);
    assertTrue(Await.result(store.claim(5, List.of(), clock.instant())).isEmpty(), "a job needing http went to a runner without it");
    List<JobStore.Claim> claims = Await.result(store.claim(5, List.of("http", "browser"), clock.instant()));
    assertEquals(List.of(high.id, low.id), claims.stream().map(c -> c.job().id).toList());
  }

  @Test
  void reportsFromAStaleAttemptAreRefused() {
    submit(2, "1s", clock.instant(), 0);
    JobRecord job = claimOne();
    Await.result(store.reports().markRunning(job.id, 1, "n1", clock.instant()));
    // the node goes silent: the sweep gives the attempt up and the job is queued again
    Await.result(store.transition(job.id, 1, clock.instant(), lifecycle.finish(Outcome.lost("silent"), clock.instant())));
    JobRecord second = claimOne();
    assertEquals(2, second.attempt);
    Await.result(store.reports().markRunning(job.id, 2, "n2", clock.instant()));

    // the first node wakes up and reports: every kind of report is refused by attempt number
    Throwable step = Await.failure(store.reports().stepStarted(job.id, 1, "s", 1, clock.instant()));
    assertEquals(ErrorCode.STALE_ATTEMPT, ((RoboGridException) step).code());
    Throwable finish = Await.failure(store.transition(job.id, 1, clock.instant(), lifecycle.finish(Outcome.succeeded(new JsonObject()), clock.instant())));
    assertEquals(ErrorCode.STALE_ATTEMPT, ((RoboGridException) finish).code());
    Map<UUID, Integer> hb = Map.of(job.id, 1);
    assertTrue(Await.result(store.reports().heartbeat("n1", hb, clock.instant())).isEmpty());

    // the live attempt still completes
    Await.result(store.transition(job.id, 2, clock.instant(), lifecycle.finish(Outcome.succeeded(new JsonObject().put("s", 1)), clock.instant())));
    JobRecord done = Await.result(store.find(job.id));
    assertEquals(JobState.SUCCEEDED, done.state);
    assertEquals(0, done.failures, "a lost attempt is not a failure");
    assertEquals(1, done.lostAttempts);
  }

  @Test
  void recoverableFailureWaitsItsBackoffThenRunsAgain() {
    submit(3, "10s", clock.instant(), 0);
    JobRecord job = claimOne();
    Await.result(store.reports().markRunning(job.id, 1, "n1", clock.instant()));
    Instant failedAt = clock.instant();
    TransitionResult r = Await.result(store.transition(job.id, 1, failedAt,
        lifecycle.finish(Outcome.failed(new StepFailure(ErrorClass.HTTP_5XX, "503"), "s"), failedAt)));
    assertEquals(JobState.RETRY_WAIT, r.job().state);
    Duration wait = Duration.between(failedAt, r.job().runAt);
    // first retry: 10s backoff with equal jitter, so between 5s and 10s
    assertTrue(wait.compareTo(Duration.ofSeconds(5)) >= 0 && wait.compareTo(Duration.ofSeconds(10)) <= 0, "wait " + wait);
    assertEquals(wait.toMillis(), r.events().get(0).data().getLong("retryInMs"));

    clock.set(r.job().runAt.minusMillis(1));
    assertTrue(Await.result(store.promoteDue(clock.instant(), 10)).isEmpty(), "promoted before its backoff ended");
    assertTrue(Await.result(store.claim(5, List.of("http"), clock.instant())).isEmpty());
    clock.set(r.job().runAt);
    assertEquals(1, Await.result(store.promoteDue(clock.instant(), 10)).size());
    assertEquals(2, claimOne().attempt);
  }

  @Test
  void unrecoverableFailureIsNotRetried() {
    submit(5, "1s", clock.instant(), 0);
    JobRecord job = claimOne();
    Await.result(store.reports().markRunning(job.id, 1, "n1", clock.instant()));
    JobRecord after = Await.result(store.transition(job.id, 1, clock.instant(),
        lifecycle.finish(Outcome.failed(new StepFailure(ErrorClass.INVALID_URL, "bad"), "s"), clock.instant()))).job();
    assertEquals(JobState.FAILED, after.state);
    assertEquals("INVALID_URL", after.error.getString("code"));
    assertEquals("s", after.error.getString("step"));
  }

  @Test
  void lastAttemptFailsTheJob() {
    submit(2, "1s", clock.instant(), 0);
    for (int attempt = 1; attempt <= 2; attempt++) {
      JobRecord job = claimOne();
      assertEquals(attempt, job.attempt);
      Await.result(store.reports().markRunning(job.id, attempt, "n1", clock.instant()));
      JobRecord after = Await.result(store.transition(job.id, attempt, clock.instant(),
          lifecycle.finish(Outcome.failed(new StepFailure(ErrorClass.RATE_LIMITED, "429"), "s"), clock.instant()))).job();
      assertEquals(attempt == 1 ? JobState.RETRY_WAIT : JobState.FAILED, after.state);
      clock.advance(Duration.ofMinutes(1));
      Await.result(store.promoteDue(clock.instant(), 10));
    }
  }

  @Test
  void silentAttemptsAreFoundAndNodeRestartsReleaseTheirs() {
    submit(3, "1s", clock.instant(), 0);
    JobRecord a = claimOne();
    Await.result(store.reports().markRunning(a.id, 1, "n1", clock.instant()));
    clock.advance(Duration.ofSeconds(5));
    submit(3, "1s", clock.instant(), 0);
    JobRecord b = claimOne();
    Await.result(store.reports().markRunning(b.id, 1, "n2", clock.instant()));
    Await.result(store.reports().heartbeat("n2", Map.of(b.id, 1), clock.instant()));

    Map<UUID, Integer> stale = Await.result(store.staleAttempts(clock.instant().minusSeconds(3)));
    assertEquals(Map.of(a.id, 1), stale);
    assertEquals(Map.of(b.id, 1), Await.result(store.attemptsOn("n2")));
  }

  @Test
  void cancelStopsWaitingJobsAtOnceAndMarksRunningOnes() {
    JobRecord later = submit(1, "1s", clock.instant().plusSeconds(60), 0);
    assertEquals(JobState.PENDING, later.state);
    JobRecord cancelled = Await.result(store.transition(later.id, null, clock.instant(), lifecycle.cancel(clock.instant(), "no"))).job();
    assertEquals(JobState.CANCELLED, cancelled.state);

    submit(1, "1s", clock.instant(), 0);
    JobRecord running = claimOne();
    Await.result(store.reports().markRunning(running.id, 1, "n1", clock.instant()));
    assertEquals(Map.of(running.id, ReportStore.Ask.NOTHING), Await.result(store.reports().heartbeat("n1", Map.of(running.id, 1), clock.instant())));
    TransitionResult r = Await.result(store.transition(running.id, null, clock.instant(), lifecycle.cancel(clock.instant(), "stop")));
    assertEquals(JobState.RUNNING, r.job().state);
    assertTrue(r.job().cancelRequested);
    assertEquals("job.cancel-requested", r.events().get(0).type());
    // the next heartbeat repeats the cancel, in case the runner missed the direct message
    assertEquals(Map.of(running.id, ReportStore.Ask.CANCEL), Await.result(store.reports().heartbeat("n1", Map.of(running.id, 1), clock.instant())));
    // whatever the runner reports next, the job ends cancelled
    JobRecord end = Await.result(store.transition(running.id, 1, clock.instant(),
        lifecycle.finish(Outcome.succeeded(new JsonObject()), clock.instant()))).job();
    assertEquals(JobState.CANCELLED, end.state);
    Throwable again = Await.failure(store.transition(running.id, null, clock.instant(), lifecycle.cancel(clock.instant(), "again")));
    assertEquals(ErrorCode.JOB_FINISHED, ((RoboGridException) again).code());
  }

  @Test
  void listPagesNewestFirstAndEventsReplayInOrder() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(0, submit(1, "1s", clock.instant(), 0).id);
      clock.advance(Duration.ofMillis(10));
    }
    List<JobRecord> first = Await.result(store.list(new JobQuery(null, null, 3, null, null, false)));
    assertEquals(ids.subList(0, 3), first.stream().map(j -> j.id).toList());
    JobRecord last = first.get(2);
    List<JobRecord> rest = Await.result(store.list(new JobQuery(JobState.QUEUED, "r", 3, last.createdAt, last.id, false)));
    assertEquals(ids.subList(3, 5), rest.stream().map(j -> j.id).toList());

    List<JobEvent> all = Await.result(store.events(0, null, 100));
    assertEquals(5, all.size());
    List<JobEvent> tail = Await.result(store.events(all.get(2).seq(), null, 100));
    assertEquals(all.subList(3, 5), tail);
    assertEquals(List.of(all.get(1)), Await.result(store.events(0, all.get(1).jobId(), 100)));
  }

  @Test
  void unknownJobIsNotFound() {
    Throwable e = Await.failure(store.find(UUID.randomUUID()));
    assertInstanceOf(RoboGridException.class, e);
    assertEquals(ErrorCode.JOB_NOT_FOUND, ((RoboGridException) e).code());
    assertNull(Await.result(store.nextDueAt()));
  }
}
