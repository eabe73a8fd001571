package io.robogrid.metrics;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Where writers tell this node's meters what they did. Local only: each fact is counted once, on the node that made
 * it durable (a job's state change, on the node that committed it) or did it (a step, on its runner). The cluster-wide
 * feed ({@code robogrid.jobs.events}) reaches every node, and counting from it would count once per listener.
 * Payloads are small summaries with no job ids: they become labels.
 */
public final class MetricsAddresses {
  /** A job was created or reached a final state: {@code robot, from, to, createdAt, startedAt, finishedAt}. */
  public static final String JOB_WRITTEN = "robogrid.metrics.job-written";
  /** A step try ended on this runner: {@code type, state, seconds}. */
  public static final String STEP_DONE = "robogrid.metrics.step-done";
  /** A goal run decided something on this runner: {@code robot, level, costUsd, tokensIn, tokensOut}. */
  public static final String GOAL_DECISION = "robogrid.metrics.goal-decision";

  /** Never leaves the JVM. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private MetricsAddresses() {}
}
