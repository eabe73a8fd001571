package io.robogrid.jobs;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How one attempt ended, as its runner (or the coordinator, for a lost node) reports it.
 *
 * @param error the failure, for FAILED and LOST; {@code step} names the step it came from, if any
 * @param result the step outputs, for SUCCEEDED
 * @param metrics what the attempt did (steps, time per step, retries, browser recoveries, path cache), when it ran
 * @param path the browser action path it resolved (each step with the selector alternative that worked), for the path cache
 */
public record Outcome(Kind kind, StepFailure error, String step, JsonObject result, JsonObject metrics, JsonArray path) {
  /** PAUSED: a pause stopped the run at a step boundary; {@code result} holds the outputs of the steps that succeeded. */
  public enum Kind { SUCCEEDED, FAILED, CANCELLED, HANDED_BACK, LOST, PAUSED }

  public static Outcome succeeded(JsonObject result) {
    return new Outcome(Kind.SUCCEEDED, null, null, result, null, null);
  }

  public static Outcome failed(StepFailure error, String step) {
    return new Outcome(Kind.FAILED, error, step, null, null, null);
  }

  public static Outcome cancelled(String why) {
    return new Outcome(Kind.CANCELLED, new StepFailure(ErrorClass.CANCELLED, why), null, null, null, null);
  }

  public static Outcome handedBack() {
    return new Outcome(Kind.HANDED_BACK, null, null, null, null, null);
  }

  /** The run stopped at a step boundary for a pause; {@code done}: the outputs of every step that succeeded, by id. */
  public static Outcome paused(JsonObject done) {
    return new Outcome(Kind.PAUSED, null, null, done, null, null);
  }

  public static Outcome lost(String why) {
    return new Outcome(Kind.LOST, new StepFailure(ErrorClass.NODE_LOST, why), null, null, null, null);
  }

  /** The same outcome with what the attempt measured and the browser path it resolved. */
  public Outcome with(JsonObject metrics, JsonArray path) {
    return new Outcome(kind, error, step, result, metrics, path);
  }

  public JsonObject errorJson() {
    if (error == null) return null;
    JsonObject e = error.toJson();
    if (step != null) e.put("step", step);
    return e;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("kind", kind.name());
    if (error != null) j.put("error", errorJson());
    if (result != null) j.put("result", result);
    if (metrics != null) j.put("metrics", metrics);
    if (path != null && !path.isEmpty()) j.put("path", path);
    return j;
  }

  public static Outcome fromJson(JsonObject j) {
    Kind kind = Kind.valueOf(j.getString("kind"));
    JsonObject e = j.getJsonObject("error");
    return new Outcome(kind, e == null ? null : StepFailure.fromJson(e), e == null ? null : e.getString("step"), j.getJsonObject("result"),
        j.getJsonObject("metrics"), j.getJsonArray("path"));
  }
}
