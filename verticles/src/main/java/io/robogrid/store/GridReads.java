package io.robogrid.store;

import io.robogrid.core.JobState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the grid looks like now, read from the jobs and leases tables: for {@code GET /cluster} and the status CLI. */
public final class GridReads {
  private static final String LEASES = "SELECT resource, node, job_id, attempt, since FROM leases ORDER BY resource";
  private static final String ACTIVE_BY_NODE = "SELECT node, id, state FROM jobs WHERE state IN ('CLAIMED', 'RUNNING') AND node IS NOT NULL ORDER BY node, id";
  private static final String DEPTH_BY_STATE = "SELECT state, count(*) FROM jobs WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED') GROUP BY state";
  private static final String QUEUED_BY_CAPABILITY = "SELECT c, count(*) FROM jobs CROSS JOIN LATERAL unnest(requires) AS c"
      + " WHERE state = 'QUEUED' GROUP BY c ORDER BY c";

  private final Pool pool;

  GridReads(Pool pool) {
    this.pool = pool;
  }

  /** Every lease held now: {@code resource, node, jobId, attempt, since}. */
  public Future<JsonArray> leases() {
    return leases(pool);
  }

  private static Future<JsonArray> leases(SqlClient c) {
    return c.query(LEASES).execute().map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("resource", r.getString("resource")).put("node", r.getString("node"))
            .put("jobId", r.getUUID("job_id").toString()).put("attempt", r.getInteger("attempt"))
            .put("since", JobRecord.str(JobRecord.instant(r, "since"))));
      }
      return out;
    });
  }

  /** Claimed and running jobs by the node that runs them. */
  public Future<Map<String, List<UUID>>> activeByNode() {
    return activeByNode(pool);
  }

  private static Future<Map<String, List<UUID>>> activeByNode(SqlClient c) {
    return c.query(ACTIVE_BY_NODE).execute().map(rows -> {
      Map<String, List<UUID>> out = new java.util.LinkedHashMap<>();
      for (Row r : rows) out.computeIfAbsent(r.getString("node"), k -> new ArrayList<>()).add(r.getUUID("id"));
      return out;
    });
  }

  /** How many unfinished jobs there are in each state, and how many queued jobs require each capability. */
  public Future<JsonObject> queueDepth() {
    return queueDepth(pool);
  }

  private static Future<JsonObject> queueDepth(SqlClient c) {
    Future<RowSet<Row>> byState = c.query(DEPTH_BY_STATE).execute();
    Future<RowSet<Row>> byCap = c.query(QUEUED_BY_CAPABILITY).execute();
    return Future.all(byState, byCap).map(v -> {
      JsonObject states = new JsonObject();
      for (JobState st : JobState.values()) if (!st.isTerminal()) states.put(st.name(), 0L);
      for (Row r : byState.result()) states.put(r.getString(0), r.getLong(1));
      JsonObject caps = new JsonObject();
      for (Row r : byCap.result()) caps.put(r.getString(0), r.getLong(1));
      return new JsonObject().put("byState", states).put("queuedByCapability", caps);
    });
  }

  /** The jobs each node runs, the leases and the queue depths as of one moment (one read-only snapshot). */
  public record GridSnapshot(Map<String, List<UUID>> activeByNode, JsonArray leases, JsonObject queueDepth) {}

  /**
   * {@link #activeByNode}, {@link #leases} and {@link #queueDepth} read in one REPEATABLE READ transaction, so that
   * they agree with each other: read apart, a lease could show up beside a node that did not run its job yet.
   */
  public Future<GridSnapshot> gridSnapshot() {
    return pool.withTransaction(c -> c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute().compose(v -> {
      Future<Map<String, List<UUID>>> active = activeByNode(c);
      Future<JsonArray> leases = leases(c);
      Future<JsonObject> depth = queueDepth(c);
      return Future.all(active, leases, depth).map(all -> new GridSnapshot(active.result(), leases.result(), depth.result()));
    }));
  }
}
