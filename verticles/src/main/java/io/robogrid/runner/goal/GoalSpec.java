package io.robogrid.runner.goal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code browser.goal} step's parameters, resolved: what to achieve ({@code goal}), where to start ({@code startUrl}),
 * the indicators that decide completion ({@code success}: selector, urlContains, textPresent; the deciders never
 * declare success themselves), the named values the task may type ({@code data}), its bounds ({@code maxSteps},
 * {@code budget.maxCostUsd}) and which decision levels it may use ({@code decider}).
 *
 * @param secretKeys the data keys whose values are secrets: they are typed, never shown to a model or written down
 */
public record GoalSpec(String goal, String startUrl, JsonObject success, Map<String, String> data, Set<String> secretKeys, int maxSteps,
                       double maxCostUsd, List<Decider.Level> levels) {
  public static final int DEFAULT_MAX_STEPS = 20;
  public static final int MAX_MAX_STEPS = 200;
  public static final double DEFAULT_MAX_COST_USD = 0.05;
  public static final int MAX_GOAL_LENGTH = 500;
  public static final Set<String> FIELDS = Set.of("goal", "startUrl", "success", "data", "maxSteps", "budget", "decider", "page");
  public static final Set<String> INDICATORS = Set.of("selector", "urlContains", "textPresent");

  /**
   * @param with the step's parameters as resolved for this try
   * @param isSecret tells which resolved values came from {@code ${secret:…}}
   */
  public static GoalSpec from(JsonObject with, java.util.function.Predicate<String> isSecret) {
    Map<String, String> data = new LinkedHashMap<>();
    Set<String> secrets = new java.util.TreeSet<>();
    JsonObject d = with.getJsonObject("data", new JsonObject());
    for (String k : d.fieldNames()) {
      String v = String.valueOf(d.getValue(k));
      data.put(k, v);
      if (isSecret.test(v)) secrets.add(k);
    }
    JsonObject budget = with.getJsonObject("budget", new JsonObject());
    // in the order the step gives them: the rules type them in that order, as a person reading the list would
    return new GoalSpec(with.getString("goal"), with.getString("startUrl"), with.getJsonObject("success"), java.util.Collections.unmodifiableMap(data),
        Set.copyOf(secrets),
        with.getInteger("maxSteps", DEFAULT_MAX_STEPS), budget.getNumber("maxCostUsd", DEFAULT_MAX_COST_USD).doubleValue(), levels(with.getValue("decider")));
  }

  /** The levels a step may use: {@code decider} lists them (in any order; they are tried cheapest first), else all. */
  static List<Decider.Level> levels(Object decider) {
    if (!(decider instanceof JsonArray list)) return List.of(Decider.Level.values());
    List<Decider.Level> out = new ArrayList<>();
    for (Decider.Level l : Decider.Level.values()) if (list.stream().anyMatch(x -> l.label().equalsIgnoreCase(String.valueOf(x)))) out.add(l);
    return List.copyOf(out);
  }

  public boolean allows(Decider.Level level) {
    return levels.contains(level);
  }

  /**
   * The goal as the path cache knows it: the data's values put back as their names (a goal written with
   * {@code ${input.name}} is one goal for every name), lowercased, punctuation and spacing evened out.
   */
  public String normalisedGoal() {
    String g = goal;
    List<Map.Entry<String, String>> byLength = new ArrayList<>(data.entrySet());
    byLength.sort((a, b) -> b.getValue().length() - a.getValue().length());
    for (Map.Entry<String, String> e : byLength) if (e.getValue().length() >= 2) g = g.replace(e.getValue(), "{" + e.getKey() + "}");
    return g.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}{}]+", " ").strip();
  }

  /** The data as a model may see it: names, and the values that are not secrets. */
  public JsonObject shownData() {
    JsonObject j = new JsonObject();
    data.forEach((k, v) -> j.put(k, secretKeys.contains(k) ? "[secret]" : v));
    return j;
  }
}
