package io.robogrid.coordinator;

import io.robogrid.jobs.Outcome;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** The reports a runner sends to {@link CoordinatorAddresses#REPORT} about one attempt, in the order it sends them. */
public final class Reports {
  public static final String STARTED = "started";
  public static final String STEP_STARTED = "step.started";
  public static final String STEP_FINISHED = "step.finished";
  public static final String STEP_LOG = "step.log";
  public static final String LEASE_TAKEN = "lease.taken";
  public static final String ARTIFACT = "artifact";
  public static final String FINISHED = "finished";
  public static final String SECRET_USED = "secret.used";
  /** An event a step sends of its own ({@code goal.decision}). */
  public static final String STEP_EVENT = "step.event";
  /** A goal run's path: it reached its goal this way (or its cached path no longer works). */
  public static final String GOAL_PATH = "goal.path";

  private Reports() {}

  private static JsonObject base(String type, String node, UUID job, int attempt, Instant at) {
    return new JsonObject().put("type", type).put("node", node).put("jobId", job.toString()).put("attempt", attempt).put("at", at.toString());
  }

  public static JsonObject started(String node, UUID job, int attempt, Instant at) {
    return base(STARTED, node, job, attempt, at);
  }

  public static JsonObject stepStarted(String node, UUID job, int attempt, String step, int tries, Instant at) {
    return base(STEP_STARTED, node, job, attempt, at).put("step", step).put("tries", tries);
  }

  public static JsonObject stepFinished(String node, UUID job, int attempt, String step, String state, int tries, JsonObject output,
                                        JsonObject error, Instant startedAt, Instant at) {
    return base(STEP_FINISHED, node, job, attempt, at).put("step", step).put("state", state).put("tries", tries)
        .put("output", output).put("error", error).put("startedAt", startedAt == null ? null : startedAt.toString());
  }

  public static JsonObject stepLog(String node, UUID job, int attempt, String step, String level, String message, Instant at) {
    return base(STEP_LOG, node, job, attempt, at).put("step", step).put("level", level).put("message", message);
  }

  public static JsonObject leaseTaken(String node, UUID job, int attempt, String resource, Instant at) {
    return base(LEASE_TAKEN, node, job, attempt, at).put("resource", resource);
  }

  /** A file the attempt produced (a screenshot, a page's HTML), its bytes in base64. */
  public static JsonObject artifact(String node, UUID job, int attempt, String step, String name, String contentType, byte[] data, Instant at) {
    return base(ARTIFACT, node, job, attempt, at).put("step", step).put("name", name).put("contentType", contentType)
        .put("data", java.util.Base64.getEncoder().encodeToString(data));
  }

  /** A step of the attempt decrypted a secret (its name only): the audit of its uses. */
  public static JsonObject secretUsed(String node, UUID job, int attempt, String step, String name, Instant at) {
    return base(SECRET_USED, node, job, attempt, at).put("step", step).put("name", name);
  }

  public static JsonObject stepEvent(String node, UUID job, int attempt, String step, String eventType, JsonObject data, Instant at) {
    return base(STEP_EVENT, node, job, attempt, at).put("step", step).put("event", eventType).put("data", data);
  }

  /**
   * @param outcome {@code succeeded} (with the path that reached the goal, replacing any before it) or {@code failed}
   *     (the cached path did not take the run there: twice in a row retires it)
   */
  public static JsonObject goalPath(String node, UUID job, int attempt, String site, String goalKey, String goal, String outcome, JsonObject path,
                                    Instant at) {
    return base(GOAL_PATH, node, job, attempt, at).put("site", site).put("goalKey", goalKey).put("goal", goal).put("outcome", outcome)
        .put("path", path);
  }

  public static JsonObject finished(String node, UUID job, int attempt, Outcome outcome, Instant at) {
    return base(FINISHED, node, job, attempt, at).put("outcome", outcome.toJson());
  }
}
