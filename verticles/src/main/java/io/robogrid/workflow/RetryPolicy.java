package io.robogrid.workflow;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often to try and how long to wait between tries: exponential backoff ({@code backoff × 2^(n-1)},
 * capped at {@code maxBackoff}) with "equal jitter" (half fixed, half random) so that many jobs failing
 * together do not all come back in the same instant.
 */
public record RetryPolicy(int maxAttempts, Duration backoff, Duration maxBackoff) {
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(30));
  static final int MAX_ATTEMPTS_LIMIT = 100;

  /** The wait before try number {@code nextTry} (2 for the first retry). */
  public Duration delayBefore(int nextTry, RandomGenerator random) {
    int exponent = Math.max(0, Math.min(nextTry - 2, 30));
    long base = backoff.toMillis();
    long capped = Math.min(maxBackoff.toMillis(), base > 0 && exponent > 0 ? saturatingShift(base, exponent) : base);
    long half = capped / 2;
    return Duration.ofMillis(half + (capped - half == 0 ? 0 : random.nextLong(capped - half + 1)));
  }

  private static long saturatingShift(long base, int exponent) {
    return base > (Long.MAX_VALUE >> exponent) ? Long.MAX_VALUE : base << exponent;
  }

  public boolean allowsAnotherTry(int triesSoFar) {
    return triesSoFar < maxAttempts;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("maxAttempts", maxAttempts)
        .put("backoff", Durations.format(backoff))
        .put("maxBackoff", Durations.format(maxBackoff));
  }

  /** Parses {@code {"maxAttempts":3,"backoff":"1s","maxBackoff":"30s"}}; missing fields take the defaults. */
  static RetryPolicy parse(Object value, String where, Problems problems) {
    if (value == null) return NONE;
    if (!(value instanceof JsonObject json)) {
      problems.add(where, "must be an object like {\"maxAttempts\": 3, \"backoff\": \"1s\"}");
      return NONE;
    }
    int max = NONE.maxAttempts;
    Object m = json.getValue("maxAttempts");
    if (m != null) {
      if (m instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 1 && n.intValue() <= MAX_ATTEMPTS_LIMIT) max = n.intValue();
      else problems.add(where + ".maxAttempts", "must be a whole number from 1 to " + MAX_ATTEMPTS_LIMIT);
    }
    Duration backoff = FieldReader.duration(json, "backoff", where, problems, NONE.backoff);
    Duration maxBackoff = FieldReader.duration(json, "maxBackoff", where, problems,
        backoff.compareTo(NONE.maxBackoff) > 0 ? backoff : NONE.maxBackoff);
    if (maxBackoff.compareTo(backoff) < 0) problems.add(where + ".maxBackoff", "is shorter than backoff");
    for (String key : json.fieldNames()) {
      if (!key.equals("maxAttempts") && !key.equals("backoff") && !key.equals("maxBackoff")) problems.add(where + "." + key, "unknown field");
    }
    return new RetryPolicy(max, backoff, maxBackoff);
  }

  public static RetryPolicy fromJson(JsonObject json) {
    if (json == null) return NONE;
    return new RetryPolicy(json.getInteger("maxAttempts", 1), Durations.parse(json.getString("backoff", "1s")),
        Durations.parse(json.getString("maxBackoff", "30s")));
  }
}
