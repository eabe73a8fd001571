package io.robogrid.store;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What runners report about their attempts, written fenced: each write applies only while the job is RUNNING under
 * the reported attempt number (and the start only while it is CLAIMED under it), otherwise it fails with
 * STALE_ATTEMPT. A report sent again after its first delivery was lost in transit is harmless: writes are upserts,
 * and a start already recorded for the same node is accepted as done.
 */
public final class ReportStore {
  private static final String MARK_RUNNING = "WITH j AS (UPDATE jobs SET state = 'RUNNING', node = $3, heartbeat_at = $4, started_at = coalesce(started_at, $4)"
      + "   WHERE id = $1 AND attempt = $2 AND state = 'CLAIMED' AND NOT cancel_requested RETURNING id, attempt),"
      + " a AS (UPDATE attempts SET state = 'RUNNING', node = $3, started_at = $4 WHERE job_id = $1 AND attempt = $2 AND EXISTS (SELECT 1 FROM j))"
      + " INSERT INTO events (job_id, attempt, type, at, data)"
      + "   SELECT id, attempt, 'job.state', $4, jsonb_build_object('from', 'CLAIMED', 'to', 'RUNNING', 'node', $3::text) FROM j RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String LIVE = "live AS (SELECT 1 FROM jobs WHERE id = $1 AND attempt = $2 AND state = 'RUNNING')";
  private static final String STEP_STARTED = "WITH " + LIVE + ","
      + " s AS (INSERT INTO step_results (job_id, attempt, step_id, state, tries, started_at) SELECT $1, $2, $3, 'RUNNING', $4, $5 FROM live"
      + "   ON CONFLICT (job_id, attempt, step_id) DO UPDATE SET state = 'RUNNING', tries = EXCLUDED.tries, error = NULL RETURNING 1)"
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, 'step.started', $5, $6 FROM s RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String STEP_FINISHED = "WITH " + LIVE + ","
      + " s AS (INSERT INTO step_results (job_id, attempt, step_id, state, tries, output, error, started_at, finished_at)"
      + "   SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM live ON CONFLICT (job_id, attempt, step_id) DO UPDATE SET state = EXCLUDED.state,"
      + "   tries = EXCLUDED.tries, output = EXCLUDED.output, error = EXCLUDED.error, finished_at = EXCLUDED.finished_at RETURNING 1)"
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, 'step.finished', $9, $10 FROM s RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String STEP_EVENT = "WITH " + LIVE
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, $3, $4, $5 FROM live RETURNING " + JobStore.EVENT_COLUMNS;
  /** Blocked and unblocked set the job's {@code blocked} beside their event: what the job's JSON and the filters show. */
  private static final String BLOCKED = "WITH live AS (UPDATE jobs SET blocked = $5 WHERE id = $1 AND attempt = $2 AND state = 'RUNNING' RETURNING 1)"
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, $3, $4, $5 FROM live RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String UNBLOCKED = "WITH live AS (UPDATE jobs SET blocked = NULL WHERE id = $1 AND attempt = $2 AND state = 'RUNNING' RETURNING 1)"
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, $3, $4, $5 FROM live RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String STEP_LOG = "WITH " + LIVE
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, 'step.log', $3, $4 FROM live RETURNING " + JobStore.EVENT_COLUMNS;
  /** The live check takes a share lock, so that the transition ending the attempt cannot slip in and leave an orphan lease row. */
  private static final String LEASE_TAKEN = "WITH live AS (SELECT 1 FROM jobs WHERE id = $1 AND attempt = $2 AND state = 'RUNNING' FOR SHARE),"
      + " l AS (INSERT INTO leases (resource, node, job_id, attempt, since) SELECT $3, $4, $1, $2, $5 FROM live"
      + "   ON CONFLICT (resource) DO UPDATE SET node = EXCLUDED.node, job_id = EXCLUDED.job_id, attempt = EXCLUDED.attempt, since = EXCLUDED.since RETURNING 1)"
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, 'lease.taken', $5, $6 FROM l RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String ARTIFACT = "WITH " + LIVE + ","
      + " a AS (INSERT INTO artifacts (job_id, name, attempt, step, content_type, size, data, created_at)"
      + "   SELECT $1, $3, $2, $4, $5, $6, $7, $8 FROM live ON CONFLICT (job_id, name) DO UPDATE SET attempt = EXCLUDED.attempt,"
      + "   step = EXCLUDED.step, content_type = EXCLUDED.content_type, size = EXCLUDED.size, data = EXCLUDED.data, created_at = EXCLUDED.created_at"
      + "   RETURNING 1)"
      + " INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, $2, 'artifact', $8, $9 FROM a RETURNING " + JobStore.EVENT_COLUMNS;
  private static final String HEARTBEAT = "UPDATE jobs j SET heartbeat_at = $1 FROM unnest($3::uuid[], $4::int[]) AS h(id, attempt)"
      + " WHERE j.id = h.id AND j.attempt = h.attempt AND j.node = $2 AND j.state = 'RUNNING' RETURNING j.id, j.cancel_requested, j.pause IS NOT NULL";
  private static final String RUNNING_HERE = "SELECT 1 FROM jobs WHERE id = $1 AND attempt = $2 AND state = 'RUNNING' AND node = $3";

  private final SqlClient pool;

  ReportStore(SqlClient client) {
    this.pool = client;
  }

  /** The same reports written on {@code c}, inside a transaction its caller owns ({@link GroupCommit}). */
  public ReportStore on(io.vertx.sqlclient.SqlConnection c) {
    return new ReportStore(c);
  }

  /** The runner started the attempt. Fails with STALE_ATTEMPT when the attempt is no longer the job's live one (or it is being cancelled). */
  public Future<List<JobEvent>> markRunning(UUID id, int attempt, String node, Instant now) {
    return pool.preparedQuery(MARK_RUNNING).execute(Tuple.of(id, attempt, node, JobRecord.odt(now))).compose(rows -> rows.size() > 0
        ? Future.succeededFuture(JobStore.events(rows))
        // the same report again (its answer was lost, say to a database that died after the commit): already done
        : pool.preparedQuery(RUNNING_HERE).execute(Tuple.of(id, attempt, node)).map(again -> {
          if (again.size() == 0) throw stale(id, attempt);
          return List.<JobEvent>of();
        }));
  }

  public Future<List<JobEvent>> stepStarted(UUID id, int attempt, String step, int tries, Instant now) {
    JsonObject data = new JsonObject().put("step", step).put("tries", tries);
    return fenced(pool.preparedQuery(STEP_STARTED).execute(Tuple.of(id, attempt, step, tries, JobRecord.odt(now), data)), id, attempt);
  }

  public Future<List<JobEvent>> stepFinished(UUID id, int attempt, String step, String state, int tries, JsonObject output,
                                             JsonObject error, Instant startedAt, Instant finishedAt) {
    JsonObject data = new JsonObject().put("step", step).put("state", state).put("tries", tries)
        .put("durationMs", startedAt == null ? null : finishedAt.toEpochMilli() - startedAt.toEpochMilli());
    if (output != null) data.put("output", output);
    if (error != null) data.put("error", error);
    return fenced(pool.preparedQuery(STEP_FINISHED).execute(Tuple.from(new Object[] {id, attempt, step, state, tries, output, error,
        JobRecord.odt(startedAt), JobRecord.odt(finishedAt), data})), id, attempt);
  }

  /** An event a step sent of its own, of one of {@link JobEvent#STEP_EVENT_TYPES}; {@code data} gets the step's id. */
  public Future<List<JobEvent>> stepEvent(UUID id, int attempt, String step, String type, JsonObject data, Instant at) {
    if (!JobEvent.STEP_EVENT_TYPES.contains(type)) return Future.failedFuture(new IllegalArgumentException("no step event type '" + type + "'"));
    JsonObject d = (data == null ? new JsonObject() : data.copy()).put("step", step);
    String sql = JobEvent.JOB_BLOCKED.equals(type) ? BLOCKED : JobEvent.JOB_UNBLOCKED.equals(type) ? UNBLOCKED : STEP_EVENT;
    return fenced(pool.preparedQuery(sql).execute(Tuple.of(id, attempt, type, JobRecord.odt(at), d)), id, attempt);
  }

  public Future<List<JobEvent>> stepLog(UUID id, int attempt, String step, String level, String message, Instant now) {
    JsonObject data = new JsonObject().put("step", step).put("level", level).put("message", message);
    return fenced(pool.preparedQuery(STEP_LOG).execute(Tuple.of(id, attempt, JobRecord.odt(now), data)), id, attempt);
  }

  /** The attempt leased {@code resource} on {@code node}; fenced like every report. */
  public Future<List<JobEvent>> leaseTaken(UUID id, int attempt, String resource, String node, Instant since) {
    JsonObject data = new JsonObject().put("resource", resource).put("node", node);
    return fenced(pool.preparedQuery(LEASE_TAKEN).execute(Tuple.of(id, attempt, resource, node, JobRecord.odt(since), data)), id, attempt);
  }

  /** Stores a file the attempt produced (fenced like every report), with an {@code artifact} event. */
  public Future<List<JobEvent>> artifact(UUID id, int attempt, String name, String step, String contentType, byte[] data, Instant at) {
    JsonObject event = new JsonObject().put("name", name).put("step", step).put("contentType", contentType).put("size", data.length);
    return fenced(pool.preparedQuery(ARTIFACT).execute(Tuple.from(new Object[] {id, attempt, name, step, contentType, data.length,
        io.vertx.core.buffer.Buffer.buffer(data), JobRecord.odt(at), event})), id, attempt);
  }

  /** Logs that a report about a stale attempt was refused, so that the refusal is visible in the job's history. */
  public Future<JobEvent> reportRejected(UUID id, int attempt, Instant at, JsonObject data) {
    return JobStore.event(pool, id, attempt, JobEvent.REPORT_REJECTED, at, data);
  }

  private static Future<List<JobEvent>> fenced(Future<RowSet<Row>> write, UUID id, int attempt) {
    return write.map(rows -> {
      if (rows.size() == 0) throw stale(id, attempt);
      return JobStore.events(rows);
    });
  }

  /** What a heartbeat's answer asks of a live attempt beside going on: repeated in case the direct message was missed. */
  public enum Ask { NOTHING, CANCEL, PAUSE }

  /**
   * Keeps the given attempts of {@code node} alive. Returns those still this node's (the others were taken from it),
   * each with whether a cancel or a pause was requested: the heartbeat reply repeats what the runner may have missed.
   */
  public Future<Map<UUID, Ask>> heartbeat(String node, Map<UUID, Integer> attempts, Instant now) {
    UUID[] ids = attempts.keySet().toArray(new UUID[0]);
    Integer[] nums = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) nums[i] = attempts.get(ids[i]);
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(JobRecord.odt(now), node, ids, nums)).map(rows -> {
      Map<UUID, Ask> alive = new java.util.LinkedHashMap<>();
      for (Row r : rows) alive.put(r.getUUID(0), r.getBoolean(1) ? Ask.CANCEL : r.getBoolean(2) ? Ask.PAUSE : Ask.NOTHING);
      return alive;
    });
  }

  private static RoboGridException stale(UUID id, int attempt) {
    return new RoboGridException(ErrorCode.STALE_ATTEMPT, "attempt " + attempt + " of job " + id + " is not the live one");
  }
}
