package io.robogrid.workflow;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A validated DAG of steps with the policy of its runs. A robot is a named workflow; a job carries a snapshot
 * of its workflow so that a config reload never changes a job that was already submitted.
 *
 * @param requires capabilities a runner must offer: the declared ones plus those the step types imply
 */
public record Workflow(List<StepSpec> steps, RetryPolicy retry, Duration timeout, int priority, Set<String> requires) {

  public StepSpec step(String id) {
    for (StepSpec s : steps) if (s.id().equals(id)) return s;
    return null;
  }

  public JsonObject toJson() {
    JsonArray s = new JsonArray();
    steps.forEach(step -> s.add(step.toJson()));
    JsonObject j = new JsonObject().put("steps", s).put("retry", retry.toJson()).put("priority", priority)
        .put("requires", new JsonArray(requires.stream().sorted().toList()));
    if (timeout != null) j.put("timeout", Durations.format(timeout));
    return j;
  }
}
