package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The browser path cache: per robot, site and step, the selector alternative that worked when a run last reached its
 * goal. Coordinators read a robot's entries into each assignment and write a successful run's path; runners never
 * touch the database.
 */
public final class PathCacheStore {
  private static final String FOR_ROBOT = "SELECT site, step, selector, alternative, full_list_ms FROM path_cache WHERE robot = $1 ORDER BY site, step";
  private static final String RECORD = "INSERT INTO path_cache (robot, site, step, selector, alternative, full_list_ms, job_id, recorded_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (robot, site, step) DO UPDATE SET selector = EXCLUDED.selector,"
      + " alternative = EXCLUDED.alternative, full_list_ms = EXCLUDED.full_list_ms, job_id = EXCLUDED.job_id, recorded_at = EXCLUDED.recorded_at";

  private final Pool pool;

  PathCacheStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Whose path a job's run follows: its robot's, or for an inline workflow that workflow's (by a hash of its steps,
   * so that the same inline workflow submitted again finds its path).
   */
  public static String robotKey(String robot, JsonObject workflow) {
    if (robot != null) return robot;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(workflow.getJsonArray("steps", new JsonArray()).encode().getBytes(StandardCharsets.UTF_8));
      return "workflow:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The robot's entries, as {@code {site, step, selector, alternative, fullListMs}}. */
  public Future<JsonArray> forRobot(String robotKey) {
    return pool.preparedQuery(FOR_ROBOT).execute(Tuple.of(robotKey)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("site", r.getString("site")).put("step", r.getString("step")).put("selector", r.getString("selector"))
            .put("alternative", r.getInteger("alternative")).put("fullListMs", r.getLong("full_list_ms")));
      }
      return out;
    });
  }

  /** Records the path of a run that reached its goal; each entry replaces the step's earlier one on that site. */
  public Future<Void> record(String robotKey, JsonArray path, UUID job, Instant at) {
    if (path == null || path.isEmpty()) return Future.succeededFuture();
    List<Tuple> batch = new ArrayList<>();
    for (Object o : path) {
      if (!(o instanceof JsonObject c)) continue;
      batch.add(Tuple.from(new Object[] {robotKey, c.getString("site"), c.getString("step"), c.getString("selector"),
          c.getInteger("alternative", 0), c.getLong("fullListMs", 0L), job, JobRecord.odt(at)}));
    }
    return batch.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(RECORD).executeBatch(batch).mapEmpty();
  }
}
