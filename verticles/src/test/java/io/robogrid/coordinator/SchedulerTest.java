package io.robogrid.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.jobs.Submissions;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.store.JobStore;
import io.robogrid.store.ScheduleStore;
import io.robogrid.testing.Await;
import io.robogrid.testing.MutableClock;
import io.robogrid.testing.TestDatabase;
import io.robogrid.workflow.StepCatalog;
import io.robogrid.workflow.WorkflowParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robot schedules fired by the coordinators' schedulers against a real PostgreSQL, with a clock the test moves: fire
 * times missed while no coordinator ran are handled per {@code catchUp}, two coordinators firing at once create one
 * job per fire time, and a paused schedule creates none and does not catch up its pause.
 */
@ExtendWith(VertxExtension.class)
class SchedulerTest {
  /** 12:00:30 UTC: every-minute fire times fall on whole minutes, 30 s away from the clock's ticks. */
  private static final Instant T0 = Instant.parse("2030-01-07T12:00:30Z");

  @TempDir
  Path conf;

  private RobotCatalog robots(String catchUp, String cron) throws Exception {
    Files.writeString(conf.resolve("robots.json"), """
        {"robots": [{"name": "report", "schedule": {"cron": "%s", "timezone": "Europe/Berlin", "catchUp": "%s"},
          "steps": [{"id": "s", "type": "set", "with": {}}]}]}""".formatted(cron, catchUp));
    return RobotCatalog.load(conf, StepCatalog.builtIn());
  }

  private static Scheduler scheduler(Vertx vertx, Pool pool, RobotCatalog robots, MutableClock clock) {
    return new Scheduler(vertx, new ScheduleStore(pool), new JobStore(pool), () -> robots,
        new Submissions(() -> robots, new WorkflowParser(StepCatalog.builtIn()), clock), clock);
  }

  /** The fire times that got a job, from the jobs' schedule keys. */
  private static List<Instant> fired(Pool pool) {
    List<Instant> out = new ArrayList<>();
    for (Row r : Await.result(pool.query("SELECT schedule_key FROM jobs WHERE robot = 'report' ORDER BY schedule_key").execute())) {
      out.add(Instant.parse(r.getString(0).substring("report@".length())));
    }
    return out;
  }

  private static Instant minute(int m) {
    return Instant.parse("2030-01-07T12:00:00Z").plus(Duration.ofMinutes(m));
  }

  /** Registered at T0, then no coordinator runs for ten minutes: fire times 12:01 to 12:09 are missed, 12:10 is on time. */
  private List<Instant> afterTenMinutesDown(Vertx vertx, String catchUp) throws Exception {
    Pool pool = TestDatabase.newMigratedPool(vertx);
    MutableClock clock = new MutableClock(T0);
    Scheduler s = scheduler(vertx, pool, robots(catchUp, "* * * * *"), clock);
    assertEquals(0, Await.result(s.tick()), "a new schedule does not fire what came before it");
    clock.advance(Duration.ofMinutes(10));
    Await.result(s.tick());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, Await.result(s.tick()), "nothing is fired twice");
    return fired(pool);
  }

  @Test
  void missedFireTimesAreSkippedCaughtUpOnceOrAllPerCatchUp(Vertx vertx) throws Exception {
    assertEquals(List.of(minute(10)), afterTenMinutesDown(vertx, "none"), "none: only the fire time that is due now");
    assertEquals(List.of(minute(9), minute(10)), afterTenMinutesDown(vertx, "last"), "last: the latest missed one, and the one due now");
    List<Instant> all = new ArrayList<>();
    for (int m = 1; m <= 10; m++) all.add(minute(m));
    assertEquals(all, afterTenMinutesDown(vertx, "all"), "all: every missed one, oldest first, and the one due now");
  }

  @Test
  void twoCoordinatorsFiringTogetherCreateOneJobPerFireTime(Vertx vertx) throws Exception {
    Pool pool = TestDatabase.newMigratedPool(vertx);
    MutableClock clock = new MutableClock(T0);
    RobotCatalog robots = robots("all", "*/5 * * * * *"); // six fields: every five seconds
    Scheduler a = scheduler(vertx, pool, robots, clock), b = scheduler(vertx, pool, robots, clock);
    Await.result(Future.all(a.tick(), b.tick()));
    int created = 0;
    for (int i = 0; i < 30; i++) { // 30 s in 1 s steps, both ticking at once every time
      clock.advance(Duration.ofSeconds(1));
      created += Await.result(Future.all(a.tick(), b.tick()).map(f -> (Integer) f.resultAt(0) + (Integer) f.resultAt(1)));
    }
    List<Instant> fired = fired(pool);
    assertEquals(6, fired.size(), "12:00:35, :40, :45, :50, :55 and 12:01:00: " + fired);
    assertEquals(6, created);
    for (int i = 0; i < fired.size(); i++) assertEquals(T0.plusSeconds(5L * (i + 1)), fired.get(i));
  }

  @Test
  void aPausedScheduleFiresNothingAndDoesNotCatchUpItsPause(Vertx vertx) throws Exception {
    Pool pool = TestDatabase.newMigratedPool(vertx);
    MutableClock clock = new MutableClock(T0);
    Scheduler s = scheduler(vertx, pool, robots("all", "* * * * *"), clock);
    ScheduleStore store = new ScheduleStore(pool);
    Await.result(s.tick());
    assertTrue(Await.result(store.setPaused("report", true, clock.instant())));
    clock.advance(Duration.ofMinutes(5));
    assertEquals(0, Await.result(s.tick()));
    assertTrue(Await.result(store.setPaused("report", false, clock.instant())));
    assertEquals(0, Await.result(s.tick()), "resumed at 12:05:30: 12:01 to 12:05 were paused, not missed");
    clock.advance(Duration.ofSeconds(45));
    assertEquals(1, Await.result(s.tick()));
    assertEquals(List.of(minute(6)), fired(pool));
  }

  @Test
  void aChangedCronStartsFromNow(Vertx vertx) throws Exception {
    Pool pool = TestDatabase.newMigratedPool(vertx);
    MutableClock clock = new MutableClock(T0);
    Await.result(scheduler(vertx, pool, robots("all", "0 0 1 1 *"), clock).tick()); // once a year
    clock.advance(Duration.ofMinutes(3));
    Scheduler reloaded = scheduler(vertx, pool, robots("all", "* * * * *"), clock);
    assertEquals(0, Await.result(reloaded.tick()), "the new cron's fire times before the change are not missed ones");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, Await.result(reloaded.tick()));
    assertEquals(List.of(minute(4)), fired(pool));
  }
}
