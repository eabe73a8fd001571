package io.robogrid.jobs;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.core.StepFailure;
import io.robogrid.store.Change;
import io.robogrid.store.JobRecord;
import io.robogrid.workflow.RetryPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The decisions of a job's life that are more than a single move: what an attempt's outcome leads to (done,
 * retry after a backoff, failed for good), and what a cancel does in each state. Pure functions of the job,
 * the outcome, the time and a random source, so that tests fix all three.
 */
public final class JobLifecycle {
  private final RandomGenerator random;

  public JobLifecycle(RandomGenerator random) {
    this.random = random;
  }

  /** The change an attempt's outcome makes; null when the job has moved on (already cancelled, say) and there is nothing to do. */
  public Function<JobRecord, Change> finish(Outcome outcome, Instant now) {
    return job -> {
      Change change = ended(job, outcome, now);
      return change == null ? null : Pauses.held(change, now);
    };
  }

  private Change ended(JobRecord job, Outcome outcome, Instant now) {
    if (!job.state.isActive()) return null;
    JsonObject attemptError = outcome.errorJson();
    // the stream shows what the attempt did beside how it ended
    JsonObject measured = outcome.metrics() == null ? new JsonObject() : new JsonObject().put("metrics", outcome.metrics());
    if (outcome.metrics() != null) job.metrics = outcome.metrics();
    if (outcome.kind() == Outcome.Kind.SUCCEEDED && !job.cancelRequested) {
      job.state = JobState.SUCCEEDED;
      job.finishedAt = now;
      job.result = outcome.result();
      job.error = null; // carried stays: the job's steps view shows those steps from the attempt they ran in
      return Change.of(job, "SUCCEEDED", null, measured.isEmpty() ? null : measured);
    }
    if (outcome.kind() == Outcome.Kind.CANCELLED || job.cancelRequested) {
      return cancelled(job, now, outcome.kind() == Outcome.Kind.CANCELLED ? outcome.error().getMessage() : "cancelled by request");
    }
    if (outcome.kind() == Outcome.Kind.LOST && job.state == JobState.CLAIMED) {
      // claimed but never started (the coordinator or the runner died in between): nothing ran, so nothing failed
      job.state = JobState.QUEUED;
      job.runAt = now;
      job.node = null;
      job.heartbeatAt = null;
      return Change.of(job, "LOST", attemptError, new JsonObject().put("reason", "claimed but never started: " + outcome.error().getMessage()));
    }
    if (outcome.kind() == Outcome.Kind.PAUSED) {
      // stopped at a step boundary: what succeeded is kept, and the next attempt starts from the rest
      job.carried = outcome.result() == null || outcome.result().isEmpty() ? job.carried : outcome.result();
      job.state = JobState.QUEUED; // held as PAUSED below while the pause stands; queued again if it was withdrawn
      job.runAt = now;
      job.node = null;
      job.heartbeatAt = null;
      return Change.of(job, "PAUSED", null, measured.put("carriedSteps", job.carried == null ? new JsonArray() : new JsonArray(new java.util.ArrayList<>(job.carried.fieldNames()))));
    }
    if (outcome.kind() == Outcome.Kind.HANDED_BACK) {
      job.state = JobState.QUEUED;
      job.runAt = now;
      job.node = null;
      job.heartbeatAt = null;
      return Change.of(job, "HANDED_BACK", null, new JsonObject().put("reason", "handed back by its node"));
    }
    int maxLost = io.robogrid.workflow.Workflow.maxLostAttempts(job.workflow);
    if (outcome.kind() == Outcome.Kind.LOST && job.lostAttempts < maxLost) {
      // its node died or its database vanished: the job did nothing wrong, so it runs again at once, on the house
      job.lostAttempts++;
      job.state = JobState.QUEUED;
      job.runAt = now;
      job.node = null;
      job.heartbeatAt = null;
      return Change.of(job, "LOST", attemptError, measured.put("error", attemptError).put("reason", "attempt lost (" + outcome.error().getMessage()
          + "): run again without counting as a failure (" + job.lostAttempts + " of " + maxLost + " such runs)"));
    }
    // FAILED, or LOST more often than maxLostAttempts: counts against the retry policy
    StepFailure error = outcome.error() != null ? outcome.error() : new StepFailure(ErrorClass.UNKNOWN, "no error given");
    if (attemptError == null) attemptError = error.toJson();
    job.failures++;
    job.error = attemptError;
    job.carried = null; // a retry starts over, as every retry does
    job.node = null;
    job.heartbeatAt = null;
    if (error.errorClass() == ErrorClass.UNKNOWN || error.errorClass() == ErrorClass.GAVE_UP) {
      // nobody knows what this failure means, or a goal run found no way: a person should look, whatever the retries make of it
      job.review = new JsonObject().put("reason", error.errorClass() == ErrorClass.UNKNOWN ? "UNKNOWN_ERROR" : "GAVE_UP").put("message", error.getMessage()).put("step", outcome.step())
          .put("attempt", job.attempt).put("flaggedAt", now.toString());
      measured.put("review", job.review);
    }
    String attemptState = outcome.kind() == Outcome.Kind.LOST ? "LOST" : "FAILED";
    RetryPolicy policy = RetryPolicy.fromJson(job.workflow.getJsonObject("retry"));
    if (error.recoverable() && job.failures < job.maxAttempts) {
      Duration delay = policy.delayBefore(job.failures + 1, random);
      job.state = JobState.RETRY_WAIT;
      job.runAt = now.plus(delay);
      return Change.of(job, attemptState, attemptError, measured.put("error", job.error).put("retryInMs", delay.toMillis()));
    }
    job.state = JobState.FAILED;
    job.finishedAt = now;
    return Change.of(job, attemptState, attemptError, measured.put("error", job.error)
        .put("reason", error.recoverable() ? "no attempts left (" + job.maxAttempts + ")" : "unrecoverable error"));
  }

  /**
   * A cancel request: a job that is not running is cancelled at once; a running one is marked, and its runner
   * (told separately) ends it; a finished one cannot be cancelled.
   */
  public Function<JobRecord, Change> cancel(Instant now, String reason) {
    return job -> {
      if (job.state.isTerminal()) {
        throw new RoboGridException(ErrorCode.JOB_FINISHED, "job " + job.id + " already finished (" + job.state + ")");
      }
      if (job.state == JobState.RUNNING) {
        if (job.cancelRequested) return null;
        job.cancelRequested = true;
        return new Change(job, null, null, "job.cancel-requested", new JsonObject().put("reason", reason).put("node", job.node));
      }
      return cancelled(job, now, reason);
    };
  }

  /** A person approves a job at its gate: it is queued (or pending until its runAt); who and when are kept. */
  public Function<JobRecord, Change> approve(Instant now, String by, String comment) {
    return job -> {
      waitingForApproval(job);
      job.state = job.runAt != null && job.runAt.isAfter(now) ? JobState.PENDING : JobState.QUEUED;
      job.approval = job.approval.copy().put("decision", "approved").put("by", by).put("at", now.toString()).put("comment", comment);
      return Change.of(job, null, null, new JsonObject().put("approvedBy", by));
    };
  }

  /** A person rejects a job at its gate (or its deadline passed, {@code by} "approvalTimeout"): it ends REJECTED, nothing of it ran. */
  public Function<JobRecord, Change> reject(Instant now, String by, String reason, boolean expired) {
    return job -> {
      waitingForApproval(job);
      job.state = JobState.REJECTED;
      job.finishedAt = now;
      job.error = new StepFailure(ErrorClass.REJECTED, reason).toJson();
      job.approval = job.approval.copy().put("decision", expired ? "expired" : "rejected").put("by", by).put("at", now.toString())
          .put("reason", reason);
      return Change.of(job, null, null, new JsonObject().put("rejectedBy", by).put("reason", reason));
    };
  }

  private static void waitingForApproval(JobRecord job) {
    if (job.state == JobState.WAITING_APPROVAL) return;
    if (job.state.isTerminal()) throw new RoboGridException(ErrorCode.JOB_FINISHED, "job " + job.id + " already finished (" + job.state + ")");
    throw RoboGridException.invalidRequest("job " + job.id + " is not waiting for approval (it is " + job.state + ")");
  }

  /** A pause: see {@link Pauses#pause}. */
  public Function<JobRecord, Change> pause(Instant now, String by) {
    return job -> Pauses.pause(job, now, by);
  }

  /** A resume: see {@link Pauses#resume}. */
  public Function<JobRecord, Change> resume(Instant now, String by) {
    return job -> Pauses.resume(job, now, by);
  }

  private static Change cancelled(JobRecord job, Instant now, String reason) {
    boolean hadAttempt = job.state.isActive();
    job.state = JobState.CANCELLED;
    job.finishedAt = now;
    job.error = new StepFailure(ErrorClass.CANCELLED, reason).toJson();
    job.pause = null;
    return Change.of(job, hadAttempt ? "CANCELLED" : null, hadAttempt ? job.error : null, new JsonObject().put("reason", reason));
  }
}
