package io.robogrid.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Bounds on a JSON value the grid keeps: how deeply it nests and how large it is once encoded. A value past them is
 * refused where it comes in (a submission, an agent's report, what a runner reports), never stored: the API wraps
 * stored values a few levels deeper when it answers (a job list, an event), and an encoder that gives up on an
 * answer leaves a client, a dashboard, with nothing.
 * <p>
 * Depth counts containers: {@code 1} and {@code "x"} are 0 deep, {@code {}} and {@code [1]} 1, {@code {"a": [1]}} 2.
 * Size is the UTF-8 length of the compact encoding. Walking a value never goes deeper than the limit, so a hostile
 * value costs no more stack than a legal one.
 */
public final class JsonLimits {
  /** What a stored JSON value may be: 64 levels are far beyond any real input, and leave room to wrap it in answers. */
  public static final JsonLimits STORED = new JsonLimits(64, 1024 * 1024);

  private final int maxDepth;
  private final long maxBytes;

  public JsonLimits(int maxDepth, long maxBytes) {
    if (maxDepth < 1 || maxBytes < 1) throw new IllegalArgumentException("limits must be at least 1");
    this.maxDepth = maxDepth;
    this.maxBytes = maxBytes;
  }

  public int maxDepth() {
    return maxDepth;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** What is wrong with {@code value} (a sentence), or null when it keeps the limits. */
  public String problem(Object value) {
    long size = size(value, 0);
    if (size < 0) return "nested more than " + maxDepth + " levels deep";
    if (size > maxBytes) return "more than " + maxBytes + " bytes as JSON";
    return null;
  }

  /** Refuses {@code value} with 400 INVALID_REQUEST naming {@code field} when it breaks the limits. */
  public void check(String field, Object value) {
    String problem = problem(value);
    if (problem != null) throw RoboGridException.invalidRequest(field + ": " + problem);
  }

  /**
   * A copy of {@code value} in which every container deeper than {@code depth} is replaced by a short note: for what
   * must be shown or kept whatever it is (an answer about a row stored before these limits, a runner's report).
   */
  public static Object cut(Object value, int depth) {
    return cut(value, depth, 0);
  }

  static final String CUT = "[nested too deep to show]";

  @SuppressWarnings("unchecked")
  private static Object cut(Object v, int depth, int level) {
    if (v instanceof Map<?, ?> m) v = new JsonObject((Map<String, Object>) m);
    if (v instanceof List<?> l) v = new JsonArray((List<Object>) l);
    if (!(v instanceof JsonObject) && !(v instanceof JsonArray)) return v;
    if (level >= depth) return CUT;
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o.getMap().entrySet()) out.put(e.getKey(), cut(e.getValue(), depth, level + 1));
      return out;
    }
    JsonArray out = new JsonArray();
    for (Object x : ((JsonArray) v).getList()) out.add(cut(x, depth, level + 1));
    return out;
  }

  /** The encoded size of {@code v} at {@code level} (once past the limit, a size past it), or -1 when it nests deeper than allowed. */
  private long size(Object v, int level) {
    if (v instanceof JsonObject o) v = o.getMap();
    if (v instanceof JsonArray a) v = a.getList();
    if (v instanceof Map<?, ?> m) {
      if (level >= maxDepth) return -1;
      long n = 2 + Math.max(0, m.size() - 1);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        long inner = size(e.getValue(), level + 1);
        if (inner < 0) return -1;
        n += text(String.valueOf(e.getKey())) + 1 + inner;
        if (n > maxBytes) return n; // past the limit: no need to walk the rest
      }
      return n;
    }
    if (v instanceof List<?> l) {
      if (level >= maxDepth) return -1;
      long n = 2 + Math.max(0, l.size() - 1);
      for (Object x : l) {
        long inner = size(x, level + 1);
        if (inner < 0) return -1;
        n += inner;
        if (n > maxBytes) return n;
      }
      return n;
    }
    if (v == null) return 4;
    if (v instanceof CharSequence s) return text(s);
    return String.valueOf(v).length(); // numbers, booleans
  }

  /** The encoded length of a JSON string: quotes, escapes, UTF-8. */
  private static long text(CharSequence s) {
    long n = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') n += 2;
      else if (c < 0x20) n += 6;
      else if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) n += 2; // with its low surrogate: 4 bytes in all
      else n += Character.isLowSurrogate(c) ? 2 : 3;
    }
    return n;
  }
}
