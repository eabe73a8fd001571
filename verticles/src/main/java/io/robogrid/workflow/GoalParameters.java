package io.robogrid.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * What a {@code browser.goal} step accepts, checked at submission like every step: {@code goal} (text, at most 500
 * characters), {@code startUrl} (http or https), {@code success} (at least one goal indicator: selector, urlContains,
 * textPresent), {@code data} (named values to type: strings, placeholders allowed), {@code maxSteps} (1–200),
 * {@code budget.maxCostUsd} (0–100 dollars), {@code decider} (the levels it may use: cache, rules, local, llm).
 */
final class GoalParameters {
  static final int MAX_GOAL = 500;
  static final int MAX_STEPS = 200;
  static final List<String> LEVELS = List.of("cache", "rules", "local", "llm");
  private static final Set<String> FIELDS = Set.of("goal", "startUrl", "success", "data", "maxSteps", "budget", "decider", "page");
  private static final Set<String> INDICATORS = Set.of("selector", "urlContains", "textPresent");

  private GoalParameters() {}

  static void validate(JsonObject with, String where, Problems p) {
    for (String k : with.fieldNames()) if (!FIELDS.contains(k)) p.add(where + "." + k, "unknown field (allowed: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
    String goal = FieldReader.string(with, "goal", where, p, true);
    if (goal != null && (goal.isBlank() || goal.length() > MAX_GOAL)) p.add(where + ".goal", "must say what to achieve in 1 to " + MAX_GOAL + " characters");
    String url = FieldReader.string(with, "startUrl", where, p, true);
    if (url != null && !url.startsWith("${") && !(url.startsWith("http://") || url.startsWith("https://"))) {
      p.add(where + ".startUrl", "must be an http:// or https:// URL");
    }
    Object success = with.getValue("success");
    if (!(success instanceof JsonObject s) || s.fieldNames().stream().noneMatch(INDICATORS::contains)) {
      p.add(where + ".success", "must be an object with at least one goal indicator (selector, urlContains, textPresent): the run is done when they hold");
    } else {
      for (String k : s.fieldNames()) {
        if (!INDICATORS.contains(k)) p.add(where + ".success." + k, "unknown indicator (selector, urlContains, textPresent)");
        else if (!(s.getValue(k) instanceof String v) || v.isBlank()) p.add(where + ".success." + k, "must be a non-empty string");
      }
    }
    Object data = with.getValue("data");
    if (data != null) {
      if (!(data instanceof JsonObject d)) p.add(where + ".data", "must be an object of named values, like {\"email\": \"${input.email}\"}");
      else for (String k : d.fieldNames()) {
        if (!k.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) p.add(where + ".data." + k, "a data name is a word of letters, digits, '_' or '-'");
        if (!(d.getValue(k) instanceof String || d.getValue(k) instanceof Number || d.getValue(k) instanceof Boolean)) {
          p.add(where + ".data." + k, "must be a string (or a number or true/false)");
        }
      }
    }
    FieldReader.integer(with, "maxSteps", where, p, 1, MAX_STEPS);
    Object budget = with.getValue("budget");
    if (budget != null) {
      if (!(budget instanceof JsonObject b)) p.add(where + ".budget", "must be an object like {\"maxCostUsd\": 0.05}");
      else {
        for (String k : b.fieldNames()) if (!k.equals("maxCostUsd")) p.add(where + ".budget." + k, "unknown field (maxCostUsd)");
        Object m = b.getValue("maxCostUsd");
        if (m != null && (!(m instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100 || !Double.isFinite(n.doubleValue()))) {
          p.add(where + ".budget.maxCostUsd", "must be a number of dollars from 0 to 100");
        }
      }
    }
    Object decider = with.getValue("decider");
    if (decider != null && !(decider instanceof JsonArray a && !a.isEmpty() && a.stream().allMatch(x -> LEVELS.contains(String.valueOf(x))))) {
      p.add(where + ".decider", "must be a list of the levels the step may use, from " + LEVELS);
    }
  }
}
