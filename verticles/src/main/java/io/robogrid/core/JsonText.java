package io.robogrid.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * PostgreSQL's jsonb cannot hold the NUL character ({@code \u0000}). Requests that contain one are refused at the door;
 * what steps produce (a page's text, a log line) is cleaned before it is reported, so that it can always be stored.
 */
public final class JsonText {
  private static final char NUL = '\u0000';

  private JsonText() {}

  /** Whether any key or string value, at any depth, contains NUL. */
  public static boolean containsNul(Object v) {
    if (v instanceof String s) return s.indexOf(NUL) >= 0;
    if (v instanceof JsonObject o) {
      for (var e : o) if (e.getKey().indexOf(NUL) >= 0 || containsNul(e.getValue())) return true;
      return false;
    }
    if (v instanceof JsonArray a) {
      for (Object x : a) if (containsNul(x)) return true;
    }
    return false;
  }

  /** The value with every NUL replaced by U+FFFD (the replacement character); null stays null. */
  @SuppressWarnings("unchecked")
  public static <T> T withoutNul(T v) {
    if (v instanceof String s) return (T) s.replace(NUL, '\uFFFD');
    if (v instanceof JsonObject o) {
      if (!containsNul(o)) return v;
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(withoutNul(e.getKey()), withoutNul(e.getValue())));
      return (T) out;
    }
    if (v instanceof JsonArray a) {
      if (!containsNul(a)) return v;
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(withoutNul(x)));
      return (T) out;
    }
    return v;
  }
}
