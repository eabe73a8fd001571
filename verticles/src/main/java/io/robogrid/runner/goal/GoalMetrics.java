package io.robogrid.runner.goal;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one job's goal runs did, for the job's {@code metrics.goal}: runs and how many reached their goal, actions,
 * decisions per level, whether the path cache had the way (and replayed it whole), the time that saved, and the cost.
 */
public final class GoalMetrics {
  private int runs;
  private int reached;
  private int steps;
  private final Map<Decider.Level, Integer> decisions = new EnumMap<>(Decider.Level.class);
  private boolean cacheHit;
  private int replayed;
  private long timeSavedMs;
  private double costUsd;
  private long decideMs;

  synchronized void ran(boolean reachedGoal, int actions, boolean hit, boolean wholeReplay, long savedMs) {
    runs++;
    if (reachedGoal) reached++;
    steps += actions;
    cacheHit |= hit;
    if (wholeReplay) replayed++;
    timeSavedMs += Math.max(0, savedMs);
  }

  synchronized void decided(Decider.Level level, double usd, long ms) {
    decisions.merge(level, 1, Integer::sum);
    costUsd += usd;
    decideMs += ms;
  }

  public synchronized JsonObject toJson() {
    JsonObject byLevel = new JsonObject();
    for (Decider.Level l : Decider.Level.values()) byLevel.put(l.label(), decisions.getOrDefault(l, 0));
    return new JsonObject().put("runs", runs).put("reached", reached).put("steps", steps).put("decisions", byLevel).put("cacheHit", cacheHit)
        .put("replayed", replayed).put("timeSavedMs", timeSavedMs).put("decideMs", decideMs).put("costUsd", Costs.round(costUsd));
  }
}
