package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What goal runs' decisions cost, summed from their {@code goal.decision} events (every decision records its level,
 * tokens and dollars): per robot and for the whole grid, since a given time.
 */
public final class CostStore {
  private static final String BY_ROBOT_AND_LEVEL = "SELECT coalesce(j.robot, '') AS robot, e.data->>'level' AS level, count(*) AS decisions,"
      + " count(DISTINCT e.job_id) AS jobs, coalesce(sum((e.data->>'costUsd')::numeric), 0) AS usd,"
      + " coalesce(sum((e.data->>'tokensIn')::bigint), 0) AS tokens_in, coalesce(sum((e.data->>'tokensOut')::bigint), 0) AS tokens_out"
      + " FROM events e JOIN jobs j ON j.id = e.job_id WHERE e.type = 'goal.decision' AND e.at >= $1 AND ($2::text IS NULL OR j.robot = $2)"
      + " GROUP BY 1, 2";
  private static final String JOBS = "SELECT coalesce(j.robot, '') AS robot, count(DISTINCT e.job_id) AS jobs FROM events e JOIN jobs j ON j.id = e.job_id"
      + " WHERE e.type = 'goal.decision' AND e.at >= $1 AND ($2::text IS NULL OR j.robot = $2) GROUP BY 1";

  private final Pool pool;

  public CostStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * {@code {since, robot, total: {costUsd, decisions, jobs, tokensIn, tokensOut, byLevel}, robots: [{robot, …}]}};
   * an inline workflow's jobs count under robot {@code null}.
   */
  public Future<JsonObject> summary(Instant since, String robot) {
    Tuple args = Tuple.of(JobRecord.odt(since), robot);
    Future<io.vertx.sqlclient.RowSet<Row>> levels = pool.preparedQuery(BY_ROBOT_AND_LEVEL).execute(args);
    Future<io.vertx.sqlclient.RowSet<Row>> jobs = pool.preparedQuery(JOBS).execute(args);
    return Future.all(levels, jobs).map(v -> {
      Map<String, JsonObject> robots = new TreeMap<>();
      JsonObject total = empty();
      long totalJobs = 0;
      for (Row r : jobs.result()) {
        robots.computeIfAbsent(r.getString("robot"), k -> empty()).put("jobs", r.getLong("jobs"));
        totalJobs += r.getLong("jobs");
      }
      for (Row r : levels.result()) {
        JsonObject one = robots.computeIfAbsent(r.getString("robot"), k -> empty());
        add(one, r);
        add(total, r);
      }
      total.put("jobs", totalJobs);
      JsonArray list = new JsonArray();
      robots.forEach((name, s) -> list.add(round(s).put("robot", name.isEmpty() ? null : name)));
      return new JsonObject().put("since", since.toString()).put("robot", robot).put("total", round(total)).put("robots", list);
    });
  }

  private static JsonObject empty() {
    return new JsonObject().put("costUsd", BigDecimal.ZERO).put("decisions", 0L).put("jobs", 0L).put("tokensIn", 0L).put("tokensOut", 0L)
        .put("byLevel", new JsonObject());
  }

  private static void add(JsonObject into, Row r) {
    BigDecimal usd = r.getBigDecimal("usd");
    into.put("costUsd", ((BigDecimal) into.getValue("costUsd")).add(usd)).put("decisions", into.getLong("decisions") + r.getLong("decisions"))
        .put("tokensIn", into.getLong("tokensIn") + r.getLong("tokens_in")).put("tokensOut", into.getLong("tokensOut") + r.getLong("tokens_out"));
    JsonObject level = into.getJsonObject("byLevel").getJsonObject(r.getString("level"), new JsonObject().put("decisions", 0L).put("costUsd", BigDecimal.ZERO));
    level.put("decisions", level.getLong("decisions") + r.getLong("decisions")).put("costUsd", ((BigDecimal) level.getValue("costUsd")).add(usd));
    into.getJsonObject("byLevel").put(r.getString("level"), level);
  }

  /** Dollars to four decimals, as the API shows them. */
  private static JsonObject round(JsonObject s) {
    s.put("costUsd", ((BigDecimal) s.getValue("costUsd")).setScale(4, RoundingMode.HALF_UP).doubleValue());
    s.getJsonObject("byLevel").forEach(e -> {
      JsonObject l = (JsonObject) e.getValue();
      l.put("costUsd", ((BigDecimal) l.getValue("costUsd")).setScale(4, RoundingMode.HALF_UP).doubleValue());
    });
    return s;
  }
}
