package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.jobs.JobLifecycle;
import io.robogrid.testing.Await;
import io.robogrid.testing.MutableClock;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention against a real PostgreSQL: finished jobs older than the period go with everything they left (events,
 * artifacts, attempts, sent notifications), in batches of the size asked for; recent, unfinished and still-to-be-sent
 * work stays.
 */
@ExtendWith(VertxExtension.class)
class RetentionStoreTest {
  private static final Instant LONG_AGO = Instant.parse("2030-01-01T10:00:00Z");
  private static final Instant NOW = LONG_AGO.plus(Duration.ofDays(40));
  private final MutableClock clock = new MutableClock(LONG_AGO);
  private final JobLifecycle lifecycle = new JobLifecycle(new Random(7));
  private Pool pool;
  private JobStore store;
  private RetentionStore retention;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.newMigratedPool(vertx);
    store = new JobStore(pool);
    retention = new RetentionStore(pool);
  }

  @AfterEach
  void tearDown() {
    Await.result(pool.close());
  }

  private UUID submit() {
    JsonObject workflow = new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("id", "s").put("type", "set")));
    NewJob job = new NewJob(UUID.randomUUID(), "r", workflow, new JsonObject(), new JsonObject().put("robot", "r"), List.of(), 0, 1,
        clock.instant(), null);
    return Await.result(store.insert(job, clock.instant())).job().id;
  }

  /** A job cancelled (so finished) at the clock's time. */
  private UUID finished() {
    UUID id = submit();
    Await.result(store.transition(id, null, clock.instant(), lifecycle.cancel(clock.instant(), "test")));
    return id;
  }

  private long count(String sql, UUID id) {
    return Await.result(pool.preparedQuery(sql).execute(Tuple.of(id))).iterator().next().getLong(0);
  }

  private void notification(UUID job, String state) {
    Await.result(pool.preparedQuery("INSERT INTO notifications (job_id, trigger, channel, target, state, next_at, data, created_at)"
        + " VALUES ($1, 'failure', 'email', 'ops@example.com', $2, $3, '{}', $3)").execute(Tuple.of(job, state, JobRecord.odt(LONG_AGO))));
  }

  @Test
  void finishedJobsPastTheirPeriodGoWithWhatTheyLeftTheRestStays() {
    UUID old = finished();
    Await.result(pool.preparedQuery("INSERT INTO artifacts (job_id, name, attempt, content_type, size, data, created_at)"
        + " VALUES ($1, 'a.png', 0, 'image/png', 1, '\\x00', $2)").execute(Tuple.of(old, JobRecord.odt(LONG_AGO))));
    notification(old, "SENT");
    UUID oldWithMailDue = finished();
    notification(oldWithMailDue, "PENDING");
    UUID oldButQueued = submit();
    clock.set(NOW.minus(Duration.ofDays(2)));
    UUID recent = finished();

    assertEquals(2, Await.result(retention.purge(NOW.minus(Duration.ofDays(30)), 100)));

    for (String table : List.of("jobs WHERE id", "events WHERE job_id", "artifacts WHERE job_id", "notifications WHERE job_id")) {
      assertEquals(0, count("SELECT count(*) FROM " + table + " = $1", old), table + " kept rows of the old job");
    }
    assertEquals(1, count("SELECT count(*) FROM notifications WHERE job_id = $1", oldWithMailDue), "a mail still to send was dropped");
    assertEquals(0, count("SELECT count(*) FROM jobs WHERE id = $1", oldWithMailDue));
    for (UUID kept : List.of(oldButQueued, recent)) {
      assertEquals(1, count("SELECT count(*) FROM jobs WHERE id = $1", kept));
      assertTrue(count("SELECT count(*) FROM events WHERE job_id = $1", kept) > 0, "a kept job lost its events");
    }
  }

  @Test
  void removesInBatchesOfTheSizeAsked() {
    for (int i = 0; i < 7; i++) finished();
    Instant cutoff = NOW.minus(Duration.ofDays(30));
    assertEquals(3, Await.result(retention.purge(cutoff, 3)));
    assertEquals(3, Await.result(retention.purge(cutoff, 3)));
    assertEquals(1, Await.result(retention.purge(cutoff, 3)));
    assertEquals(0, Await.result(retention.purge(cutoff, 3)));
  }
}
