package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where each robot schedule stands, in PostgreSQL: the last fire time dealt with, and whether it is paused. Any number
 * of coordinators fire schedules: the row lock lets one at a time handle a schedule, and a job's unique
 * {@code schedule_key} (robot and fire time) makes a second job for one fire time impossible.
 */
public final class ScheduleStore {
  private static final String REGISTER = "INSERT INTO schedules (robot, cron, timezone, last_fire, updated_at) VALUES ($1, $2, $3, $4, $4)"
      + " ON CONFLICT (robot) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone, last_fire = excluded.last_fire,"
      + "   updated_at = excluded.updated_at"
      + " WHERE schedules.cron <> excluded.cron OR schedules.timezone <> excluded.timezone";
  private static final String ALL = "SELECT robot, cron, timezone, last_fire, paused FROM schedules";
  private static final String LOCK = "SELECT robot, cron, timezone, last_fire, paused FROM schedules WHERE robot = $1 FOR UPDATE SKIP LOCKED";
  private static final String ADVANCE = "UPDATE schedules SET last_fire = $2, updated_at = $3 WHERE robot = $1";
  private static final String PAUSE = "UPDATE schedules SET paused = $2, updated_at = $3,"
      + " last_fire = CASE WHEN $2 THEN last_fire ELSE greatest(last_fire, $3) END WHERE robot = $1 RETURNING robot";

  private final Pool pool;

  public ScheduleStore(Pool pool) {
    this.pool = pool;
  }

  /** Where one schedule stands. */
  public record State(String robot, String cron, String timezone, Instant lastFire, boolean paused) {}

  /** One job to create for a fire time, under its unique key. */
  public record Fire(NewJob job, String key) {}

  /** What a coordinator does with a due schedule: the jobs to create, and the fire time the schedule has now dealt with. */
  public record Plan(List<Fire> fires, Instant lastFire) {}

  /**
   * Gives a schedule its row. A new one starts from {@code now} (what fired before it existed is not caught up), and
   * so does one whose cron or time zone changed; one already there is left as it is.
   */
  public Future<Void> register(String robot, String cron, String timezone, Instant now) {
    return pool.preparedQuery(REGISTER).execute(Tuple.of(robot, cron, timezone, JobRecord.odt(now))).mapEmpty();
  }

  public Future<Map<String, State>> all() {
    return pool.query(ALL).execute().map(rows -> {
      Map<String, State> out = new LinkedHashMap<>();
      for (Row r : rows) out.put(r.getString("robot"), state(r));
      return out;
    });
  }

  /**
   * Fires one schedule: under its row lock, {@code plan} decides from where it stands, its jobs are created (a fire
   * time that has its job already is skipped) and its last fire time advanced, in one transaction. Answers the jobs
   * created, or none when another coordinator holds the schedule right now (it is doing the same).
   */
  public Future<List<TransitionResult>> fire(String robot, Instant now, Function<State, Plan> plan, JobStore jobs) {
    return pool.withTransaction(c -> c.preparedQuery(LOCK).execute(Tuple.of(robot)).compose(rows -> {
      if (!rows.iterator().hasNext()) return Future.succeededFuture(List.<TransitionResult>of());
      State state = state(rows.iterator().next());
      Plan p = plan.apply(state);
      if (p == null) return Future.succeededFuture(List.<TransitionResult>of());
      List<TransitionResult> created = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Fire f : p.fires()) {
        chain = chain.compose(v -> jobs.insertScheduled(c, f.job(), f.key(), now).map(r -> {
          if (r != null) created.add(r);
          return null;
        }));
      }
      return chain.compose(v -> c.preparedQuery(ADVANCE).execute(Tuple.of(robot, JobRecord.odt(p.lastFire()), JobRecord.odt(now))))
          .map(v -> created);
    }));
  }

  /** Pauses or resumes a schedule; a resumed one goes on from {@code now} (the paused time is not caught up). False: no such schedule. */
  public Future<Boolean> setPaused(String robot, boolean paused, Instant now) {
    return pool.preparedQuery(PAUSE).execute(Tuple.of(robot, paused, JobRecord.odt(now))).map(rows -> rows.rowCount() > 0);
  }

  private static State state(Row r) {
    return new State(r.getString("robot"), r.getString("cron"), r.getString("timezone"), r.getOffsetDateTime("last_fire").toInstant(),
        r.getBoolean("paused"));
  }
}
