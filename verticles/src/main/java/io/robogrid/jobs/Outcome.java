package io.robogrid.jobs;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.json.JsonObject;

/**
 * How one attempt ended, as its runner (or the coordinator, for a lost node) reports it.
 *
 * @param error the failure, for FAILED and LOST; {@code step} names the step it came from, if any
 * @param result the step outputs, for SUCCEEDED
 */
public record Outcome(Kind kind, StepFailure error, String step, JsonObject result) {
  public enum Kind { SUCCEEDED, FAILED, CANCELLED, HANDED_BACK, LOST }

  public static Outcome succeeded(JsonObject result) {
    return new Outcome(Kind.SUCCEEDED, null, null, result);
  }

  public static Outcome failed(StepFailure error, String step) {
    return new Outcome(Kind.FAILED, error, step, null);
  }

  public static Outcome cancelled(String why) {
    return new Outcome(Kind.CANCELLED, new StepFailure(ErrorClass.CANCELLED, why), null, null);
  }

  public static Outcome handedBack() {
    return new Outcome(Kind.HANDED_BACK, null, null, null);
  }

  public static Outcome lost(String why) {
    return new Outcome(Kind.LOST, new StepFailure(ErrorClass.NODE_LOST, why), null, null);
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
    return j;
  }

  public static Outcome fromJson(JsonObject j) {
    Kind kind = Kind.valueOf(j.getString("kind"));
    JsonObject e = j.getJsonObject("error");
    return new Outcome(kind, e == null ? null : StepFailure.fromJson(e), e == null ? null : e.getString("step"), j.getJsonObject("result"));
  }
}
