package io.robogrid.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations operators write in config and requests: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h30m}, {@code 1d} or ISO-8601 ({@code PT5S}). */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

  private Durations() {}

  /** @throws IllegalArgumentException with a message fit for an operator when the text is not a duration */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("empty duration");
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (WHOLE.matcher(t).matches()) {
      Duration total = Duration.ZERO;
      Matcher m = PART.matcher(t);
      try {
        while (m.find()) {
          long n = Long.parseLong(m.group(1));
          total = total.plus(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
        }
        total.toMillis(); // durations are used in milliseconds: refuse what does not fit
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
      return total;
    }
    try {
      Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      if (d.isNegative()) throw new IllegalArgumentException("negative duration '" + text + "'");
      d.toMillis();
      return d;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use 500ms, 5s, 2m, 1h or ISO-8601 like PT5S)");
    }
  }

  /** A duration setting of a config section, with a message naming {@code section.key} when it is not a duration. */
  public static Duration setting(io.vertx.core.json.JsonObject json, String section, String key, String dflt) {
    try {
      return parse(json.getString(key, dflt));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException(section + "." + key + ": " + e.getMessage());
    }
  }

  /** Shortest readable form, used when a duration is shown back to a person. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0 && ms > 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
