package io.robogrid.jobs;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.store.Change;
import io.robogrid.store.JobRecord;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Pause and resume, as pure decisions on a job like the rest of {@link JobLifecycle}.
 *
 * <p>A job that is not running is held at once ({@code PAUSED}); a claimed one too (its runner's start is refused,
 * as after a cancel). A running one is only marked ({@code pause.requestedAt}): its runner, told directly and again
 * by every heartbeat answer, starts no new step, lets the running ones finish and reports {@link Outcome.Kind#PAUSED}
 * with the outputs of the steps that succeeded ({@code carried}). Whatever else ends that attempt while the pause
 * stands (handed back, lost, a failure that would be retried) also ends in PAUSED rather than back in the queue, so a
 * pause is never lost to a restart; a success or a failure for good ends the job as usual.
 *
 * <p>Resumed, the job is queued (or pending while a retry's backoff or its runAt is still ahead) and its next attempt
 * gets {@code carried}: those steps are not run again, their outputs stay what they were.
 */
public final class Pauses {
  private Pauses() {}

  /** The change a pause makes; null when there is nothing to do (paused already, or already asked of the running job). */
  static Change pause(JobRecord job, Instant now, String by) {
    if (job.state.isTerminal()) throw new RoboGridException(ErrorCode.JOB_FINISHED, "job " + job.id + " already finished (" + job.state + ")");
    if (job.state == JobState.PAUSED) return null;
    if (job.state == JobState.WAITING_APPROVAL) {
      throw new RoboGridException(ErrorCode.WRONG_STATE, "job " + job.id + " is waiting for approval: nothing of it runs; approve or reject it");
    }
    JsonObject pause = new JsonObject().put("requestedAt", now.toString()).put("by", by);
    if (job.state == JobState.RUNNING) {
      if (job.pause != null) return null;
      job.pause = pause;
      return new Change(job, null, null, "job.pause-requested", new JsonObject().put("by", by).put("node", job.node));
    }
    boolean hadAttempt = job.state.isActive(); // CLAIMED: its runner has not started it, and now never will
    job.pause = pause.put("pausedAt", now.toString());
    job.state = JobState.PAUSED;
    job.node = null;
    job.heartbeatAt = null;
    return Change.of(job, hadAttempt ? "PAUSED" : null, null, new JsonObject().put("pausedBy", by));
  }

  /** The change a resume makes: a PAUSED job queued (or pending), or a pause still asked of a running job withdrawn. */
  static Change resume(JobRecord job, Instant now, String by) {
    if (job.state.isTerminal()) throw new RoboGridException(ErrorCode.JOB_FINISHED, "job " + job.id + " already finished (" + job.state + ")");
    if (job.state == JobState.RUNNING && job.pause != null) {
      // the runner may stop at its next step boundary all the same: that attempt's end then queues the job again
      job.pause = null;
      return new Change(job, null, null, "job.pause-withdrawn", new JsonObject().put("by", by));
    }
    if (job.state != JobState.PAUSED) throw new RoboGridException(ErrorCode.WRONG_STATE, "job " + job.id + " is not paused (it is " + job.state + ")");
    job.pause = null;
    job.state = job.runAt != null && job.runAt.isAfter(now) ? JobState.PENDING : JobState.QUEUED;
    return Change.of(job, null, null, new JsonObject().put("resumedBy", by));
  }

  /**
   * An attempt's end under a standing pause: where it would put the job back in the queue or into a retry's wait, the
   * job is held instead (a retry's time stays its runAt). Without a pause, a run that stopped for one that was withdrawn
   * is simply queued again.
   */
  static Change held(Change change, Instant now) {
    JobRecord job = change.next();
    if (job.state.isTerminal()) {
      job.pause = null;
      return change;
    }
    if (job.pause == null || job.state != JobState.QUEUED && job.state != JobState.RETRY_WAIT) return change;
    job.pause = job.pause.copy().put("pausedAt", now.toString());
    job.state = JobState.PAUSED;
    return change;
  }
}
