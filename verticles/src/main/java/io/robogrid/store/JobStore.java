package io.robogrid.store;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Every read and write of jobs, attempts, step results and events. Writes that change a job's state go through
 * {@link #transition} (lock the row, let the caller decide, check the move against {@link JobState}, write, log an
 * event) or through the set-based statements of the hot path (claim, promote), whose moves are checked once below.
 * What runners report is written by {@link ReportStore}, fenced by attempt number.
 */
public final class JobStore {
  /** Channel a coordinator LISTENs on: something became due or changed its due time. */
  public static final String CHANNEL = "robogrid_jobs";

  private static final String COLUMNS = "id, robot, state, priority, attempt, failures, max_attempts, workflow, input, request, requires,"
      + " run_at, created_at, started_at, finished_at, node, heartbeat_at, cancel_requested, error, result, rerun_of,"
      + " metrics, review, approval, lost_attempts, pause, carried, blocked";
  static final String EVENT_COLUMNS = "seq, job_id, attempt, type, at, data";

  /** One statement (so atomic without a transaction, and one round trip): the job, its first event, and a NOTIFY. */
  private static final String INSERT_JOB = insertJob(false);
  /** A schedule's job: a second one for the same robot and fire time is not inserted (and gets no event). */
  private static final String INSERT_SCHEDULED = insertJob(true);

  private static String insertJob(boolean scheduled) {
    return "WITH j AS (INSERT INTO jobs (id, robot, state, priority, max_attempts, workflow, input, request, requires,"
        + "   run_at, created_at, rerun_of, schedule_key, approval) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14, $15)"
        + (scheduled ? " ON CONFLICT (schedule_key) WHERE schedule_key IS NOT NULL DO NOTHING" : "") + " RETURNING " + COLUMNS + "),"
        + " e AS (INSERT INTO events (job_id, attempt, type, at, data) SELECT id, 0, 'job.state', created_at, $13 FROM j RETURNING seq),"
        + " n AS (SELECT pg_notify('" + CHANNEL + "', ''))"
        + " SELECT j.*, e.seq FROM j CROSS JOIN e CROSS JOIN n";
  }
  private static final String INSERT_EVENT = "INSERT INTO events (job_id, attempt, type, at, data) VALUES ($1, $2, $3, $4, $5) RETURNING " + EVENT_COLUMNS;
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', '')";
  private static final String LOCK_JOB = "SELECT " + COLUMNS + " FROM jobs WHERE id = $1 FOR UPDATE";
  private static final String WRITE_PROGRESS = "UPDATE jobs SET state = $2, attempt = $3, failures = $4, run_at = $5, started_at = $6,"
      + " finished_at = $7, node = $8, heartbeat_at = $9, cancel_requested = $10, error = $11, result = $12,"
      + " metrics = $13, review = $14, approval = $15, lost_attempts = $16, pause = $17, carried = $18,"
      + " blocked = $19 WHERE id = $1";
  /** An attempt's start is when it ran ({@link ReportStore#markRunning}); one refused or lost while only claimed never started. */
  private static final String WRITE_ATTEMPT = "UPDATE attempts SET state = $3, node = coalesce($4, node),"
      + " started_at = CASE WHEN $3 = 'RUNNING' THEN coalesce(started_at, $5) ELSE started_at END,"
      + " finished_at = $6, error = $7 WHERE job_id = $1 AND attempt = $2";

  // Hot path, set-based. The moves they make are checked against the state machine once, at class load.
  static {
    JobState.requireMove(JobState.PENDING, JobState.QUEUED);
    JobState.requireMove(JobState.RETRY_WAIT, JobState.QUEUED);
    JobState.requireMove(JobState.QUEUED, JobState.CLAIMED);
    JobState.requireMove(JobState.CLAIMED, JobState.RUNNING);
  }

  private static final String PROMOTE_DUE = "WITH due AS (SELECT id, state FROM jobs WHERE state IN ('PENDING', 'RETRY_WAIT') AND run_at <= $1"
      + "   ORDER BY run_at LIMIT $2 FOR UPDATE SKIP LOCKED),"
      + " up AS (UPDATE jobs j SET state = 'QUEUED' FROM due WHERE j.id = due.id RETURNING j.id, j.attempt, due.state AS old)"
      + " INSERT INTO events (job_id, attempt, type, at, data)"
      + "   SELECT id, attempt, 'job.state', $1, jsonb_build_object('from', old, 'to', 'QUEUED') FROM up RETURNING " + EVENT_COLUMNS;

  /** An attempt that ends gives up its leases, in the transaction that ends it. */
  private static final String LEASES_RELEASED = "WITH d AS (DELETE FROM leases WHERE job_id = $1 AND attempt = $2 RETURNING resource, node)"
      + " INSERT INTO events (job_id, attempt, type, at, data)"
      + "   SELECT $1, $2, 'lease.released', $3, jsonb_build_object('resource', resource, 'node', node, 'reason', $4::text) FROM d"
      + "   RETURNING " + EVENT_COLUMNS;
  private static final String ARTIFACT_LIST = "SELECT name, attempt, step, content_type, size, created_at FROM artifacts WHERE job_id = $1 ORDER BY created_at, name";
  private static final String ARTIFACT_GET = "SELECT content_type, data FROM artifacts WHERE job_id = $1 AND name = $2";

  /**
   * A server that started after the cutoff was down for part of the window: the heartbeats it missed prove nothing
   * about the runners (a coordinator that saw the outage waits too; this covers one that did not).
   */
  private static final String STALE_ATTEMPTS = "SELECT id, attempt FROM jobs WHERE state IN ('CLAIMED', 'RUNNING') AND heartbeat_at < $1"
      + " AND pg_postmaster_start_time() < $1";
  private static final String ATTEMPTS_ON_NODE = "SELECT id, attempt FROM jobs WHERE state IN ('CLAIMED', 'RUNNING') AND node = $1";
  private static final String NEXT_DUE = "SELECT min(run_at) FROM jobs WHERE state IN ('PENDING', 'RETRY_WAIT')";
  private static final String FIND = "SELECT " + COLUMNS + " FROM jobs WHERE id = $1";
  /** The current attempt's steps, and for the steps carried over a pause ($3) the try that succeeded in an earlier attempt. */
  private static final String STEPS = "SELECT DISTINCT ON (step_id) step_id, attempt, state, tries, output, error, started_at, finished_at FROM step_results"
      + " WHERE job_id = $1 AND (attempt = $2 OR step_id = ANY ($3::text[]) AND state = 'SUCCEEDED') ORDER BY step_id, attempt DESC";
  private static final String LIST = "SELECT " + COLUMNS + " FROM jobs WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR robot = $2)"
      + " AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))"
      + " AND (NOT $6::boolean OR (review IS NOT NULL AND review->>'reviewedAt' IS NULL))"
      + " AND (NOT $7::boolean OR (blocked IS NOT NULL AND state = 'RUNNING')) ORDER BY created_at DESC, id DESC LIMIT $5";
  private static final String EVENTS = "SELECT " + EVENT_COLUMNS + " FROM events WHERE seq > $1 AND ($2::uuid IS NULL OR job_id = $2) ORDER BY seq LIMIT $3";

  private final Pool pool;
  private final SecretStore secrets;
  private final PathCacheStore pathCache;
  private final ReportStore reports;
  private final GridReads grid;

  public JobStore(Pool pool) {
    this.pool = pool;
    this.reports = new ReportStore(pool);
    this.grid = new GridReads(pool);
    this.pathCache = new PathCacheStore(pool);
    this.secrets = new SecretStore(pool);
  }

  /** The sealed secrets and their audit, in the same database. */
  /** A new {@link GroupCommit} on this store's pool, for the verticle that calls it (one per verticle). */
  public GroupCommit groupCommit(int maxBatch) {
    return new GroupCommit(pool, maxBatch);
  }

  /** The grid's read models: leases, active attempts by node, queue depths. */
  public GridReads grid() {
    return grid;
  }

  public SecretStore secrets() {
    return secrets;
  }

  /** The fenced writes of what runners report, in the same database. */
  public ReportStore reports() {
    return reports;
  }

  /** The browser path cache, in the same database. */
  public PathCacheStore pathCache() {
    return pathCache;
  }

  /** Stores a new job with its first event and wakes the coordinators. */
  public Future<TransitionResult> insert(NewJob job, Instant now) {
    return insert(pool, INSERT_JOB, job, null, now);
  }

  /** {@link #insert(NewJob, Instant)} on {@code c}, inside a transaction its caller owns ({@link GroupCommit}). */
  public static Future<TransitionResult> insert(SqlClient c, NewJob job, Instant now) {
    return insert(c, INSERT_JOB, job, null, now);
  }

  /**
   * Stores the job of a schedule's fire time on connection {@code c} (inside the schedule's transaction); null when
   * that fire time has its job already.
   */
  Future<TransitionResult> insertScheduled(SqlConnection c, NewJob job, String scheduleKey, Instant now) {
    return insert(c, INSERT_SCHEDULED, job, scheduleKey, now);
  }

  private static Future<TransitionResult> insert(io.vertx.sqlclient.SqlClient client, String sql, NewJob job, String scheduleKey, Instant now) {
    JsonObject data = firstEvent(job, scheduleKey, now);
    return client.preparedQuery(sql).execute(insertTuple(job, scheduleKey, data, now)).map(rows -> inserted(rows, job, data));
  }

  /**
   * Stores several jobs in one transaction, each with its first event: all of them, or (the transaction failing) none.
   * The statements go out together (one round trip), in the order given; the answer keeps that order.
   */
  public Future<List<TransitionResult>> insertAll(List<NewJob> jobs, Instant now) {
    if (jobs.isEmpty()) return Future.succeededFuture(List.of());
    List<JsonObject> data = new ArrayList<>();
    List<Tuple> tuples = new ArrayList<>();
    for (NewJob j : jobs) {
      JsonObject d = firstEvent(j, null, now);
      data.add(d);
      tuples.add(insertTuple(j, null, d, now));
    }
    return pool.withTransaction(c -> c.preparedQuery(INSERT_JOB).executeBatch(tuples).map(first -> {
      List<TransitionResult> out = new ArrayList<>(jobs.size());
      RowSet<Row> rows = first;
      for (int i = 0; i < jobs.size(); i++, rows = rows.next()) out.add(inserted(rows, jobs.get(i), data.get(i)));
      return out;
    }));
  }

  private static JsonObject firstEvent(NewJob job, String scheduleKey, Instant now) {
    JsonObject data = new JsonObject().put("from", null).put("to", job.initialState(now).name()).put("robot", job.robot());
    if (job.rerunOf() != null) data.put("rerunOf", job.rerunOf().toString());
    if (scheduleKey != null) data.put("schedule", scheduleKey);
    return data;
  }

  private static Tuple insertTuple(NewJob job, String scheduleKey, JsonObject data, Instant now) {
    return Tuple.from(new Object[] {job.id(), job.robot(), job.initialState(now).name(), job.priority(), job.maxAttempts(), job.workflow(), job.input(),
        job.request(), job.requires().toArray(new String[0]), JobRecord.odt(job.runAt()), JobRecord.odt(now), job.rerunOf(), data, scheduleKey,
        job.approval()});
  }

  private static TransitionResult inserted(RowSet<Row> rows, NewJob job, JsonObject data) {
    if (!rows.iterator().hasNext()) return null;
    Row r = rows.iterator().next();
    JobRecord rec = JobRecord.from(r);
    return new TransitionResult(rec, List.of(new JobEvent(r.getLong("seq"), job.id(), 0, JobEvent.JOB_STATE, rec.createdAt, data)));
  }


  /** Jobs waiting for an approval whose deadline has passed (at most {@code limit}). */
  public Future<List<UUID>> approvalsExpired(Instant now, int limit) {
    return pool.preparedQuery("SELECT id FROM jobs WHERE state = 'WAITING_APPROVAL' AND (approval->>'deadline')::timestamptz <= $1"
        + " ORDER BY created_at LIMIT $2").execute(Tuple.of(JobRecord.odt(now), limit)).map(rows -> {
          List<UUID> ids = new ArrayList<>();
          for (Row r : rows) ids.add(r.getUUID("id"));
          return ids;
        });
  }

  /** Moves PENDING and RETRY_WAIT jobs whose time has come to QUEUED. */
  public Future<List<JobEvent>> promoteDue(Instant now, int limit) {
    return pool.preparedQuery(PROMOTE_DUE).execute(Tuple.of(JobRecord.odt(now), limit)).map(JobStore::events);
  }

  /** Claims up to {@code limit} due jobs that need only the given capabilities, best priority first; each gets a new attempt number. */
  public Future<List<Claim>> claim(int limit, List<String> capabilities, Instant now) {
    return claim(limit, capabilities, null, now);
  }

  /** As {@link #claim(int, List, Instant)}, only jobs that require {@code needs} when it is set. */
  public Future<List<Claim>> claim(int limit, List<String> capabilities, String needs, Instant now) {
    return pool.preparedQuery(ClaimQuery.CLAIM).execute(Tuple.of(capabilities.toArray(new String[0]), limit, JobRecord.odt(now), needs))
        .map(rows -> {
          List<Claim> out = new ArrayList<>();
          for (Row r : rows) out.add(new Claim(JobRecord.from(r), JobEvent.from(r)));
          return out;
        });
  }

  public record Claim(JobRecord job, JobEvent event) {}







  /** The job's artifacts, without their bytes. */
  public Future<JsonArray> artifacts(UUID id) {
    return pool.preparedQuery(ARTIFACT_LIST).execute(Tuple.of(id)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("name", r.getString("name")).put("attempt", r.getInteger("attempt")).put("step", r.getString("step"))
            .put("contentType", r.getString("content_type")).put("size", r.getInteger("size"))
            .put("createdAt", JobRecord.str(JobRecord.instant(r, "created_at"))));
      }
      return out;
    });
  }

  /** One artifact's content type and bytes; fails with ARTIFACT_NOT_FOUND. */
  public Future<Map.Entry<String, io.vertx.core.buffer.Buffer>> artifact(UUID id, String name) {
    return pool.preparedQuery(ARTIFACT_GET).execute(Tuple.of(id, name)).map(rows -> {
      if (rows.size() == 0) throw new RoboGridException(ErrorCode.ARTIFACT_NOT_FOUND, "job " + id + " has no artifact '" + name + "'");
      Row r = rows.iterator().next();
      return Map.entry(r.getString("content_type"), r.getBuffer("data"));
    });
  }




  /** Live attempts that gave no sign of life since {@code cutoff}. */
  public Future<Map<UUID, Integer>> staleAttempts(Instant cutoff) {
    return pool.preparedQuery(STALE_ATTEMPTS).execute(Tuple.of(JobRecord.odt(cutoff))).map(JobStore::idAttempts);
  }

  /** Live attempts held by {@code node}. */
  public Future<Map<UUID, Integer>> attemptsOn(String node) {
    return pool.preparedQuery(ATTEMPTS_ON_NODE).execute(Tuple.of(node)).map(JobStore::idAttempts);
  }

  private static Map<UUID, Integer> idAttempts(RowSet<Row> rows) {
    Map<UUID, Integer> out = new java.util.LinkedHashMap<>();
    for (Row r : rows) out.put(r.getUUID(0), r.getInteger(1));
    return out;
  }

  /** When the next PENDING or RETRY_WAIT job becomes due, or null. */
  public Future<Instant> nextDueAt() {
    return pool.query(NEXT_DUE).execute().map(rows -> JobRecord.instant(rows.iterator().next(), "min"));
  }

  /**
   * Locks the job, asks {@code decide} what to do with it, and writes that with a {@code job.state} event in one transaction.
   * {@code decide} returns null to leave the job as it is. With {@code expectedAttempt} set, a job on another attempt
   * fails with STALE_ATTEMPT: this is the fence against late results from an attempt that was given up on.
   */
  public Future<TransitionResult> transition(UUID id, Integer expectedAttempt, Instant now, Function<JobRecord, Change> decide) {
    return pool.withTransaction(c -> transition(c, id, expectedAttempt, now, decide));
  }

  /** {@link #transition(UUID, Integer, Instant, Function)} on {@code c}, inside a transaction its caller owns ({@link GroupCommit}). */
  public static Future<TransitionResult> transition(SqlConnection c, UUID id, Integer expectedAttempt, Instant now, Function<JobRecord, Change> decide) {
    return c.preparedQuery(LOCK_JOB).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) return Future.failedFuture(new RoboGridException(ErrorCode.JOB_NOT_FOUND, "no job " + id));
      JobRecord current = JobRecord.from(rows.iterator().next());
      if (expectedAttempt != null && current.attempt != expectedAttempt) {
        return Future.failedFuture(new RoboGridException(ErrorCode.STALE_ATTEMPT,
            "attempt " + expectedAttempt + " of job " + id + " is stale (the job is on attempt " + current.attempt + ")"));
      }
      Change change = decide.apply(current.copy());
      if (change == null) return Future.succeededFuture(new TransitionResult(current, List.of()));
      JobRecord next = change.next();
      if (next.state != current.state) JobState.requireMove(current.state, next.state);
      JsonObject data = new JsonObject().put("from", current.state.name()).put("to", next.state.name());
      if (change.eventData() != null) data.mergeIn(change.eventData());
      // issued together, so the client pipelines them on this connection: one round trip instead of three or four
      Future<Void> job = write(c, next);
      Future<?> attempt = change.attemptState() == null ? Future.succeededFuture()
          : c.preparedQuery(WRITE_ATTEMPT).execute(Tuple.from(new Object[] {id, current.attempt, change.attemptState(), next.node,
              JobRecord.odt(now), next.state.isActive() ? null : JobRecord.odt(now), change.attemptError()}));
      Future<JobEvent> event = event(c, id, current.attempt, change.eventType(), now, data);
      Future<?> notify = next.state == JobState.QUEUED || next.state == JobState.RETRY_WAIT ? c.query(NOTIFY).execute() : Future.succeededFuture();
      Future<List<JobEvent>> released = current.state.isActive() && !next.state.isActive()
          ? c.preparedQuery(LEASES_RELEASED).execute(Tuple.of(id, current.attempt, JobRecord.odt(now),
              change.attemptState() == null ? next.state.name() : change.attemptState())).map(JobStore::events)
          : Future.succeededFuture(List.of());
      return Future.all(job, attempt, event, notify, released).map(v -> {
        List<JobEvent> events = new ArrayList<>();
        events.add(event.result());
        events.addAll(released.result());
        return new TransitionResult(next, List.copyOf(events));
      });
    });
  }

  private static Future<Void> write(SqlConnection c, JobRecord j) {
    return c.preparedQuery(WRITE_PROGRESS).execute(Tuple.from(new Object[] {j.id, j.state.name(), j.attempt, j.failures, JobRecord.odt(j.runAt),
        JobRecord.odt(j.startedAt), JobRecord.odt(j.finishedAt), j.node, JobRecord.odt(j.heartbeatAt), j.cancelRequested, j.error, j.result,
        j.metrics, j.review, j.approval, j.lostAttempts, j.pause, j.carried,
        j.state == io.robogrid.core.JobState.RUNNING ? j.blocked : null})).mapEmpty(); // blocked: only ever on a RUNNING job
  }

  static Future<JobEvent> event(SqlClient c, UUID job, Integer attempt, String type, Instant at, JsonObject data) {
    return c.preparedQuery(INSERT_EVENT).execute(Tuple.of(job, attempt, type, JobRecord.odt(at), data)).map(rows -> JobEvent.from(rows.iterator().next()));
  }

  // ---- reads

  public Future<JobRecord> find(UUID id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) throw new RoboGridException(ErrorCode.JOB_NOT_FOUND, "no job " + id);
      return JobRecord.from(rows.iterator().next());
    });
  }

  /** The job with its steps: every step of its workflow, with what the current attempt did of it. */
  public Future<JsonObject> findWithSteps(UUID id) {
    return find(id).compose(job -> pool.preparedQuery(STEPS).execute(Tuple.of(id, job.attempt,
        job.carried == null ? new String[0] : job.carried.fieldNames().toArray(String[]::new))).map(rows -> {
      JsonObject done = new JsonObject();
      for (Row r : rows) {
        JsonObject s = new JsonObject().put("state", r.getString("state")).put("attempts", r.getInteger("tries"))
            .put("startedAt", JobRecord.str(JobRecord.instant(r, "started_at")))
            .put("finishedAt", JobRecord.str(JobRecord.instant(r, "finished_at")));
        Instant st = JobRecord.instant(r, "started_at"), fin = JobRecord.instant(r, "finished_at");
        if (st != null && fin != null) s.put("durationMs", fin.toEpochMilli() - st.toEpochMilli());
        if (r.getValue("output") != null) s.put("output", r.getValue("output"));
        if (r.getValue("error") != null) s.put("error", r.getValue("error"));
        if (r.getInteger("attempt") != job.attempt) s.put("carriedFrom", r.getInteger("attempt")); // done before a pause
        done.put(r.getString("step_id"), s);
      }
      JsonObject steps = new JsonObject();
      JsonArray declared = job.workflow.getJsonArray("steps", new JsonArray());
      for (int i = 0; i < declared.size(); i++) {
        JsonObject spec = declared.getJsonObject(i);
        String sid = spec.getString("id");
        JsonObject s = done.getJsonObject(sid, new JsonObject().put("state", "PENDING").put("attempts", 0));
        steps.put(sid, s.put("type", spec.getString("type")).put("needs", spec.getJsonArray("needs", new JsonArray())));
      }
      return job.toJson().put("steps", steps);
    }));
  }

  public Future<List<JobRecord>> list(JobQuery q) {
    return pool.preparedQuery(LIST).execute(Tuple.from(new Object[] {q.state() == null ? null : q.state().name(), q.robot(),
        JobRecord.odt(q.beforeCreatedAt()), q.beforeId(), q.limit(), q.reviewOpen(), q.blocked()})).map(rows -> {
          List<JobRecord> out = new ArrayList<>();
          for (Row r : rows) out.add(JobRecord.from(r));
          return out;
        });
  }

  /** Events after {@code afterSeq}, oldest first; only the given job's when {@code job} is set. */
  public Future<List<JobEvent>> events(long afterSeq, UUID job, int limit) {
    return pool.preparedQuery(EVENTS).execute(Tuple.of(afterSeq, job, limit)).map(JobStore::events);
  }


  static List<JobEvent> events(RowSet<Row> rows) {
    List<JobEvent> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(JobEvent.from(r));
    return out;
  }
}
