package io.robogrid.store;

import io.vertx.core.json.JsonObject;

/**
 * What a {@link JobStore#transition} writes: the job's new progress fields, the new state of the attempt row
 * (null to leave it), and the event it logs: its type and what it tells beside {@code from} and {@code to}.
 */
public record Change(JobRecord next, String attemptState, JsonObject attemptError, String eventType, JsonObject eventData) {

  /** A state change, logged as a {@code job.state} event. */
  public static Change of(JobRecord next, String attemptState, JsonObject attemptError, JsonObject eventData) {
    return new Change(next, attemptState, attemptError, JobEvent.JOB_STATE, eventData);
  }
}
