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
 * @param maxSteps how many steps, step retries and browser actions one attempt may execute before it is stopped as
 *                 going nowhere
 * @param login the browser sub-flow that logs in again when a step finds the login page instead of its target; or null
 * @param maxLostAttempts how many attempts lost with their node or database (not failed: nothing went wrong in them) are
 *                        run again without counting against {@code retry}; past that, a lost attempt is a failure
 */
public record Workflow(List<StepSpec> steps, RetryPolicy retry, Duration timeout, int priority, Set<String> requires, int maxSteps,
                       LoginFlow login, int maxLostAttempts) {
  /** Generous for any real robot (at most 500 steps, each retried a few times), tight enough to stop a runaway. */
  public static final int DEFAULT_MAX_STEPS = 1000;
  /**
   * Enough to ride out a node crash and a restart or two; few enough that a job which itself takes its node down (runs
   * it out of memory, say) stops doing so soon.
   */
  public static final int DEFAULT_MAX_LOST_ATTEMPTS = 3;

  /** The bound of a workflow snapshot as jobs store it ({@link #toJson}). */
  public static int maxLostAttempts(io.vertx.core.json.JsonObject snapshot) {
    return snapshot == null ? DEFAULT_MAX_LOST_ATTEMPTS : snapshot.getInteger("maxLostAttempts", DEFAULT_MAX_LOST_ATTEMPTS);
  }

  /**
   * How a robot logs in again: {@code when} is a goal indicator of the login page ({@code selector}, {@code urlContains},
   * {@code textPresent}), {@code steps} the browser steps that log in, run in order.
   */
  public record LoginFlow(JsonObject when, List<StepSpec> steps) {
    public JsonObject toJson() {
      JsonArray s = new JsonArray();
      steps.forEach(step -> s.add(step.toJson()));
      return new JsonObject().put("when", when.copy()).put("steps", s);
    }
  }

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
    if (maxSteps != DEFAULT_MAX_STEPS) j.put("maxSteps", maxSteps);
    if (maxLostAttempts != DEFAULT_MAX_LOST_ATTEMPTS) j.put("maxLostAttempts", maxLostAttempts);
    if (login != null) j.put("login", login.toJson());
    return j;
  }
}
