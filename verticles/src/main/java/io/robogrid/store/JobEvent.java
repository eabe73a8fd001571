package io.robogrid.store;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the event log: a job's state change, a step starting or finishing, a step's log line.
 * {@code seq} orders the whole log and is what a stream client passes back as {@code after}.
 */
public record JobEvent(long seq, UUID jobId, Integer attempt, String type, Instant at, JsonObject data) {
  public static final String JOB_STATE = "job.state";
  public static final String STEP_STARTED = "step.started";
  public static final String STEP_FINISHED = "step.finished";
  public static final String STEP_LOG = "step.log";
  public static final String LEASE_TAKEN = "lease.taken";
  public static final String ARTIFACT = "artifact";
  public static final String LEASE_RELEASED = "lease.released";
  /** A runner reported on an attempt that was no longer the job's live one; the report was refused. */
  public static final String REPORT_REJECTED = "report.rejected";
  /** One decision of a goal run: step number, level, action, target, reason, ms, cost. */
  public static final String GOAL_DECISION = "goal.decision";
  /** A step of the running attempt waits on something outside the grid: step, reason, message, since, until, agent. */
  public static final String JOB_BLOCKED = "job.blocked";
  /** It goes on: step, reason (what it had waited for), since, by (what ended the wait). */
  public static final String JOB_UNBLOCKED = "job.unblocked";
  /** The event types a step may send of its own (a report of type {@code step.event}). */
  public static final java.util.Set<String> STEP_EVENT_TYPES = java.util.Set.of(GOAL_DECISION, JOB_BLOCKED, JOB_UNBLOCKED);

  static JobEvent from(Row r) {
    return new JobEvent(r.getLong("seq"), r.getUUID("job_id"), r.getInteger("attempt"), r.getString("type"),
        JobRecord.instant(r, "at"), (JsonObject) r.getValue("data"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("seq", seq).put("jobId", jobId == null ? null : jobId.toString()).put("attempt", attempt)
        .put("type", type).put("at", at.toString()).put("data", data);
  }

  public static JobEvent fromJson(JsonObject j) {
    String job = j.getString("jobId");
    return new JobEvent(j.getLong("seq"), job == null ? null : UUID.fromString(job), j.getInteger("attempt"), j.getString("type"),
        Instant.parse(j.getString("at")), j.getJsonObject("data"));
  }
}
