package io.robogrid.faults;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.EmbeddedDatabase;
import io.robogrid.store.EmbeddedSupervisor;
import io.robogrid.testing.Await;
import io.robogrid.testing.FreePorts;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database goes away under a running job, for longer than the heartbeat timeout and the runner's self-fence, and
 * comes back: the job ends as if nothing had happened, with what its steps did during the outage recorded. Each test
 * has a PostgreSQL server of its own, since it kills it.
 */
@ExtendWith(VertxExtension.class)
class DatabaseOutageTest {
  private static final Duration SOON = Duration.ofSeconds(60);
  /** Longer than the grid's heartbeat timeout (3 s) and the runner's self-fence (10 s). */
  private static final Duration OUTAGE = Duration.ofSeconds(12);
  private AutoCloseable database;

  @AfterEach
  void stop(Vertx vertx) throws Exception {
    Await.result(vertx.close());
    if (database != null) database.close();
  }

  private static DatabaseOptions on(int port) {
    return DatabaseOptions.fromJson(new JsonObject().put("host", "127.0.0.1").put("port", port).put("database", "postgres")
        .put("user", "postgres").put("poolSize", 4));
  }

  /** A job of two steps that waits {@code waitFor} in its first; one attempt only, so that any loss would fail it. */
  private static JsonObject twoSteps(String waitFor) {
    return inline(null, step("first", "wait", new JsonObject().put("duration", waitFor)),
        step("second", "set", new JsonObject().put("done", true), "first"));
  }

  /** The first step ends during the outage, the second runs through the rest of it and past its end. */
  private static JsonObject acrossTheOutage() {
    return inline(null, step("first", "wait", new JsonObject().put("duration", "1s")),
        step("second", "wait", new JsonObject().put("duration", (OUTAGE.toMillis() + 2_000) + "ms"), "first"),
        step("third", "set", new JsonObject().put("done", true), "second"));
  }

  @Test
  void aStepThatFinishesWhileTheDatabaseIsDownIsRecordedOnceItIsBack(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("robogrid-outage").resolve("data");
    int port = FreePorts.next();
    EmbeddedDatabase pg = EmbeddedDatabase.start(dir, port);
    database = pg;
    TestGrid grid = TestGrid.start(vertx, on(port), null, null, 2, new JsonObject());
    String id = grid.submit(acrossTheOutage()).getString("id");
    awaitEvent(grid, id, "step.started");

    killServer(pg);
    long down = System.nanoTime();
    // meanwhile the first step ends on the runner, which cannot report it; the API says the database is away
    Thread.sleep(OUTAGE.toMillis() / 2);
    HttpResponse<Buffer> health = Await.result(grid.http.get(grid.port, "127.0.0.1", "/health").send());
    assertEquals(503, health.statusCode(), health.bodyAsString());
    Thread.sleep(OUTAGE.toMillis() / 2);
    pg.close(); // lets go of the data directory's lock: the dead server's own stop fails, which is fine
    database = pg = EmbeddedDatabase.start(dir, port);

    JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", job.getString("state"), job.encodePrettily());
    assertEquals(1, job.getInteger("attempt"), "the outage cost no attempt");
    assertFalse(job.containsKey("lostAttempts"), job.encodePrettily());
    for (String s : List.of("first", "second", "third")) assertEquals("SUCCEEDED", job.getJsonObject("steps").getJsonObject(s).getString("state"), s);
    List<JsonObject> events = events(grid, id);
    assertEquals(1, events.stream().filter(e -> e.getString("type").equals("step.finished")
        && e.getJsonObject("data").getString("step").equals("first")).count(), "the first step's end, recorded once: " + events);
    assertTrue(Duration.ofNanos(System.nanoTime() - down).compareTo(OUTAGE) >= 0);
  }

  @Test
  void aKilledEmbeddedDatabaseIsStartedAgainAndTheGridGoesOn(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("robogrid-supervised").resolve("data");
    EmbeddedSupervisor pg = EmbeddedSupervisor.start(dir, FreePorts.next());
    database = pg;
    TestGrid grid = TestGrid.start(vertx, on(pg.port()), pg::status, null, 2, new JsonObject());
    String id = grid.submit(twoSteps("3s")).getString("id");
    awaitEvent(grid, id, "step.started");

    long pid = pg.postmaster().orElseThrow().pid();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    JsonObject health = awaitHealth(grid, h -> h.getJsonObject("database").getInteger("restarts") == 1
        && "RUNNING".equals(h.getJsonObject("database").getString("state")) && "UP".equals(h.getString("db")));
    assertTrue(health.getJsonObject("database").containsKey("lastExitAt"), health.encodePrettily());
    assertTrue(pg.postmaster().orElseThrow().pid() != pid, "a new server runs");

    JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", job.getString("state"), job.encodePrettily());
    assertEquals(1, job.getInteger("attempt"));
    String after = grid.submit(twoSteps("10ms")).getString("id");
    assertEquals("SUCCEEDED", grid.awaitState(after, SOON, "SUCCEEDED", "FAILED").getString("state"));
  }

  /** Kills the server as a crash would: the postmaster and its backends at once, nothing shut down cleanly. */
  private static void killServer(EmbeddedDatabase pg) throws Exception {
    ProcessHandle postmaster = pg.postmaster().orElseThrow();
    List<ProcessHandle> backends = postmaster.descendants().toList();
    postmaster.destroyForcibly();
    backends.forEach(ProcessHandle::destroyForcibly);
    postmaster.onExit().get();
  }

  private static void awaitEvent(TestGrid grid, String id, String type) throws InterruptedException {
    long deadline = System.nanoTime() + SOON.toNanos();
    while (System.nanoTime() < deadline) {
      if (events(grid, id).stream().anyMatch(e -> e.getString("type").equals(type))) return;
      Thread.sleep(25);
    }
    throw new AssertionError("no " + type + " event for job " + id);
  }

  private static JsonObject awaitHealth(TestGrid grid, java.util.function.Predicate<JsonObject> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + SOON.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = Await.result(grid.http.get(grid.port, "127.0.0.1", "/health").send()).bodyAsJsonObject();
      if (wanted.test(last)) return last;
      Thread.sleep(50);
    }
    throw new AssertionError("health never became what was wanted: " + last);
  }

  private static List<JsonObject> events(TestGrid grid, String id) {
    return grid.events(id).getJsonArray("events").stream().map(e -> (JsonObject) e).toList();
  }
}
