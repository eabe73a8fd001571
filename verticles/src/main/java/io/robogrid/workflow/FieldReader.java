package io.robogrid.workflow;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of definition fields that report a wrong type as a problem at its path instead of throwing. */
final class FieldReader {
  private FieldReader() {}

  static String at(String where, String key) {
    return where == null || where.isEmpty() ? key : where + "." + key;
  }

  static String string(JsonObject json, String key, String where, Problems problems, boolean required) {
    Object v = json.getValue(key);
    if (v == null) {
      if (required) problems.add(at(where, key), "is required");
      return null;
    }
    if (!(v instanceof String s)) {
      problems.add(at(where, key), "must be a string");
      return null;
    }
    if (required && s.isBlank()) problems.add(at(where, key), "must not be empty");
    return s;
  }

  static Duration duration(JsonObject json, String key, String where, Problems problems, Duration dflt) {
    Object v = json.getValue(key);
    if (v == null) return dflt;
    if (!(v instanceof String s)) {
      problems.add(at(where, key), "must be a duration string like \"5s\"");
      return dflt;
    }
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      problems.add(at(where, key), e.getMessage());
      return dflt;
    }
  }

  static List<String> strings(JsonObject json, String key, String where, Problems problems) {
    Object v = json.getValue(key);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (!(v instanceof JsonArray arr)) {
      problems.add(at(where, key), "must be a list of strings");
      return out;
    }
    for (int i = 0; i < arr.size(); i++) {
      if (arr.getValue(i) instanceof String s && !s.isBlank()) out.add(s);
      else problems.add(at(where, key) + "[" + i + "]", "must be a non-empty string");
    }
    return out;
  }

  static Integer integer(JsonObject json, String key, String where, Problems problems, int min, int max) {
    Object v = json.getValue(key);
    if (v == null) return null;
    if (v instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= min && n.longValue() <= max) return n.intValue();
    problems.add(at(where, key), "must be a whole number from " + min + " to " + max);
    return null;
  }
}
