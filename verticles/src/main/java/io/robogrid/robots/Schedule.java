package io.robogrid.robots;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.robogrid.workflow.Problems;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * When a robot runs by itself: {@code "schedule": {"cron": "0 7 * * 1-5", "timezone": "Europe/Berlin", "catchUp": "last"}}.
 * Five fields are Unix cron (minute hour day-of-month month day-of-week); six put seconds first. Parsing and fire
 * times come from cron-utils, in the schedule's time zone (so "7 o'clock" stays 7 o'clock across daylight saving).
 *
 * @param catchUp what to do with fire times missed while no coordinator was running
 */
public record Schedule(String cron, ZoneId zone, CatchUp catchUp, ExecutionTime times) {
  private static final Set<String> FIELDS = Set.of("cron", "timezone", "catchUp");
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

  /** Missed fire times: none are run, only the latest, or every one of them (at most {@link #MAX_CATCH_UP}). */
  public enum CatchUp {
    NONE, LAST, ALL;

    static CatchUp of(String s) {
      for (CatchUp c : values()) if (c.name().equalsIgnoreCase(s)) return c;
      return null;
    }
  }

  /** The most fire times a catch-up creates jobs for at once: a schedule of seconds down for a day would be 86,400. */
  public static final int MAX_CATCH_UP = 1000;

  /** Reads a robot's {@code schedule}; problems are added at {@code where}, and null is returned for a broken one. */
  public static Schedule parse(Object value, String where, Problems problems) {
    if (!(value instanceof JsonObject json)) {
      problems.add(where, "must be an object like {\"cron\": \"*/5 * * * *\", \"timezone\": \"UTC\", \"catchUp\": \"last\"}");
      return null;
    }
    for (String key : json.fieldNames()) if (!FIELDS.contains(key)) problems.add(where + "." + key, "unknown field");
    int before = problems.items().size();
    String expr = json.getValue("cron") instanceof String s ? s.strip() : null;
    ExecutionTime times = null;
    if (expr == null || expr.isEmpty()) {
      problems.add(where + ".cron", "is required: five fields (minute hour day month weekday) or six (seconds first)");
    } else {
      int fields = expr.split("\\s+").length;
      if (fields != 5 && fields != 6) {
        problems.add(where + ".cron", "'" + expr + "' has " + fields + " fields; a cron has five (minute hour day month weekday) or six (seconds first)");
      } else {
        try {
          Cron cron = (fields == 5 ? UNIX : WITH_SECONDS).parse(expr).validate();
          times = ExecutionTime.forCron(cron);
        } catch (IllegalArgumentException e) {
          problems.add(where + ".cron", "'" + expr + "' is not a valid cron: " + e.getMessage());
        }
      }
    }
    ZoneId zone = ZoneId.of("UTC");
    Object tz = json.getValue("timezone");
    if (tz != null) {
      try {
        zone = ZoneId.of(String.valueOf(tz));
      } catch (DateTimeException e) {
        problems.add(where + ".timezone", "'" + tz + "' is not a time zone (like UTC or Europe/Berlin)");
      }
    }
    CatchUp catchUp = json.getValue("catchUp") == null ? CatchUp.LAST : CatchUp.of(String.valueOf(json.getValue("catchUp")));
    if (catchUp == null) problems.add(where + ".catchUp", "must be none, last or all");
    if (problems.items().size() > before) return null;
    return new Schedule(expr, zone, catchUp, times);
  }

  /** The first fire time after {@code t}, or null when the cron never fires again. */
  public Instant nextAfter(Instant t) {
    Optional<ZonedDateTime> next = times.nextExecution(t.atZone(zone));
    return next.map(ZonedDateTime::toInstant).orElse(null);
  }

  /** The fire times in ({@code after}, {@code until}], oldest first, at most {@code max}: the oldest ones when there are more. */
  public List<Instant> firesBetween(Instant after, Instant until, int max) {
    List<Instant> out = new ArrayList<>();
    Instant t = nextAfter(after);
    while (t != null && !t.isAfter(until) && out.size() < max) {
      out.add(t);
      t = nextAfter(t);
    }
    return out;
  }

  /** The latest fire time at or before {@code t}, or null. */
  public Instant lastAtOrBefore(Instant t) {
    Instant probe = t.plusNanos(1);
    Optional<ZonedDateTime> last = times.lastExecution(probe.atZone(zone));
    return last.map(ZonedDateTime::toInstant).filter(i -> !i.isAfter(t)).orElse(null);
  }

  public JsonObject toJson() {
    return new JsonObject().put("cron", cron).put("timezone", zone.getId()).put("catchUp", catchUp.name().toLowerCase(Locale.ROOT));
  }
}
