package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's overview, read cheaply enough to be polled over a table of a million jobs: finished jobs per time
 * bucket and per robot over a window (index-only range scans of {@code jobs_finished}, which carries state, robot and
 * started_at: V017), the queue depth samples ({@code queue_samples}), and the next queued jobs of each requirement set
 * (the claim's loose index scan over {@code jobs_queued_by_set}, three rows per set).
 */
public final class OverviewStore {
  /** Terminal states written out: the partial index's predicate must be visible to the planner as it is. */
  private static final String FINISHED = "state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED')";
  // buckets counted from the epoch in whole seconds: no time zone of the session can move a bucket's edge
  private static final String FINISHED_PER_BUCKET = "SELECT floor(extract(epoch FROM finished_at) / $3)::bigint * $3 AS b, state, count(*)"
      + " FROM jobs WHERE " + FINISHED + " AND finished_at >= $1 AND finished_at < $2 GROUP BY 1, 2";
  /** Duration is first start to end (retries and their backoff included): what the job took for whoever waited for it. */
  private static final String ROBOTS = "SELECT robot, count(*) AS finished,"
      + " count(*) FILTER (WHERE state = 'SUCCEEDED') AS succeeded, count(*) FILTER (WHERE state = 'FAILED') AS failed,"
      + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at) * 1000)"
      + "   FILTER (WHERE started_at IS NOT NULL AND state IN ('SUCCEEDED', 'FAILED')) AS median_ms"
      + " FROM jobs WHERE " + FINISHED + " AND finished_at >= $1 AND finished_at < $2"
      + " GROUP BY robot ORDER BY finished DESC, robot NULLS LAST LIMIT $3";
  /** The next jobs of each set of required capabilities, in the claim's order: what a runner of that kind takes next. */
  private static final String NEXT_BY_SET = "WITH RECURSIVE sets(r) AS ("
      + "   (SELECT requires FROM jobs WHERE state = 'QUEUED' ORDER BY requires LIMIT 1)"
      + "   UNION ALL SELECT (SELECT requires FROM jobs WHERE state = 'QUEUED' AND requires > s.r ORDER BY requires LIMIT 1)"
      + "   FROM sets s WHERE s.r IS NOT NULL)"
      + " SELECT s.r, j.id, j.robot, j.priority, j.run_at, j.created_at FROM (SELECT r FROM sets WHERE r IS NOT NULL LIMIT $2) s"
      + " CROSS JOIN LATERAL (SELECT id, robot, priority, run_at, created_at FROM jobs"
      + "   WHERE state = 'QUEUED' AND requires = s.r ORDER BY priority DESC, run_at, created_at LIMIT $1) j";
  private static final String SAMPLED = "SELECT 1 FROM queue_samples WHERE at = $1";
  private static final String SAMPLE = "INSERT INTO queue_samples (at, by_state, by_capability, capped) VALUES ($1, $2, $3, $4)"
      + " ON CONFLICT (at) DO NOTHING";
  private static final String SAMPLES = "SELECT at, by_state, by_capability, capped FROM queue_samples WHERE at >= $1 AND at < $2 ORDER BY at";
  private static final String PRUNE = "DELETE FROM queue_samples WHERE at < $1";
  /** Sets of requirements looked at for the next jobs: far more than a grid has kinds of runner. */
  private static final int SETS_LIMIT = 200;

  private final Pool pool;

  public OverviewStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Jobs finished in {@code [from, to)} per bucket of {@code bucketSeconds} (aligned on the epoch) and outcome:
   * bucket start (epoch second) → state → count. Buckets without a finished job are absent.
   */
  public Future<Map<Long, Map<String, Long>>> finishedPerBucket(Instant from, Instant to, int bucketSeconds) {
    return pool.preparedQuery(FINISHED_PER_BUCKET).execute(Tuple.of(JobRecord.odt(from), JobRecord.odt(to), bucketSeconds)).map(rows -> {
      Map<Long, Map<String, Long>> out = new TreeMap<>();
      for (Row r : rows) out.computeIfAbsent(r.getLong(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
      return out;
    });
  }

  /**
   * Per robot (null: inline workflows), the jobs finished in {@code [from, to)}: {@code robot, finished, succeeded,
   * failed, successRate} (succeeded over succeeded and failed: a cancel or a rejection is nobody's failure; null when
   * none) and {@code medianMs} from first start to end; the {@code limit} robots that finished the most.
   */
  public Future<JsonArray> robots(Instant from, Instant to, int limit) {
    return pool.preparedQuery(ROBOTS).execute(Tuple.of(JobRecord.odt(from), JobRecord.odt(to), limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        long ok = r.getLong("succeeded");
        long failed = r.getLong("failed");
        Double median = r.getDouble("median_ms");
        out.add(new JsonObject().put("robot", r.getString("robot")).put("finished", r.getLong("finished")).put("succeeded", ok)
            .put("failed", failed).put("successRate", ok + failed == 0 ? null : (double) ok / (ok + failed))
            .put("medianMs", median == null ? null : Math.round(median)));
      }
      return out;
    });
  }

  /** A queued job next in line for its requirement set. */
  public record Next(List<String> requires, String id, String robot, int priority, Instant runAt, Instant createdAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("robot", robot).put("priority", priority).put("requires", new JsonArray(requires))
          .put("queuedSince", JobRecord.str(runAt.isAfter(createdAt) ? runAt : createdAt));
    }
  }

  /** Up to {@code perSet} next queued jobs of each distinct set of required capabilities. */
  public Future<List<Next>> nextQueued(int perSet) {
    return pool.preparedQuery(NEXT_BY_SET).execute(Tuple.of(perSet, SETS_LIMIT)).map(rows -> {
      List<Next> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Next(List.of(r.getArrayOfStrings(0)), r.getUUID(1).toString(), r.getString(2), r.getInteger(3),
            JobRecord.instant(r, "run_at"), JobRecord.instant(r, "created_at")));
      }
      return out;
    });
  }

  /** Whether the minute {@code at} has its sample already (a primary-key probe: cheaper than counting to find out). */
  public Future<Boolean> sampled(Instant at) {
    return pool.preparedQuery(SAMPLED).execute(Tuple.of(JobRecord.odt(at))).map(rows -> rows.size() > 0);
  }

  /** Keeps {@code depth} ({@link GridReads#queueDepth()}'s shape) as the sample of minute {@code at}, unless one is there. */
  public Future<Boolean> sample(Instant at, JsonObject depth) {
    return pool.preparedQuery(SAMPLE).execute(Tuple.of(JobRecord.odt(at), depth.getJsonObject("byState", new JsonObject()),
        depth.getJsonObject("queuedByCapability", new JsonObject()), depth.containsKey("capped"))).map(rows -> rows.rowCount() > 0);
  }

  /** The samples of {@code [from, to)}, oldest first: {@code at, byState, queuedByCapability, capped}. */
  public Future<JsonArray> samples(Instant from, Instant to) {
    return pool.preparedQuery(SAMPLES).execute(Tuple.of(JobRecord.odt(from), JobRecord.odt(to))).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("at", JobRecord.str(JobRecord.instant(r, "at"))).put("byState", r.getJsonObject("by_state"))
            .put("queuedByCapability", r.getJsonObject("by_capability")).put("capped", r.getBoolean("capped")));
      }
      return out;
    });
  }

  /** Forgets samples older than {@code before}; returns how many went. */
  public Future<Integer> prune(Instant before) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of(JobRecord.odt(before))).map(rows -> rows.rowCount());
  }
}
