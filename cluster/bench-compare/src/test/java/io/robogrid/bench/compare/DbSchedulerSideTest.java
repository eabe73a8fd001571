package io.robogrid.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The db-scheduler side of {@code scripts/bench compare} on a real server (the node's embedded PostgreSQL, as the bench
 * starts it): every execution scheduled runs once and leaves the table, and the run's figures come from that. No
 * timing is asserted: the rates are the benchmark's business.
 */
class DbSchedulerSideTest {
  @TempDir
  static Path dir;
  private static SharedPostgres postgres;

  @BeforeAll
  static void server() throws Exception {
    postgres = SharedPostgres.start(dir.resolve("postgres"), 0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) postgres.close();
  }

  @Test
  void everyScheduledExecutionRunsOnceAndLeavesTheTable() throws Exception {
    // a batch size that does not divide the count: the last, partial scheduleBatch must go out too
    int n = DbSchedulerSide.PER_BATCH * 2 + 37;
    SharedPostgres.Counters before = postgres.counters();
    try (DbSchedulerSide side = DbSchedulerSide.start(postgres.jdbcUrl(), DbSchedulerSide.Settings.of(4, 1.0, 4.0))) {
      DbSchedulerSide.Result r = side.run(n, "t-", Duration.ofMinutes(2));
      assertEquals(n, r.executions());
      assertEquals(0, side.remaining());
      assertTrue(r.seconds() >= r.scheduleSeconds() && r.firstExecutionMs() >= 0, r.toString());
      Thread.sleep(300); // a second pick of a row already done would show here
      assertEquals(n, side.executed());

      DbSchedulerSide.Result again = side.run(100, "u-", Duration.ofMinutes(1));
      assertEquals(100, again.executions());
      assertEquals(n + 100, side.executed());
    }
    // each execution committed at least its own delete
    assertTrue(postgres.counters().minus(before).xids() >= n, "write transactions");
  }

  @Test
  void theServerCommitsDurably() throws Exception {
    String d = postgres.describe();
    assertTrue(d.contains("fsync=on") && d.contains("synchronous_commit=on") && d.contains("full_page_writes=on"), d);
  }

  @Test
  void settingsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> DbSchedulerSide.Settings.of(0, 1.0, 4.0));
    assertThrows(IllegalArgumentException.class, () -> DbSchedulerSide.Settings.of(20, 4.0, 1.0));
    assertEquals(25, DbSchedulerSide.Settings.benchmarkRow().poolSize());
  }
}
