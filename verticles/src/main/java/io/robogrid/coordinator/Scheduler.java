package io.robogrid.coordinator;

import io.robogrid.jobs.JobEvents;
import io.robogrid.jobs.Submissions;
import io.robogrid.robots.Robot;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.robots.Schedule;
import io.robogrid.store.JobStore;
import io.robogrid.store.NewJob;
import io.robogrid.store.ScheduleStore;
import io.robogrid.store.TransitionResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires robot schedules. Every coordinator runs one; a fire time gets exactly one job because each schedule is fired
 * under its row lock and each job carries a unique key (robot and fire time), not because one coordinator leads.
 * <p>
 * A fire time found due within {@link #ON_TIME} of its time is on time and always gets its job; older ones were
 * missed (no coordinator was running) and are handled per the schedule's {@code catchUp}: none, the latest, or all
 * (the latest {@link Schedule#MAX_CATCH_UP}).
 */
final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  static final Duration ON_TIME = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final ScheduleStore schedules;
  private final JobStore jobs;
  private final Supplier<RobotCatalog> robots;
  private final Submissions submissions;
  private final Clock clock;
  private RobotCatalog registered;
  private boolean running;

  Scheduler(Vertx vertx, ScheduleStore schedules, JobStore jobs, Supplier<RobotCatalog> robots, Submissions submissions, Clock clock) {
    this.vertx = vertx;
    this.schedules = schedules;
    this.jobs = jobs;
    this.robots = robots;
    this.submissions = submissions;
    this.clock = clock;
  }

  /** One pass: registers new or changed schedules, then fires those due. Never fails; a pass still running is not doubled. */
  Future<Integer> tick() {
    if (running) return Future.succeededFuture(0);
    running = true;
    Instant now = clock.instant();
    RobotCatalog catalog = robots.get();
    Future<Void> registeredNow = catalog == registered ? Future.succeededFuture() : register(catalog, now);
    return registeredNow.compose(v -> schedules.all()).compose(states -> fireDue(catalog, states, now))
        .onFailure(e -> log.warn("firing schedules: {}", e.getMessage()))
        .otherwise(0)
        .andThen(ar -> running = false);
  }

  private Future<Void> register(RobotCatalog catalog, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (Robot r : catalog.all()) {
      if (r.schedule() == null) continue;
      chain = chain.compose(v -> schedules.register(r.name(), r.schedule().cron(), r.schedule().zone().getId(), now));
    }
    return chain.onSuccess(v -> registered = catalog);
  }

  private Future<Integer> fireDue(RobotCatalog catalog, Map<String, ScheduleStore.State> states, Instant now) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (ScheduleStore.State st : states.values()) {
      Robot robot = catalog.get(st.robot());
      Schedule s = robot == null ? null : robot.schedule();
      if (!firesHere(s, st)) continue;
      Instant next = s.nextAfter(st.lastFire());
      if (next == null || next.isAfter(now)) continue;
      chain = chain.compose(n -> schedules.fire(robot.name(), now, locked -> plan(robot, locked, now), jobs).map(created -> {
        if (!created.isEmpty()) {
          for (TransitionResult t : created) JobEvents.publish(vertx.eventBus(), t);
        }
        return n + created.size();
      }));
    }
    return chain;
  }

  /**
   * Whether this coordinator fires {@code state}: not paused, and its robot has that very schedule here. A robot that
   * lost its schedule, or a node whose config is older, leaves it to the coordinators that know it as it is.
   */
  private static boolean firesHere(Schedule s, ScheduleStore.State state) {
    return s != null && !state.paused() && s.cron().equals(state.cron()) && s.zone().getId().equals(state.timezone());
  }

  /** Which fire times since the schedule's last one get a job now; null when none is due. */
  ScheduleStore.Plan plan(Robot robot, ScheduleStore.State state, Instant now) {
    Schedule s = robot.schedule();
    if (!firesHere(s, state)) return null; // read again under the row lock: it may have been paused or changed meanwhile
    Instant last = s.lastAtOrBefore(now);
    if (last == null || !last.isAfter(state.lastFire())) return null;
    Instant cut = now.minus(ON_TIME);
    // on time: every fire time of the last minute not dealt with yet (a tick that came late runs them all)
    List<Instant> chosen = new ArrayList<>();
    Instant missedLatest = s.lastAtOrBefore(cut.minusNanos(1));
    if (missedLatest != null && missedLatest.isAfter(state.lastFire())) {
      // missed: walked back from the newest, so that a schedule down for long costs at most MAX_CATCH_UP steps
      List<Instant> missed = new ArrayList<>();
      int limit = switch (s.catchUp()) {
        case NONE -> 0;
        case LAST -> 1;
        case ALL -> Schedule.MAX_CATCH_UP;
      };
      for (Instant t = missedLatest; t != null && t.isAfter(state.lastFire()) && missed.size() < limit; t = s.lastAtOrBefore(t.minusNanos(1))) {
        missed.add(0, t);
      }
      log.info("schedule of {}: fire times missed since {} while no coordinator ran; catchUp {} runs {} of them", robot.name(),
          state.lastFire(), s.catchUp().name().toLowerCase(java.util.Locale.ROOT), missed.size());
      chosen.addAll(missed);
    }
    Instant onTimeAfter = state.lastFire().isAfter(cut.minusNanos(1)) ? state.lastFire() : cut.minusNanos(1);
    chosen.addAll(s.firesBetween(onTimeAfter, now, Schedule.MAX_CATCH_UP));
    List<ScheduleStore.Fire> fires = new ArrayList<>();
    for (Instant t : chosen) {
      NewJob job = submissions.accept(new JsonObject().put("robot", robot.name()), null);
      fires.add(new ScheduleStore.Fire(job, robot.name() + "@" + t));
    }
    return new ScheduleStore.Plan(fires, last);
  }
}
