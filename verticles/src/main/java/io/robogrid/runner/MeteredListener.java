package io.robogrid.runner;

import io.robogrid.metrics.MetricsAddresses;
import io.robogrid.store.JobEvent;
import io.robogrid.workflow.StepSpec;
import io.robogrid.workflow.Workflow;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Passes a run's reports on, and tells this node's meters ({@link MetricsAddresses}) what each step try took by step
 * type, and what each goal decision cost: the runner did it, so the runner counts it, once. Labels are the step's
 * type and the robot, never the job.
 */
final class MeteredListener implements WorkflowRun.Listener {
  private final WorkflowRun.Listener next;
  private final EventBus bus;
  private final String robot;
  private final Map<String, String> types = new HashMap<>();

  MeteredListener(WorkflowRun.Listener next, EventBus bus, String robot, Workflow workflow) {
    this.next = next;
    this.bus = bus;
    this.robot = robot;
    for (StepSpec s : workflow.steps()) types.put(s.id(), s.type());
  }

  @Override
  public void stepStarted(String step, int tries, Instant at) {
    next.stepStarted(step, tries, at);
  }

  @Override
  public void stepFinished(String step, String state, int tries, JsonObject output, JsonObject error, Instant startedAt, Instant finishedAt) {
    next.stepFinished(step, state, tries, output, error, startedAt, finishedAt);
    if (startedAt == null || finishedAt == null) return; // cancelled before it began: nothing was timed
    double seconds = Duration.between(startedAt, finishedAt).toNanos() / 1e9;
    bus.publish(MetricsAddresses.STEP_DONE, new JsonObject().put("type", types.getOrDefault(step, "unknown")).put("state", state)
        .put("seconds", Math.max(0, seconds)), MetricsAddresses.LOCAL);
  }

  @Override
  public void stepLog(String step, String level, String message) {
    next.stepLog(step, level, message);
  }

  @Override
  public void artifact(String step, String name, String contentType, byte[] data) {
    next.artifact(step, name, contentType, data);
  }

  @Override
  public void stepEvent(String step, String type, JsonObject data) {
    next.stepEvent(step, type, data);
    if (!JobEvent.GOAL_DECISION.equals(type) || data == null) return;
    bus.publish(MetricsAddresses.GOAL_DECISION, new JsonObject().put("robot", robot).put("level", data.getString("level"))
        .put("costUsd", data.getValue("costUsd") instanceof Number n ? n.doubleValue() : 0.0)
        .put("tokensIn", data.getValue("tokensIn") instanceof Number n ? n.longValue() : 0L)
        .put("tokensOut", data.getValue("tokensOut") instanceof Number n ? n.longValue() : 0L), MetricsAddresses.LOCAL);
  }
}
