package io.robogrid.runner.goal;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Settings of goal runs, from {@code runner.goal}: the confidence each level must reach before its answer is taken
 * without asking the next one ({@code thresholds}), how the page is let settle after an action, whether the local
 * model may be used ({@code local}), and the language model ({@code llm}) with its price table ({@code prices}),
 * which the model deciders read.
 */
public record GoalOptions(Map<Decider.Level, Double> thresholds, Duration settleQuiet, Duration settleMax, boolean local, JsonObject llm,
                          JsonObject prices) {
  public static final Map<Decider.Level, Double> DEFAULT_THRESHOLDS = Map.of(Decider.Level.CACHE, 0.9, Decider.Level.RULES, 0.7,
      Decider.Level.LOCAL, 0.45, Decider.Level.LLM, 0.3);

  public static GoalOptions fromJson(JsonObject j) {
    j = j == null ? new JsonObject() : j;
    Map<Decider.Level, Double> t = new EnumMap<>(DEFAULT_THRESHOLDS);
    JsonObject given = j.getJsonObject("thresholds", new JsonObject());
    for (String k : given.fieldNames()) {
      Decider.Level l = Decider.Level.of(k);
      Object v = given.getValue(k);
      if (l == null) throw new IllegalArgumentException("runner.goal.thresholds." + k + ": not a level (cache, rules, local, llm)");
      if (!(v instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
        throw new IllegalArgumentException("runner.goal.thresholds." + k + ": must be a number from 0 to 1");
      }
      t.put(l, n.doubleValue());
    }
    Duration quiet = Durations.setting(j, "runner.goal", "settleQuiet", "150ms"), max = Durations.setting(j, "runner.goal", "settleMax", "2s");
    JsonObject llm = j.getJsonObject("llm");
    return new GoalOptions(Map.copyOf(t), quiet, max, j.getBoolean("local", true), llm == null || llm.isEmpty() ? null : llm,
        j.getJsonObject("prices", new JsonObject()));
  }
}
