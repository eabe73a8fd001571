package io.robogrid.workflow;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** One validated step of a workflow: what to do ({@code type} and {@code with}), after which steps, and its own timeout and retry policy. */
public record StepSpec(String id, String type, JsonObject with, List<String> needs, Duration timeout, RetryPolicy retry) {

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("id", id).put("type", type).put("with", with.copy());
    if (!needs.isEmpty()) j.put("needs", new JsonArray(needs));
    if (timeout != null) j.put("timeout", Durations.format(timeout));
    if (retry != RetryPolicy.NONE) j.put("retry", retry.toJson());
    return j;
  }
}
