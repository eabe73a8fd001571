package io.robogrid.bench.compare;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler as its README sets it up for high throughput, on a PostgreSQL server the caller started: its own table
 * ({@code scheduled_tasks}, its DDL), a HikariCP pool, the lock-and-fetch polling strategy, and one no-op one-time
 * task. {@link #run} schedules N executions due now and measures, as the RoboGrid side is measured, from the first
 * schedule until the last one is done (its row deleted: db-scheduler removes a one-time execution when it completes).
 */
final class DbSchedulerSide implements AutoCloseable {
  /** Scheduled through the scheduler itself, this many to a {@code scheduleBatch}: as many as RoboGrid's jobs:batch requests carry. */
  static final int PER_BATCH = 500;
  private static final String TASK = "noop";

  /**
   * Threads, lock-and-fetch's lower and upper limits (fractions of the threads), the pool's size. The default is the
   * configuration of db-scheduler's own benchmark table (20 threads, 4.0 / 20.0), the one behind its 10,600
   * executions/s, and the fastest of the documented ones on this machine; its docs give no pool size, so the pool is
   * the threads plus five, so that it never holds a thread up.
   */
  record Settings(int threads, double lower, double upper, int poolSize) {
    static Settings of(int threads, double lower, double upper) {
      if (threads < 1 || lower <= 0 || upper < lower) throw new IllegalArgumentException("db-scheduler: want threads >= 1 and 0 < lower <= upper");
      return new Settings(threads, lower, upper, threads + 5);
    }

    static Settings benchmarkRow() {
      return of(20, 4.0, 20.0);
    }

    String describe() {
      return String.format("lock-and-fetch (%.1f, %.1f), %d threads, HikariCP pool of %d, immediate execution on", lower, upper, threads, poolSize);
    }
  }

  /** One run: how many were scheduled, how long from the first schedule to the last done, how long the scheduling took. */
  record Result(int executions, double seconds, double scheduleSeconds, double firstExecutionMs) {
    double rate() {
      return executions / seconds;
    }
  }

  private final HikariDataSource pool;
  private final Scheduler scheduler;
  private final OneTimeTask<Void> noop;
  private final AtomicLong executed = new AtomicLong();
  private final AtomicLong firstExecution = new AtomicLong();

  private DbSchedulerSide(HikariDataSource pool, Settings settings) {
    this.pool = pool;
    this.noop = Tasks.oneTime(TASK).execute((instance, context) -> {
      firstExecution.compareAndSet(0, System.nanoTime());
      executed.incrementAndGet();
    });
    this.scheduler = Scheduler.create(pool, noop)
        .threads(settings.threads())
        .pollUsingLockAndFetch(settings.lower(), settings.upper())
        // as RoboGrid wakes its claim loop on a submit: a schedule through this scheduler asks it to look at once
        .enableImmediateExecution()
        .build();
  }

  /** Creates db-scheduler's table (if missing) on {@code jdbcUrl} and starts a scheduler there. */
  static DbSchedulerSide start(String jdbcUrl, Settings settings) throws IOException, SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(settings.poolSize());
    config.setPoolName("db-scheduler");
    HikariDataSource pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement(); InputStream ddl = DbSchedulerSide.class.getResourceAsStream("/db-scheduler/postgresql_tables.sql")) {
      s.execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    DbSchedulerSide side = new DbSchedulerSide(pool, settings);
    side.scheduler.start();
    return side;
  }

  /** Schedules {@code executions} no-op executions due now (ids {@code prefix}0…) and waits until all are done. */
  Result run(int executions, String prefix, Duration within) throws Exception {
    long target = executed.get() + executions;
    firstExecution.set(0);
    long t0 = System.nanoTime();
    List<TaskInstance<?>> batch = new ArrayList<>(PER_BATCH);
    for (int i = 0; i < executions; i++) {
      batch.add(noop.instance(prefix + i));
      if (batch.size() == PER_BATCH || i == executions - 1) {
        scheduler.scheduleBatch(batch, Instant.now());
        batch = new ArrayList<>(PER_BATCH);
      }
    }
    long scheduled = System.nanoTime();
    long deadline = t0 + within.toNanos();
    // the handlers first (no queries while it works), then the deletes that end each execution
    while (executed.get() < target) pause(deadline, "executed " + (executed.get() - target + executions) + " of " + executions);
    long left;
    while ((left = remaining()) > 0) pause(deadline, left + " executions still in scheduled_tasks");
    long end = System.nanoTime();
    return new Result(executions, (end - t0) / 1e9, (scheduled - t0) / 1e9, (firstExecution.get() - t0) / 1e6);
  }

  /** Executions of the no-op task still in the table (scheduled, picked or running). */
  long remaining() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from scheduled_tasks where task_name = '" + TASK + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Handler calls so far (an execution counts once: db-scheduler picks each row for one scheduler). */
  long executed() {
    return executed.get();
  }

  private static void pause(long deadline, String state) throws InterruptedException {
    if (System.nanoTime() > deadline) throw new IllegalStateException("db-scheduler did not finish in time: " + state);
    Thread.sleep(2);
  }

  @Override
  public void close() {
    try {
      scheduler.stop();
    } finally {
      pool.close();
    }
  }
}
