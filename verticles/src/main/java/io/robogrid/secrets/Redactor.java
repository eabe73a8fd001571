package io.robogrid.secrets;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Takes the values of the secrets an attempt used out of everything it reports: step outputs (a site that echoes the
 * password back), errors, log lines, results. Each value becomes {@code [redacted:<name>]}. Thread-safe: steps resolve
 * secrets on the runner's loop, browser and desktop threads log from theirs.
 */
public final class Redactor {
  /** Values shorter than this are not redacted: a 1-character "secret" would blank out every occurrence of a letter. */
  static final int MIN_LENGTH = 4;
  /** Value → its replacement, longest value first: a value that contains another is replaced whole. */
  private final Map<String, String> values =
      new ConcurrentSkipListMap<>(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

  /** From now on, {@code value} is replaced wherever it appears. */
  public void add(String name, String value) {
    if (value != null && value.length() >= MIN_LENGTH) values.put(value, "[redacted:" + name + "]");
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public String redact(String s) {
    if (s == null || values.isEmpty()) return s;
    String out = s;
    for (Map.Entry<String, String> e : values.entrySet()) if (out.contains(e.getKey())) out = out.replace(e.getKey(), e.getValue());
    return out;
  }

  /** A copy of {@code json} with every string (keys included) redacted; null stays null. */
  public JsonObject redact(JsonObject json) {
    if (json == null || values.isEmpty()) return json;
    return (JsonObject) redactValue(json);
  }

  private Object redactValue(Object v) {
    if (v instanceof String s) return redact(s);
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(redact(e.getKey()), redactValue(e.getValue())));
      return out;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(redactValue(x)));
      return out;
    }
    return v;
  }
}
