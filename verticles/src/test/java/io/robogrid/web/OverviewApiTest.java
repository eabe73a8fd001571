package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.store.OverviewStore;
import io.robogrid.testing.Await;
import io.robogrid.testing.MutableClock;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /overview} against a real node and PostgreSQL: jobs written straight into the table as finished in known
 * minutes with known outcomes and durations come back in the right buckets, robots and capabilities; queue samples are
 * one per minute whoever takes them; bad parameters are {@code INVALID_REQUEST}.
 */
@ExtendWith(VertxExtension.class)
class OverviewApiTest {
  private static TestGrid grid;
  private static Pool pool;
  /** The start of a minute ten minutes ago: the test's jobs finish in it and the next. */
  private static Instant base;

  @BeforeAll
  static void start(Vertx vertx) {
    grid = TestGrid.start(vertx, null, 2);
    pool = grid.db.pool(vertx);
    base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
    // minute 0: three of robot alpha succeed after 1, 2 and 3 s
    for (int s = 1; s <= 3; s++) finished("alpha", "SUCCEEDED", base.plusSeconds(5 + s), Duration.ofSeconds(s));
    // minute 1: one of alpha fails after 10 s; two of beta are cancelled before they started
    finished("alpha", "FAILED", base.plusSeconds(70), Duration.ofSeconds(10));
    finished("beta", "CANCELLED", base.plusSeconds(75), null);
    finished("beta", "CANCELLED", base.plusSeconds(80), null);
    // two hours ago: outside the default window
    for (int i = 0; i < 5; i++) finished("alpha", "SUCCEEDED", base.minus(Duration.ofHours(2)), Duration.ofSeconds(1));
    // waiting for a capability no runner offers: the priority-5 job is next in line
    queued("desktop:nowhere", 0, base);
    queued("desktop:nowhere", 5, base.plusSeconds(30));
  }

  @AfterAll
  static void stop(Vertx vertx) {
    Await.result(pool.close());
    Await.result(vertx.close());
  }

  private static void insert(String robot, String state, int priority, String[] requires, Instant created, Instant started, Instant finished) {
    Await.result(pool.preparedQuery("INSERT INTO jobs (id, robot, state, priority, max_attempts, workflow, input, request, requires, run_at,"
        + " created_at, started_at, finished_at) VALUES ($1, $2, $3, $4, 1, '{\"steps\": []}', '{}', '{}', $5, $6, $6, $7, $8)")
        .execute(Tuple.from(new Object[] {UUID.randomUUID(), robot, state, priority, requires, created.atOffset(ZoneOffset.UTC),
            started == null ? null : started.atOffset(ZoneOffset.UTC), finished == null ? null : finished.atOffset(ZoneOffset.UTC)})));
  }

  private static void finished(String robot, String state, Instant at, Duration took) {
    Instant started = took == null ? null : at.minus(took);
    insert(robot, state, 0, new String[0], at.minusSeconds(20), started, at);
  }

  private static void queued(String capability, int priority, Instant created) {
    insert("needs-" + capability, "QUEUED", priority, new String[] {capability}, created, null, null);
  }

  private static JsonObject overview(String query) {
    HttpResponse<Buffer> r = grid.get("/api/v1/overview" + query);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static JsonObject bucket(JsonObject o, Instant at) {
    for (Object b : o.getJsonArray("finished")) if (((JsonObject) b).getString("at").equals(at.toString())) return (JsonObject) b;
    throw new AssertionError("no bucket at " + at + " in " + o.getJsonArray("finished"));
  }

  private static JsonObject row(JsonArray rows, String key, String value) {
    for (Object r : rows) if (value.equals(((JsonObject) r).getString(key))) return (JsonObject) r;
    throw new AssertionError("no " + key + " " + value + " in " + rows);
  }

  @Test
  void finishedJobsAreCountedInTheirMinuteByOutcome() {
    JsonObject o = overview("");
    assertEquals("PT1H", o.getString("window"));
    assertEquals(60, o.getInteger("bucketSeconds"));
    assertEquals(60, o.getJsonArray("finished").size(), "a bar per minute of the hour, empty ones too");
    JsonObject m0 = bucket(o, base);
    assertEquals(3L, m0.getLong("SUCCEEDED"));
    assertEquals(0L, m0.getLong("FAILED"));
    JsonObject m1 = bucket(o, base.plusSeconds(60));
    assertEquals(0L, m1.getLong("SUCCEEDED"));
    assertEquals(1L, m1.getLong("FAILED"));
    assertEquals(2L, m1.getLong("CANCELLED"));
    long succeeded = o.getJsonArray("finished").stream().mapToLong(b -> ((JsonObject) b).getLong("SUCCEEDED")).sum();
    assertEquals(3L, succeeded, "the jobs of two hours ago are outside the window");
    assertEquals(0L, bucket(o, base.plusSeconds(120)).getLong("SUCCEEDED"));

    // over a day, buckets of 24 minutes: the old ones are in too
    JsonObject day = overview("?window=1d");
    assertEquals(24 * 60, day.getInteger("bucketSeconds"));
    assertEquals(8L, day.getJsonArray("finished").stream().mapToLong(b -> ((JsonObject) b).getLong("SUCCEEDED")).sum());
  }

  @Test
  void robotsHaveTheirSuccessRateAndMedianDuration() {
    JsonArray robots = overview("").getJsonArray("robots");
    JsonObject alpha = row(robots, "robot", "alpha");
    assertEquals(4L, alpha.getLong("finished"));
    assertEquals(3L, alpha.getLong("succeeded"));
    assertEquals(1L, alpha.getLong("failed"));
    assertEquals(0.75, alpha.getDouble("successRate"), 1e-9);
    assertEquals(2500L, alpha.getLong("medianMs"), "the median of 1, 2, 3 and 10 s");
    JsonObject beta = row(robots, "robot", "beta");
    assertEquals(2L, beta.getLong("finished"));
    assertNull(beta.getValue("successRate"), "cancelled jobs neither succeed nor fail");
    assertNull(beta.getValue("medianMs"));
    assertEquals("alpha", robots.getJsonObject(0).getString("robot"), "the busiest first");
  }

  @Test
  void capabilitiesSayWhatWaitsForThemAndWhoOffersThem() {
    JsonArray caps = overview("").getJsonArray("capabilities");
    JsonObject nowhere = row(caps, "name", "desktop:nowhere");
    assertEquals(2L, nowhere.getLong("queued"));
    assertEquals(0L, nowhere.getLong("runners"), "no runner offers it");
    JsonArray next = nowhere.getJsonArray("next");
    assertEquals(2, next.size());
    assertEquals(5, next.getJsonObject(0).getInteger("priority"), "next in line is the higher priority");
    assertEquals("needs-desktop:nowhere", next.getJsonObject(0).getString("robot"));
    JsonObject http = row(caps, "name", "http");
    assertEquals(1L, http.getLong("runners"));
    assertEquals(0L, http.getLong("queued"));
    assertEquals("desktop:nowhere", caps.getJsonObject(0).getString("name"), "the busiest first");
  }

  @Test
  void queueDepthIsSampledOncePerMinuteForTheWholeGrid() {
    // the node sampled the minute it started in
    JsonObject queue = overview("").getJsonObject("queue");
    JsonArray samples = queue.getJsonArray("samples");
    assertFalse(samples.isEmpty(), "the web node samples at start");
    assertEquals(2L, queue.getJsonObject("now").getJsonObject("byState").getLong("QUEUED"));

    // two samplers (two web nodes, or one restarted) in one minute write one sample; the next minute gets its own
    OverviewStore store = new OverviewStore(pool);
    io.robogrid.store.JobStore jobs = new io.robogrid.store.JobStore(pool);
    MutableClock clock = new MutableClock(Instant.parse("2031-01-01T10:00:05Z"));
    try {
      Await.result(new QueueSampler(store, jobs.grid(), clock).tick());
      queued("desktop:elsewhere", 0, base); // the depth changes within the minute
      clock.advance(Duration.ofSeconds(30));
      Await.result(new QueueSampler(store, jobs.grid(), clock).tick());
      clock.advance(Duration.ofSeconds(30));
      Await.result(new QueueSampler(store, jobs.grid(), clock).tick());
      JsonArray kept = Await.result(store.samples(Instant.parse("2031-01-01T10:00:00Z"), Instant.parse("2031-01-01T11:00:00Z")));
      assertEquals(2, kept.size(), kept.encode());
      assertEquals("2031-01-01T10:00:00Z", kept.getJsonObject(0).getString("at"));
      assertEquals(2L, kept.getJsonObject(0).getJsonObject("byState").getLong("QUEUED"), "the first sample of the minute stays");
      assertEquals("2031-01-01T10:01:00Z", kept.getJsonObject(1).getString("at"));
      assertEquals(3L, kept.getJsonObject(1).getJsonObject("byState").getLong("QUEUED"));
      assertEquals(1L, kept.getJsonObject(1).getJsonObject("queuedByCapability").getLong("desktop:elsewhere"));
    } finally {
      Await.result(pool.query("DELETE FROM jobs WHERE robot = 'needs-desktop:elsewhere'").execute());
    }
  }

  @Test
  void badParametersAreInvalidRequests() {
    for (String q : new String[] {"?window=abc", "?window=1m", "?window=2d", "?window=1h&window=2h", "?window=-1h"}) {
      HttpResponse<Buffer> r = grid.get("/api/v1/overview" + q);
      assertEquals(400, r.statusCode(), q + ": " + r.bodyAsString());
      assertEquals("INVALID_REQUEST", r.bodyAsJsonObject().getJsonObject("error").getString("code"), q);
      assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message").contains("window"), q);
    }
  }
}
