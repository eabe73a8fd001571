package io.robogrid.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.core.StepFailure;
import io.robogrid.store.Change;
import io.robogrid.store.JobEvent;
import io.robogrid.store.JobRecord;
import io.robogrid.store.TestJobs;
import io.robogrid.workflow.RetryPolicy;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobLifecycleTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:10:00Z");
  private static final RetryPolicy THREE_TRIES = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(25));
  private final JobLifecycle lifecycle = new JobLifecycle(new Random(1234));

  private static JobRecord running() {
    return TestJobs.job(JobState.RUNNING, THREE_TRIES);
  }

  private Change finish(JobRecord job, Outcome outcome) {
    return lifecycle.finish(outcome, NOW).apply(job);
  }

  private static Outcome failed(ErrorClass c) {
    return Outcome.failed(new StepFailure(c, "went wrong"), "a");
  }

  @Test
  void successEndsTheJobWithItsResult() {
    JobRecord job = running();
    JsonObject result = new JsonObject().put("a", new JsonObject().put("x", 1));
    Change c = finish(job, Outcome.succeeded(result));
    assertSame(job, c.next());
    assertEquals(JobState.SUCCEEDED, job.state);
    assertEquals(NOW, job.finishedAt);
    assertEquals(result, job.result);
    assertEquals("SUCCEEDED", c.attemptState());
    assertEquals(JobEvent.JOB_STATE, c.eventType());
  }

  @Test
  void recoverableFailureWithAttemptsLeftWaitsToRetryWithinTheJitterBounds() {
    for (int seed = 0; seed < 200; seed++) {
      JobRecord job = running();
      Change c = new JobLifecycle(new Random(seed)).finish(failed(ErrorClass.RATE_LIMITED), NOW).apply(job);
      assertEquals(JobState.RETRY_WAIT, job.state);
      assertEquals(1, job.failures);
      long delay = Duration.between(NOW, job.runAt).toMillis();
      assertTrue(delay >= 5_000 && delay <= 10_000, "first retry after " + delay + "ms");
      assertEquals(delay, c.eventData().getLong("retryInMs"));
      assertEquals("FAILED", c.attemptState());
      assertEquals("RATE_LIMITED", c.attemptError().getString("code"));
      assertEquals("a", c.attemptError().getString("step"));
      assertEquals("RATE_LIMITED", job.error.getString("code"));
      assertNull(job.node);
      assertNull(job.heartbeatAt);
      assertNull(job.finishedAt);
    }
  }

  @Test
  void laterRetryBacksOffFurtherUpToTheCap() {
    JobRecord job = running();
    job.failures = 1;
    finish(job, failed(ErrorClass.HTTP_5XX)); // third try: 20 s, capped at 25 s
    assertEquals(JobState.RETRY_WAIT, job.state);
    assertEquals(2, job.failures);
    long delay = Duration.between(NOW, job.runAt).toMillis();
    assertTrue(delay >= 10_000 && delay <= 20_000, "second retry after " + delay + "ms");
  }

  @Test
  void unrecoverableFailureFailsAtOnce() {
    JobRecord job = running();
    Change c = finish(job, failed(ErrorClass.INVALID_URL));
    assertEquals(JobState.FAILED, job.state);
    assertEquals(1, job.failures);
    assertEquals(NOW, job.finishedAt);
    assertEquals("unrecoverable error", c.eventData().getString("reason"));
    assertEquals("INVALID_URL", job.error.getString("code"));
  }

  @Test
  void recoverableFailureOnTheLastAttemptFails() {
    JobRecord job = running();
    job.failures = 2;
    Change c = finish(job, failed(ErrorClass.RATE_LIMITED));
    assertEquals(JobState.FAILED, job.state);
    assertEquals(3, job.failures);
    assertEquals("no attempts left (3)", c.eventData().getString("reason"));
  }

  @Test
  void aLostAttemptRunsAgainAtOnceWithoutSpendingARetry() {
    JobRecord job = running();
    Change c = finish(job, Outcome.lost("node gone"));
    assertEquals(JobState.QUEUED, job.state);
    assertEquals(NOW, job.runAt);
    assertEquals(0, job.failures);
    assertEquals(1, job.lostAttempts);
    assertNull(job.node);
    assertNull(job.error, "nothing failed");
    assertEquals("LOST", c.attemptState());
    assertEquals("NODE_LOST", c.attemptError().getString("code"));
    assertTrue(c.eventData().getString("reason").contains("without counting as a failure (1 of 3"), c.eventData().encode());
  }

  @Test
  void lostMoreOftenThanMaxLostAttemptsCountsAsAFailure() {
    JobRecord job = running();
    job.lostAttempts = 3;
    Change c = finish(job, Outcome.lost("node gone"));
    assertEquals(JobState.RETRY_WAIT, job.state);
    assertEquals(1, job.failures);
    assertEquals(3, job.lostAttempts);
    assertEquals("LOST", c.attemptState());
    assertEquals("NODE_LOST", job.error.getString("code"));
  }

  @Test
  void maxLostAttemptsZeroCountsEveryLostAttemptAsAFailure() {
    JobRecord job = running();
    job.workflow.put("maxLostAttempts", 0);
    finish(job, Outcome.lost("node gone"));
    assertEquals(JobState.RETRY_WAIT, job.state);
    assertEquals(1, job.failures);
    assertEquals(0, job.lostAttempts);
  }

  @Test
  void aClaimThatNeverStartedGoesBackToTheQueueWithoutCountingAFailure() {
    JobRecord job = running();
    job.state = JobState.CLAIMED;
    job.node = null;
    Change c = finish(job, Outcome.lost("no heartbeat"));
    assertEquals(JobState.QUEUED, job.state);
    assertEquals(0, job.failures);
    assertEquals("LOST", c.attemptState());
    assertTrue(c.eventData().getString("reason").startsWith("claimed but never started"), c.eventData().encode());
  }

  @Test
  void lostOnTheLastAttemptOnceTheLostBudgetIsSpentFails() {
    JobRecord job = running();
    job.failures = 2;
    job.lostAttempts = 3;
    assertEquals("LOST", finish(job, Outcome.lost("node gone")).attemptState());
    assertEquals(JobState.FAILED, job.state);
  }

  @Test
  void failureWithoutAnErrorIsRecordedAsUnknown() {
    JobRecord job = running();
    finish(job, new Outcome(Outcome.Kind.FAILED, null, null, null, null, null));
    assertEquals(JobState.RETRY_WAIT, job.state);
    assertEquals(1, job.failures);
    assertTrue(job.error != null && "UNKNOWN".equals(job.error.getString("code")), "job.error = " + job.error);
  }

  @ParameterizedTest
  @EnumSource(value = Outcome.Kind.class)
  void cancelRequestedTurnsAnyOutcomeIntoCancelled(Outcome.Kind kind) {
    JobRecord job = running();
    job.cancelRequested = true;
    Outcome outcome = switch (kind) {
      case SUCCEEDED -> Outcome.succeeded(new JsonObject());
      case FAILED -> failed(ErrorClass.RATE_LIMITED);
      case CANCELLED -> Outcome.cancelled("stopped by runner");
      case HANDED_BACK -> Outcome.handedBack();
      case LOST -> Outcome.lost("node gone");
      case PAUSED -> Outcome.paused(new JsonObject());
    };
    Change c = finish(job, outcome);
    assertEquals(JobState.CANCELLED, job.state);
    assertEquals(0, job.failures);
    assertEquals(NOW, job.finishedAt);
    assertEquals("CANCELLED", job.error.getString("code"));
    assertEquals("CANCELLED", c.attemptState());
  }

  /** A standing pause holds the job whatever ends its attempt, unless the job is done for good. */
  @ParameterizedTest
  @EnumSource(value = Outcome.Kind.class)
  void aPauseRequestedOfARunningJobHoldsItAfterAnyOutcomeThatWouldNotEndIt(Outcome.Kind kind) {
    JobRecord job = running();
    job.carried = new JsonObject().put("a", new JsonObject().put("x", 1));
    assertEquals("job.pause-requested", lifecycle.pause(NOW, "ops").apply(job).eventType());
    assertEquals(JobState.RUNNING, job.state);
    Outcome outcome = switch (kind) {
      case SUCCEEDED -> Outcome.succeeded(new JsonObject());
      case FAILED -> failed(ErrorClass.RATE_LIMITED);
      case CANCELLED -> Outcome.cancelled("stopped by runner");
      case HANDED_BACK -> Outcome.handedBack();
      case LOST -> Outcome.lost("node gone");
      case PAUSED -> Outcome.paused(new JsonObject().put("a", new JsonObject().put("x", 1)).put("b", new JsonObject()));
    };
    Change c = finish(job, outcome);
    JobState expected = switch (kind) {
      case SUCCEEDED -> JobState.SUCCEEDED;
      case CANCELLED -> JobState.CANCELLED;
      default -> JobState.PAUSED;
    };
    assertEquals(expected, job.state, kind.name());
    if (expected == JobState.PAUSED) {
      assertTrue(job.pause.containsKey("pausedAt"), job.pause.encode());
      assertEquals(null, job.node);
    } else {
      assertEquals(null, job.pause, "a finished job keeps no pause");
    }
    // only a clean stop at a step boundary adds to what is carried; a failure's retry starts over, as retries do
    JsonObject carried = switch (kind) {
      case PAUSED -> new JsonObject().put("a", new JsonObject().put("x", 1)).put("b", new JsonObject());
      case HANDED_BACK, LOST, CANCELLED, SUCCEEDED -> new JsonObject().put("a", new JsonObject().put("x", 1));
      case FAILED -> null;
    };
    assertEquals(carried, job.carried, kind.name());
    if (kind == Outcome.Kind.FAILED) {
      assertEquals(1, job.failures, "the failure counts even though the job is held");
      assertTrue(job.runAt.isAfter(NOW), "the retry's backoff is kept as its runAt: resumed, it waits the rest");
    }
    if (kind == Outcome.Kind.PAUSED) assertEquals("PAUSED", c.attemptState());
  }

  @Test
  void aWithdrawnPauseQueuesTheStoppedRunAgainWithItsProgress() {
    JobRecord job = running();
    lifecycle.pause(NOW, "ops").apply(job);
    assertEquals("job.pause-withdrawn", lifecycle.resume(NOW, "ops").apply(job).eventType());
    finish(job, Outcome.paused(new JsonObject().put("a", new JsonObject())));
    assertEquals(JobState.QUEUED, job.state);
    assertEquals(new JsonObject().put("a", new JsonObject()), job.carried);
  }

  @Test
  void pauseAndResumeOfWaitingJobsAndTheirRefusals() {
    for (JobState s : List.of(JobState.PENDING, JobState.QUEUED, JobState.RETRY_WAIT, JobState.CLAIMED)) {
      JobRecord job = TestJobs.job(s, THREE_TRIES);
      job.runAt = NOW.plusSeconds(30);
      Change c = lifecycle.pause(NOW, "ops").apply(job);
      assertEquals(JobState.PAUSED, job.state, s.name());
      assertEquals(s == JobState.CLAIMED ? "PAUSED" : null, c.attemptState(), "only a claimed job had an attempt to end");
      assertEquals(null, lifecycle.pause(NOW, "ops").apply(job), "a second pause changes nothing");
      lifecycle.resume(NOW, "ops").apply(job);
      assertEquals(JobState.PENDING, job.state, "its runAt is still ahead");
      assertEquals(null, job.pause);
    }
    JobRecord due = TestJobs.job(JobState.PAUSED, THREE_TRIES);
    due.runAt = NOW.minusSeconds(1);
    lifecycle.resume(NOW, "ops").apply(due);
    assertEquals(JobState.QUEUED, due.state);
    assertCode(ErrorCode.WRONG_STATE, () -> lifecycle.resume(NOW, "ops").apply(TestJobs.job(JobState.QUEUED, THREE_TRIES)));
    assertCode(ErrorCode.WRONG_STATE, () -> lifecycle.pause(NOW, "ops").apply(TestJobs.job(JobState.WAITING_APPROVAL, THREE_TRIES)));
    assertCode(ErrorCode.JOB_FINISHED, () -> lifecycle.pause(NOW, "ops").apply(TestJobs.job(JobState.SUCCEEDED, THREE_TRIES)));
    assertCode(ErrorCode.JOB_FINISHED, () -> lifecycle.resume(NOW, "ops").apply(TestJobs.job(JobState.FAILED, THREE_TRIES)));
  }

  private static void assertCode(ErrorCode code, Runnable r) {
    RoboGridException e = org.junit.jupiter.api.Assertions.assertThrows(RoboGridException.class, r::run);
    assertEquals(code, e.code());
  }

  @Test
  void handedBackJobIsQueuedAgainWithoutCountingAFailure() {
    JobRecord job = running();
    Change c = finish(job, Outcome.handedBack());
    assertEquals(JobState.QUEUED, job.state);
    assertEquals(0, job.failures);
    assertEquals(NOW, job.runAt);
    assertNull(job.node);
    assertNull(job.heartbeatAt);
    assertEquals("HANDED_BACK", c.attemptState());
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"PENDING", "QUEUED", "RETRY_WAIT", "SUCCEEDED", "FAILED", "CANCELLED"})
  void finishOfAJobThatIsNoLongerActiveChangesNothing(JobState state) {
    JobRecord job = TestJobs.job(state, THREE_TRIES);
    assertNull(finish(job, failed(ErrorClass.RATE_LIMITED)));
    assertEquals(state, job.state);
    assertEquals(0, job.failures);
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"PENDING", "QUEUED", "RETRY_WAIT", "CLAIMED"})
  void cancelOfAJobThatIsNotRunningCancelsItAtOnce(JobState state) {
    JobRecord job = TestJobs.job(state, THREE_TRIES);
    Change c = lifecycle.cancel(NOW, "operator").apply(job);
    assertEquals(JobState.CANCELLED, job.state);
    assertEquals(NOW, job.finishedAt);
    assertEquals("operator", job.error.getString("message"));
    assertEquals(JobEvent.JOB_STATE, c.eventType());
    assertEquals("operator", c.eventData().getString("reason"));
    assertEquals(state == JobState.CLAIMED ? "CANCELLED" : null, c.attemptState());
  }

  @Test
  void cancelOfARunningJobOnlyRequestsIt() {
    JobRecord job = running();
    Change c = lifecycle.cancel(NOW, "operator").apply(job);
    assertEquals(JobState.RUNNING, job.state);
    assertTrue(job.cancelRequested);
    assertNull(job.finishedAt);
    assertEquals("job.cancel-requested", c.eventType());
    assertNull(c.attemptState());
    assertEquals(new JsonObject().put("reason", "operator").put("node", "runner-1"), c.eventData());
  }

  @Test
  void secondCancelOfARunningJobChangesNothing() {
    JobRecord job = running();
    lifecycle.cancel(NOW, "first").apply(job);
    assertNull(lifecycle.cancel(NOW, "again").apply(job));
    assertTrue(job.cancelRequested);
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"SUCCEEDED", "FAILED", "CANCELLED"})
  void cancelOfAFinishedJobIsRefused(JobState state) {
    JobRecord job = TestJobs.job(state, THREE_TRIES);
    RoboGridException e = assertThrows(RoboGridException.class, () -> lifecycle.cancel(NOW, "operator").apply(job));
    assertEquals(ErrorCode.JOB_FINISHED, e.code());
    assertEquals(409, e.code().httpStatus());
    assertTrue(e.getMessage().contains(job.id.toString()) && e.getMessage().contains(state.name()), e.getMessage());
    assertEquals(state, job.state);
    assertFalse(job.cancelRequested);
  }
}
