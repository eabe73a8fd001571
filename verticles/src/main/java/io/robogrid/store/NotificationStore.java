package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The notifier's outbox: job events become notifications once (under the shared cursor's lock), due notifications
 * are claimed for sending (skipping those another notifier sends), and each send's fate is recorded.
 */
public final class NotificationStore {
  public static final String PENDING = "PENDING";
  public static final String SENT = "SENT";
  public static final String FAILED = "FAILED";
  public static final String HELD = "HELD";
  private static final int BATCH = 500;
  private static final String COLUMNS = "id, event_seq, job_id, robot, trigger, channel, target, state, tries, next_at, last_error, digest_id, data,"
      + " created_at, sent_at";

  /**
   * Each scan plans SCAN_EVENTS for its own values. A generic plan (PostgreSQL's choice for a prepared statement
   * after five runs) cannot tell the narrow seq range and the recent xids from the whole history, and walked every
   * event since the notifier was installed on every scan: 58 ms a scan at 85,000 events, four scans a second, the
   * database's busiest statement under load. Planning it takes well under a millisecond.
   */
  static final String PLAN_PER_SCAN = "SET LOCAL plan_cache_mode = force_custom_plan";
  /**
   * The events after the last one read ($1, up to the top $2), and those the last scan's snapshot ($3) could not see
   * yet (their transaction was still open then, though their seq may be lower; after the history start $4). Planned
   * for its values (PLAN_PER_SCAN), each half takes its own index (the seq range, the recent xids): a scan reads what is new.
   */
  static final String SCAN_EVENTS = "SELECT e.seq, e.type, e.job_id, e.attempt, e.at, e.data, j.robot FROM events e JOIN jobs j ON j.id = e.job_id"
      + " WHERE e.seq IN (SELECT seq FROM events WHERE seq > $1 AND seq <= $2 UNION SELECT seq FROM events WHERE $3::text IS NOT NULL"
      + " AND xid >= pg_snapshot_xmin($3::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, $3::pg_snapshot) AND seq > $4 AND seq <= $2)"
      + " AND (e.type = 'job.state' AND e.data->>'to' IN ('FAILED', 'SUCCEEDED', 'WAITING_APPROVAL') OR e.type = 'job.blocked')"
      + " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_seq = e.seq) ORDER BY e.seq LIMIT " + BATCH;

  private final Pool pool;

  public NotificationStore(Pool pool) {
    this.pool = pool;
  }

  /** A job event a notification may be about: a job that failed, succeeded, waits for approval ({@code job.state}) or is blocked ({@code job.blocked}). */
  public record Event(long seq, String type, UUID jobId, String robot, int attempt, Instant at, JsonObject data) {}

  /** One notification to make: {@code trigger} ({@code failure}, {@code success}, {@code approval}, {@code blocked}) to a target of a channel. */
  public record Wanted(String trigger, String channel, String target) {}

  /** A notification as stored. */
  public record Notification(long id, Long eventSeq, UUID jobId, String robot, String trigger, String channel, String target, String state,
                             int tries, Instant nextAt, String lastError, Long digestId, JsonObject data, Instant createdAt, Instant sentAt) {
    static Notification of(Row r) {
      return new Notification(r.getLong("id"), r.getLong("event_seq"), r.getUUID("job_id"), r.getString("robot"), r.getString("trigger"),
          r.getString("channel"), r.getString("target"), r.getString("state"), r.getInteger("tries"), JobRecord.instant(r, "next_at"),
          r.getString("last_error"), r.getLong("digest_id"), (JsonObject) r.getValue("data"), JobRecord.instant(r, "created_at"),
          JobRecord.instant(r, "sent_at"));
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("id", id).put("jobId", jobId == null ? null : jobId.toString()).put("robot", robot)
          .put("trigger", trigger).put("channel", channel).put("target", io.robogrid.notifier.NotifyRules.shown(target)).put("state", state).put("tries", tries)
          .put("createdAt", JobRecord.str(createdAt)).put("nextAt", JobRecord.str(nextAt)).put("sentAt", JobRecord.str(sentAt));
      if (lastError != null) j.put("lastError", lastError);
      if (digestId != null) j.put("digestId", digestId);
      return j;
    }
  }

  /**
   * Turns the events after the cursor into notifications, in one transaction under the cursor's lock (so that two
   * notifiers never both do it). A failure notification to a target that already had {@code digestAfter} of them for
   * the robot within {@code window} is held for that target's digest, which goes out {@code window} after it opened.
   *
   * @param wanted the notifications an event calls for (by the robot's rules, or the defaults)
   * @return how many notifications were made
   */
  public Future<Integer> scan(Function<Event, List<Wanted>> wanted, int digestAfter, Duration window, Instant now) {
    return pool.withTransaction(conn -> conn.query(PLAN_PER_SCAN).execute()
        .compose(x -> conn.query("SELECT last_seq, snapshot, since_seq FROM notifier_cursor WHERE id = 1 FOR UPDATE").execute())
        .compose(cur -> conn.query("SELECT pg_current_snapshot()::text AS snap, (SELECT coalesce(max(seq), 0) FROM events) AS top").execute()
            .compose(at -> {
              Row c = cur.iterator().next(), a = at.iterator().next();
              long last = c.getLong("last_seq"), since = c.getLong("since_seq"), top = a.getLong("top");
              String previous = c.getString("snapshot"), snapshot = a.getString("snap");
              return conn.preparedQuery(SCAN_EVENTS)
                  .execute(Tuple.of(last, top, previous, since)).compose(rows -> {
                    List<Event> events = new ArrayList<>();
                    for (Row r : rows) {
                      events.add(new Event(r.getLong("seq"), r.getString("type"), r.getUUID("job_id"), r.getString("robot"),
                          r.getInteger("attempt") == null ? 0 : r.getInteger("attempt"), JobRecord.instant(r, "at"), (JsonObject) r.getValue("data")));
                    }
                    Future<Integer> made = Future.succeededFuture(0);
                    for (Event e : events) {
                      for (Wanted w : wanted.apply(e)) made = made.compose(n -> make(conn, e, w, digestAfter, window, now).map(k -> n + k));
                    }
                    // a full batch leaves the rest for the next scan: the cursor moves only as far as was read, and
                    // keeps the older snapshot, whose unseen events are not all read yet
                    boolean full = events.size() == BATCH;
                    long to = full ? Math.max(last, events.get(events.size() - 1).seq()) : top;
                    return made.compose(n -> conn.preparedQuery("UPDATE notifier_cursor SET last_seq = $1, snapshot = $2 WHERE id = 1")
                        .execute(Tuple.of(to, full ? previous : snapshot)).map(n));
                  });
            })));
  }

  private static Future<Integer> make(SqlConnection conn, Event e, Wanted w, int digestAfter, Duration window, Instant now) {
    JsonObject data = e.data().copy().put("attempt", e.attempt()).put("at", JobRecord.str(e.at()));
    Tuple insert = Tuple.of(e.seq(), e.jobId(), e.robot(), w.trigger(), w.channel(), w.target()).addValue(JobRecord.odt(now)).addValue(data);
    String sql = "INSERT INTO notifications (event_seq, job_id, robot, trigger, channel, target, state, next_at, data, created_at, digest_id)"
        + " VALUES ($1, $2, $3, $4, $5, $6, $9, $7, $8, $7, $10) ON CONFLICT (event_seq, channel, target) DO NOTHING";
    if (!"failure".equals(w.trigger())) return conn.preparedQuery(sql).execute(insert.addValue(PENDING).addValue(null)).map(RowSet::rowCount);
    return conn.preparedQuery("SELECT count(*) AS n FROM notifications WHERE trigger = 'failure' AND robot IS NOT DISTINCT FROM $1"
            + " AND channel = $2 AND target = $3 AND created_at > $4 AND state <> 'HELD'")
        .execute(Tuple.of(e.robot(), w.channel(), w.target(), JobRecord.odt(now.minus(window)))).compose(count -> {
          if (count.iterator().next().getLong("n") < digestAfter) return conn.preparedQuery(sql).execute(insert.addValue(PENDING).addValue(null)).map(RowSet::rowCount);
          return openDigest(conn, e, w, window, now).compose(digest -> conn.preparedQuery(sql).execute(insert.addValue(HELD).addValue(digest)))
              .map(RowSet::rowCount);
        });
  }

  /** The digest still collecting for the robot and target, or a new one sent {@code window} from now. */
  private static Future<Long> openDigest(SqlConnection conn, Event e, Wanted w, Duration window, Instant now) {
    return conn.preparedQuery("SELECT id FROM notifications WHERE trigger = 'digest' AND robot IS NOT DISTINCT FROM $1 AND channel = $2"
            + " AND target = $3 AND state = 'PENDING' AND tries = 0 ORDER BY id DESC LIMIT 1 FOR UPDATE").execute(Tuple.of(e.robot(), w.channel(), w.target()))
        .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture(rows.iterator().next().getLong("id"))
            : conn.preparedQuery("INSERT INTO notifications (robot, trigger, channel, target, state, next_at, data, created_at)"
                    + " VALUES ($1, 'digest', $2, $3, 'PENDING', $4, $5, $6) RETURNING id")
                .execute(Tuple.of(e.robot(), w.channel(), w.target(), JobRecord.odt(now.plus(window)),
                    new JsonObject().put("window", window.toMillis()), JobRecord.odt(now)))
                .map(r -> r.iterator().next().getLong("id")));
  }

  /** Claims up to {@code limit} due notifications until {@code leaseUntil} (one a notifier died sending is due again). */
  public Future<List<Notification>> due(Instant now, Instant leaseUntil, int limit) {
    return pool.preparedQuery("UPDATE notifications SET state = 'SENDING', lease_until = $2 WHERE id IN (SELECT id FROM notifications"
            + " WHERE (state = 'PENDING' OR state = 'SENDING' AND lease_until < $1) AND next_at <= $1 ORDER BY next_at, id LIMIT $3"
            + " FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS)
        .execute(Tuple.of(JobRecord.odt(now), JobRecord.odt(leaseUntil), limit)).map(NotificationStore::all);
  }

  /**
   * Records a send that went out. Like {@link #failed}, fenced by the lease it was sent under: a sender that overran
   * its lease (another notifier may be sending the same notification now) does not overwrite what that one records.
   */
  public Future<Void> sent(long id, Instant lease, Instant now) {
    return pool.preparedQuery("UPDATE notifications SET state = 'SENT', sent_at = $3, tries = tries + 1, lease_until = NULL"
            + " WHERE id = $1 AND state = 'SENDING' AND lease_until = $2")
        .execute(Tuple.of(id, JobRecord.odt(lease), JobRecord.odt(now))).mapEmpty();
  }

  /** Records a failed send: tried again at {@code retryAt}, or given up for good when that is null. */
  public Future<Void> failed(long id, Instant lease, String error, Instant retryAt) {
    return pool.preparedQuery("UPDATE notifications SET state = $3, tries = tries + 1, last_error = $4, next_at = coalesce($5, next_at),"
            + " lease_until = NULL WHERE id = $1 AND state = 'SENDING' AND lease_until = $2")
        .execute(Tuple.of(id, JobRecord.odt(lease), retryAt == null ? FAILED : PENDING, error, JobRecord.odt(retryAt))).mapEmpty();
  }

  /** The failures a digest stands for: {@code {jobId, data}} in order. */
  public Future<List<JsonObject>> digestOf(long digestId) {
    return pool.preparedQuery("SELECT job_id, data FROM notifications WHERE digest_id = $1 ORDER BY id").execute(Tuple.of(digestId)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rows) out.add(new JsonObject().put("jobId", r.getUUID("job_id").toString()).put("data", r.getValue("data")));
      return out;
    });
  }

  /** The newest failure screenshot of a job ({@code name}, bytes), or null. */
  public Future<java.util.Map.Entry<String, Buffer>> failureScreenshot(UUID jobId) {
    return pool.preparedQuery("SELECT name, data FROM artifacts WHERE job_id = $1 AND content_type = 'image/png' AND name LIKE '%failure.png'"
            + " ORDER BY created_at DESC LIMIT 1").execute(Tuple.of(jobId))
        .map(rows -> rows.rowCount() == 0 ? null : java.util.Map.entry(rows.iterator().next().getString("name"), rows.iterator().next().getBuffer("data")));
  }

  /** The newest notifications, of one job when {@code jobId} is set. */
  public Future<JsonArray> list(UUID jobId, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM notifications WHERE $1::uuid IS NULL OR job_id = $1 ORDER BY id DESC LIMIT $2")
        .execute(Tuple.of(jobId, limit)).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) out.add(Notification.of(r).toJson());
          return out;
        });
  }

  private static List<Notification> all(RowSet<Row> rows) {
    List<Notification> out = new ArrayList<>();
    for (Row r : rows) out.add(Notification.of(r));
    return out;
  }
}
