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
  /**
   * Counts stop at {@link #COUNT_LIMIT} per state and per set of required capabilities: an exact count(*) over a
   * backlog of 1,000,000 jobs took 800 ms of the database on every {@code GET /cluster} (the dashboard's cluster view
   * polls it), so past the limit the figure is "at least" and named in {@code capped}. Each count is a short range of
   * an index ({@code jobs_by_state}; {@code jobs_queued_by_set}, found set by set with the claim's loose index scan).
   */
  public static final int COUNT_LIMIT = 100_000;
  /** The most distinct requirement sets looked at: far more than any grid has capabilities for. */
  private static final int SETS_LIMIT = 1_000;
  /**
   * One capped count per unfinished state, each with its state written out: with a parameter instead, the planner
   * cannot tell a rare state from the backlog's and scanned the whole table for each (560 ms over 1M queued jobs).
   */
  private static final String DEPTH_BY_STATE = String.join(" UNION ALL ", java.util.Arrays.stream(JobState.values()).filter(st -> !st.isTerminal())
      .map(st -> "SELECT '" + st.name() + "', (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = '" + st.name() + "' LIMIT $1) x)").toList());
  private static final String QUEUED_BY_SET = "WITH RECURSIVE sets(r) AS ("
      + "   (SELECT requires FROM jobs WHERE state = 'QUEUED' ORDER BY requires LIMIT 1)"
      + "   UNION ALL SELECT (SELECT requires FROM jobs WHERE state = 'QUEUED' AND requires > s.r ORDER BY requires LIMIT 1)"
      + "   FROM sets s WHERE s.r IS NOT NULL)"
      + " SELECT s.r, (SELECT count(*) FROM (SELECT 1 FROM jobs j WHERE j.state = 'QUEUED' AND j.requires = s.r LIMIT $1) x)"
      + " FROM sets s WHERE s.r IS NOT NULL LIMIT $2";

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

  /**
   * How many unfinished jobs there are in each state, and how many queued jobs require each capability; counts that
   * reached {@link #COUNT_LIMIT} are listed in {@code capped} ({@code byState}, {@code queuedByCapability}).
   */
  public Future<JsonObject> queueDepth() {
    return queueDepth(pool, COUNT_LIMIT);
  }

  /** {@link #queueDepth()} counting up to {@code limit}: for tests, which need not queue 100,000 jobs to see the cap. */
  Future<JsonObject> queueDepth(int limit) {
    return queueDepth(pool, limit);
  }

  private static Future<JsonObject> queueDepth(SqlClient c, int limit) {
    List<String> unfinished = java.util.Arrays.stream(JobState.values()).filter(st -> !st.isTerminal()).map(Enum::name).toList();
    Future<RowSet<Row>> byState = c.preparedQuery(DEPTH_BY_STATE).execute(io.vertx.sqlclient.Tuple.of(limit));
    Future<RowSet<Row>> bySet = c.preparedQuery(QUEUED_BY_SET).execute(io.vertx.sqlclient.Tuple.of(limit, SETS_LIMIT));
    return Future.all(byState, bySet).map(v -> {
      JsonObject states = new JsonObject();
      unfinished.forEach(st -> states.put(st, 0L)); // every state shown, in JobState's order
      java.util.Set<String> cappedStates = new java.util.TreeSet<>();
      for (Row r : byState.result()) {
        states.put(r.getString(0), r.getLong(1));
        if (r.getLong(1) >= limit) cappedStates.add(r.getString(0));
      }
      Map<String, Long> caps = new java.util.TreeMap<>();
      java.util.Set<String> cappedCaps = new java.util.TreeSet<>();
      for (Row r : bySet.result()) {
        long n = r.getLong(1);
        for (String cap : r.getArrayOfStrings(0)) {
          caps.merge(cap, n, Long::sum);
          if (n >= limit) cappedCaps.add(cap);
        }
      }
      JsonObject out = new JsonObject().put("byState", states).put("queuedByCapability", new JsonObject(new java.util.LinkedHashMap<>(caps)));
      if (!cappedStates.isEmpty() || !cappedCaps.isEmpty()) {
        out.put("capped", new JsonObject().put("limit", limit).put("byState", new JsonArray(new ArrayList<>(cappedStates)))
            .put("queuedByCapability", new JsonArray(new ArrayList<>(cappedCaps))));
      }
      return out;
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
      Future<JsonObject> depth = queueDepth(c, COUNT_LIMIT);
      return Future.all(active, leases, depth).map(all -> new GridSnapshot(active.result(), leases.result(), depth.result()));
    }));
  }
}
