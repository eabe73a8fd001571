package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The path cache of goal runs ({@code goal_paths}): the live path of a (site, goal), recorded when a run reaches its
 * goal and retired when its replay fails twice in a row; listed and deleted through the API.
 */
public final class GoalPathStore {
  /** A path older than this (not reached by any run since) is not replayed: the site has likely changed. */
  public static final Duration MAX_AGE = Duration.ofDays(30);
  private static final String COLUMNS = "id, site, goal_key, goal, steps, successes, failures_in_row, first_run_ms, created_at, updated_at,"
      + " last_used_at, last_job, retired_at";
  private static final String LIVE = "SELECT " + COLUMNS + " FROM goal_paths WHERE site = $1 AND goal_key = $2 AND retired_at IS NULL"
      + " AND updated_at >= $3";
  /** A run reached the goal: its path replaces the live one (same steps: one more success; other steps: a new path). */
  private static final String SUCCEEDED = "INSERT INTO goal_paths (site, goal_key, goal, steps, successes, first_run_ms, created_at, updated_at,"
      + " last_used_at, last_job) VALUES ($1, $2, $3, $4, 1, $5, $6, $6, $6, $7)"
      + " ON CONFLICT (site, goal_key) WHERE retired_at IS NULL DO UPDATE SET"
      + "   successes = CASE WHEN goal_paths.steps = EXCLUDED.steps THEN goal_paths.successes + 1 ELSE 1 END,"
      + "   first_run_ms = CASE WHEN goal_paths.steps = EXCLUDED.steps THEN goal_paths.first_run_ms ELSE EXCLUDED.first_run_ms END,"
      + "   steps = EXCLUDED.steps, goal = EXCLUDED.goal, failures_in_row = 0, updated_at = EXCLUDED.updated_at,"
      + "   last_used_at = EXCLUDED.last_used_at, last_job = EXCLUDED.last_job";
  /** A replay of the live path did not reach the goal: the second time in a row, the path is retired. */
  private static final String FAILED = "UPDATE goal_paths SET failures_in_row = failures_in_row + 1, last_used_at = $3, last_job = $4,"
      + " retired_at = CASE WHEN failures_in_row + 1 >= 2 THEN $3 ELSE NULL END WHERE site = $1 AND goal_key = $2 AND retired_at IS NULL";
  private static final String LIST = "SELECT " + COLUMNS + " FROM goal_paths WHERE ($1::text IS NULL OR site = $1) AND ($2::boolean OR retired_at IS NULL)"
      + " ORDER BY updated_at DESC, id DESC LIMIT $3";

  private final Pool pool;

  public GoalPathStore(Pool pool) {
    this.pool = pool;
  }

  /** The live, recent path of (site, goal), or null. */
  public Future<JsonObject> live(String site, String goalKey, Instant now) {
    return pool.preparedQuery(LIVE).execute(Tuple.of(site, goalKey, JobRecord.odt(now.minus(MAX_AGE))))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  public Future<Void> succeeded(String site, String goalKey, String goal, JsonArray steps, long runMs, UUID job, Instant now) {
    return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(site, goalKey, goal, steps, runMs, JobRecord.odt(now), job)).mapEmpty();
  }

  public Future<Void> failed(String site, String goalKey, UUID job, Instant now) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(site, goalKey, JobRecord.odt(now), job)).mapEmpty();
  }

  /** Paths newest first: of one site, or all; retired ones too when asked. */
  public Future<JsonArray> list(String site, boolean retired, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(site, retired, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) out.add(toJson(r));
      return out;
    });
  }

  /** Deletes one path (by id): whether there was one. */
  public Future<Boolean> delete(long id) {
    return pool.preparedQuery("DELETE FROM goal_paths WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Deletes every path of a site (or every path): how many. */
  public Future<Integer> deleteAll(String site) {
    return pool.preparedQuery("DELETE FROM goal_paths WHERE $1::text IS NULL OR site = $1").execute(Tuple.of(site)).map(rows -> rows.rowCount());
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("site", r.getString("site")).put("goalKey", r.getString("goal_key"))
        .put("goal", r.getString("goal")).put("steps", r.getValue("steps")).put("successes", r.getInteger("successes"))
        .put("failuresInRow", r.getInteger("failures_in_row")).put("firstRunMs", r.getLong("first_run_ms"))
        .put("createdAt", JobRecord.str(JobRecord.instant(r, "created_at"))).put("updatedAt", JobRecord.str(JobRecord.instant(r, "updated_at")))
        .put("lastUsedAt", JobRecord.str(JobRecord.instant(r, "last_used_at")))
        .put("lastJob", r.getUUID("last_job") == null ? null : r.getUUID("last_job").toString())
        .put("retiredAt", JobRecord.str(JobRecord.instant(r, "retired_at")));
  }
}
