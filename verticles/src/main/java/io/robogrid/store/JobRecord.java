package io.robogrid.store;

import io.robogrid.core.JobState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code jobs}. The identity and request fields never change; the progress fields change through
 * {@link JobStore#transition}, which works on a copy ({@link #copy()}) and writes it back under a guard.
 */
public final class JobRecord {
  public final UUID id;
  public final String robot;
  public final int priority;
  public final int maxAttempts;
  public final JsonObject workflow;
  public final JsonObject input;
  public final JsonObject request;
  public final List<String> requires;
  public final Instant createdAt;
  public final UUID rerunOf;

  public JobState state;
  public int attempt;
  public int failures;
  /** Attempts lost with their node or database, run again without counting as failures (up to the workflow's maxLostAttempts). */
  public int lostAttempts;
  public Instant runAt;
  public Instant startedAt;
  public Instant finishedAt;
  public String node;
  public Instant heartbeatAt;
  public boolean cancelRequested;
  public JsonObject error;
  public JsonObject result;
  /** What the last attempt that ran measured (steps, time per step, retries, browser recoveries, path cache). */
  public JsonObject metrics;
  /** Set when a failure nobody classified asks a person to look: reason, step, message, attempt, flaggedAt (reviewedAt once seen). */
  public JsonObject review;
  /** The approval gate of a job that needs one: deadline, and once decided: decision, by, at, reason. */
  public JsonObject approval;
  /** A pause asked of a running job (it stops at its next step boundary), or the pause of a PAUSED one: requestedAt, by, pausedAt. */
  public JsonObject pause;
  /** The outputs of the steps that succeeded before a pause, by step id: the next attempt does not run them again. */
  public JsonObject carried;
  /**
   * Set while a step of the running attempt waits on something outside the grid: step, reason, message, since, until,
   * agent. Only a RUNNING job has it: the store clears it on every move out of RUNNING.
   */
  public JsonObject blocked;

  JobRecord(UUID id, String robot, int priority, int maxAttempts, JsonObject workflow, JsonObject input, JsonObject request,
            List<String> requires, Instant createdAt, UUID rerunOf) {
    this.id = id;
    this.robot = robot;
    this.priority = priority;
    this.maxAttempts = maxAttempts;
    this.workflow = workflow;
    this.input = input;
    this.request = request;
    this.requires = requires;
    this.createdAt = createdAt;
    this.rerunOf = rerunOf;
  }

  public JobRecord copy() {
    JobRecord c = new JobRecord(id, robot, priority, maxAttempts, workflow, input, request, requires, createdAt, rerunOf);
    c.state = state;
    c.attempt = attempt;
    c.failures = failures;
    c.lostAttempts = lostAttempts;
    c.runAt = runAt;
    c.startedAt = startedAt;
    c.finishedAt = finishedAt;
    c.node = node;
    c.heartbeatAt = heartbeatAt;
    c.cancelRequested = cancelRequested;
    c.error = error;
    c.result = result;
    c.metrics = metrics;
    c.review = review;
    c.approval = approval;
    c.pause = pause;
    c.carried = carried;
    c.blocked = blocked;
    return c;
  }

  static JobRecord from(Row r) {
    JsonArray req = new JsonArray();
    for (String s : r.getArrayOfStrings("requires")) req.add(s);
    JobRecord j = new JobRecord(r.getUUID("id"), r.getString("robot"), r.getInteger("priority"), r.getInteger("max_attempts"),
        (JsonObject) r.getValue("workflow"), (JsonObject) r.getValue("input"), (JsonObject) r.getValue("request"),
        List.of(r.getArrayOfStrings("requires")), instant(r, "created_at"), r.getUUID("rerun_of"));
    j.state = JobState.parse(r.getString("state"));
    j.attempt = r.getInteger("attempt");
    j.failures = r.getInteger("failures");
    j.lostAttempts = r.getInteger("lost_attempts");
    j.runAt = instant(r, "run_at");
    j.startedAt = instant(r, "started_at");
    j.finishedAt = instant(r, "finished_at");
    j.node = r.getString("node");
    j.heartbeatAt = instant(r, "heartbeat_at");
    j.cancelRequested = r.getBoolean("cancel_requested");
    j.error = (JsonObject) r.getValue("error");
    j.result = (JsonObject) r.getValue("result");
    j.metrics = (JsonObject) r.getValue("metrics");
    j.review = (JsonObject) r.getValue("review");
    j.approval = (JsonObject) r.getValue("approval");
    j.pause = (JsonObject) r.getValue("pause");
    j.carried = (JsonObject) r.getValue("carried");
    j.blocked = (JsonObject) r.getValue("blocked");
    return j;
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  /** The ids of the steps carried over a pause, in the workflow's order (jsonb keeps its keys in an order of its own). */
  public JsonArray carriedSteps() {
    JsonArray out = new JsonArray();
    if (carried == null) return out;
    for (Object o : workflow.getJsonArray("steps", new JsonArray())) {
      String id = o instanceof JsonObject s ? s.getString("id") : null;
      if (id != null && carried.containsKey(id)) out.add(id);
    }
    return out;
  }

  /** The job as the API shows it (without steps, which {@link JobStore#find} adds). */
  public JsonObject toJson() {
    JsonObject j = new JsonObject()
        .put("id", id.toString())
        .put("robot", robot)
        .put("state", state.name())
        .put("attempt", attempt)
        .put("maxAttempts", maxAttempts)
        .put("priority", priority)
        .put("createdAt", str(createdAt))
        .put("runAt", str(runAt))
        .put("startedAt", str(startedAt))
        .put("finishedAt", str(finishedAt))
        .put("node", node)
        .put("requires", new JsonArray(requires))
        .put("input", input);
    if (lostAttempts > 0) j.put("lostAttempts", lostAttempts);
    if (cancelRequested && !state.isTerminal()) j.put("cancelRequested", true);
    if (error != null) j.put("error", error);
    if (result != null) j.put("result", result);
    if (metrics != null) j.put("metrics", metrics);
    if (review != null) j.put("review", review);
    if (approval != null) j.put("approval", approval);
    if (pause != null && !state.isTerminal()) j.put("pause", pause);
    if (carried != null && !carried.isEmpty()) j.put("carriedSteps", carriedSteps());
    if (blocked != null && state == JobState.RUNNING) j.put("blocked", blocked);
    if (rerunOf != null) j.put("rerunOf", rerunOf.toString());
    return j;
  }

  static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
