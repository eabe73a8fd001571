package io.robogrid.coordinator;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Jobs through the whole path of one node (API → PostgreSQL → coordinator → router → runner → events), as a user sees them. */
@ExtendWith(VertxExtension.class)
class JobFlowTest {
  private static final Duration SOON = Duration.ofSeconds(15);
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, null, 4);
  }

  private static Instant at(JsonObject step, String field) {
    return Instant.parse(step.getString(field));
  }

  @Test
  void independentBranchesRunSideBySide() {
    JsonObject job = grid.submit(inline(null,
        step("start", "set", new JsonObject().put("who", "${input.who}")),
        step("left", "wait", new JsonObject().put("duration", "400ms"), "start"),
        step("right", "wait", new JsonObject().put("duration", "400ms"), "start"),
        step("join", "log", new JsonObject().put("message", "hello ${steps.start.output.who}"), "left", "right"))
        .put("input", new JsonObject().put("who", "grid")));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    JsonObject steps = done.getJsonObject("steps");
    JsonObject left = steps.getJsonObject("left"), right = steps.getJsonObject("right"), join = steps.getJsonObject("join");
    assertTrue(at(left, "startedAt").isBefore(at(right, "finishedAt")) && at(right, "startedAt").isBefore(at(left, "finishedAt")),
        "branches did not overlap: " + steps.encodePrettily());
    assertFalse(at(join, "startedAt").isBefore(at(left, "finishedAt")), "join started before its needs finished");
    assertEquals("hello grid", join.getJsonObject("output").getString("message"));
  }

  @Test
  void aFlakyStepIsRetriedUntilItSucceeds() {
    JsonObject job = grid.submit(inline(null, step("flaky", "fail",
        new JsonObject().put("errorClass", "RATE_LIMITED").put("times", 2).put("message", "busy"))
        .put("retry", new JsonObject().put("maxAttempts", 3).put("backoff", "50ms"))));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"));
    assertEquals(1, done.getInteger("attempt"));
    assertEquals(3, done.getJsonObject("steps").getJsonObject("flaky").getInteger("attempts"));
    long retries = grid.events(job.getString("id")).getJsonArray("events").stream()
        .filter(e -> ((JsonObject) e).getString("type").equals("step.log")).count();
    assertEquals(2, retries);
  }

  @Test
  void anUnrecoverableErrorIsNotRetried() {
    JsonObject job = grid.submit(inline(new JsonObject().put("retry", new JsonObject().put("maxAttempts", 3).put("backoff", "50ms")),
        step("denied", "fail", new JsonObject().put("errorClass", "ACCESS_DENIED").put("message", "no entry"))
            .put("retry", new JsonObject().put("maxAttempts", 3).put("backoff", "50ms"))));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "FAILED", "SUCCEEDED");
    assertEquals("FAILED", done.getString("state"));
    assertEquals(1, done.getInteger("attempt"));
    assertEquals("ACCESS_DENIED", done.getJsonObject("error").getString("code"));
    assertEquals("denied", done.getJsonObject("error").getString("step"));
    assertEquals(1, done.getJsonObject("steps").getJsonObject("denied").getInteger("attempts"));
  }

  @Test
  void aRecoverableFailureRetriesTheJobUnderItsPolicy() {
    JsonObject job = grid.submit(inline(new JsonObject().put("retry", new JsonObject().put("maxAttempts", 2).put("backoff", "100ms")),
        step("busy", "fail", new JsonObject().put("errorClass", "HTTP_5XX").put("message", "503"))));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "FAILED", "SUCCEEDED");
    assertEquals("FAILED", done.getString("state"));
    assertEquals(2, done.getInteger("attempt"));
    JsonArray events = grid.events(job.getString("id")).getJsonArray("events");
    assertTrue(events.stream().map(e -> ((JsonObject) e).getJsonObject("data")).anyMatch(d -> "RETRY_WAIT".equals(d.getString("to"))), events.encodePrettily());
  }

  @Test
  void aStepThatRunsTooLongTimesOut() {
    JsonObject job = grid.submit(inline(null, step("slow", "wait", new JsonObject().put("duration", "20s")).put("timeout", "300ms")));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "FAILED", "SUCCEEDED");
    assertEquals("STEP_TIMEOUT", done.getJsonObject("error").getString("code"));
    assertEquals("FAILED", done.getJsonObject("steps").getJsonObject("slow").getString("state"));
  }

  @Test
  void aJobThatRunsTooLongTimesOutAndStopsItsSteps() {
    JsonObject job = grid.submit(inline(new JsonObject().put("timeout", "500ms"),
        step("slow", "wait", new JsonObject().put("duration", "20s"))));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "FAILED", "SUCCEEDED");
    assertEquals("JOB_TIMEOUT", done.getJsonObject("error").getString("code"));
    assertEquals("CANCELLED", done.getJsonObject("steps").getJsonObject("slow").getString("state"));
  }

  @Test
  void cancellingARunningJobStopsItWithinSeconds() {
    JsonObject job = grid.submit(inline(null, step("long", "wait", new JsonObject().put("duration", "60s"))));
    String id = job.getString("id");
    grid.awaitState(id, SOON, "RUNNING");
    assertEquals(202, grid.post("/api/v1/jobs/" + id + "/cancel", null).statusCode());
    JsonObject done = grid.awaitState(id, Duration.ofSeconds(10), "CANCELLED"); // a wait step stops at once; 10 s is ample
    assertEquals("CANCELLED", done.getJsonObject("error").getString("code"));
    assertEquals("CANCELLED", done.getJsonObject("steps").getJsonObject("long").getString("state"));
  }

  @Test
  void aDelayedJobWaitsUntilItIsDue() {
    JsonObject job = grid.submit(inline(null, step("now", "set", new JsonObject())).put("delay", "1s"));
    assertEquals("PENDING", job.getString("state"));
    JsonObject done = grid.awaitState(job.getString("id"), SOON, "SUCCEEDED");
    assertFalse(Instant.parse(done.getString("startedAt")).isBefore(Instant.parse(job.getString("createdAt")).plusSeconds(1)));
  }

  @Test
  void higherPriorityRunsFirstWhenSlotsAreScarce(Vertx vertx) {
    // fill all four slots so the next two jobs wait in the queue together (held 5 s: a slot that came free before
    // both were queued would let the first one submitted start first)
    for (int i = 0; i < 4; i++) grid.submit(inline(null, step("hold", "wait", new JsonObject().put("duration", "5s"))));
    JsonObject low = grid.submit(inline(null, step("s", "set", new JsonObject())).put("priority", -5));
    JsonObject high = grid.submit(inline(null, step("s", "set", new JsonObject())).put("priority", 50));
    JsonObject lowDone = grid.awaitState(low.getString("id"), SOON, "SUCCEEDED");
    JsonObject highDone = grid.awaitState(high.getString("id"), SOON, "SUCCEEDED");
    assertTrue(Instant.parse(highDone.getString("startedAt")).isBefore(Instant.parse(lowDone.getString("startedAt"))),
        "high " + highDone.getString("startedAt") + " low " + lowDone.getString("startedAt"));
  }

  @Test
  void httpStepsClassifyWhatTheServerAnswers(Vertx vertx) {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = io.robogrid.testing.Await.result(vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/flaky" -> {
          if (calls.incrementAndGet() == 1) req.response().setStatusCode(503).end("down");
          else req.response().putHeader("content-type", "application/json").end(new JsonObject().put("got", req.getHeader("x-token")).encode());
        }
        case "/echo" -> req.body().onSuccess(b -> req.response().end(b));
        case "/binary" -> req.response().putHeader("content-type", "application/octet-stream").end(io.vertx.core.buffer.Buffer.buffer(new byte[] {'P', 'K', 0, 1, 2}));
        default -> req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"));
    String base = "http://127.0.0.1:" + server.actualPort();
    JsonObject ok = grid.submit(inline(null,
        step("call", "http", new JsonObject().put("url", base + "/flaky").put("headers", new JsonObject().put("x-token", "${input.token}")))
            .put("retry", new JsonObject().put("maxAttempts", 2).put("backoff", "50ms")),
        step("post", "http", new JsonObject().put("method", "POST").put("url", base + "/echo").put("body", "got ${steps.call.output.json.got}"), "call"))
        .put("input", new JsonObject().put("token", "t-1")));
    JsonObject done = grid.awaitState(ok.getString("id"), SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(2, done.getJsonObject("steps").getJsonObject("call").getInteger("attempts"));
    assertEquals("got t-1", done.getJsonObject("steps").getJsonObject("post").getJsonObject("output").getString("body"));

    JsonObject binary = grid.submit(inline(null, step("zip", "http", new JsonObject().put("url", base + "/binary"))));
    JsonObject zip = grid.awaitState(binary.getString("id"), SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", zip.getString("state"), zip.encodePrettily());
    assertEquals("UEsAAQI=", zip.getJsonObject("steps").getJsonObject("zip").getJsonObject("output").getString("bodyBase64"));

    JsonObject missing = grid.submit(inline(null, step("nf", "http", new JsonObject().put("url", base + "/nothing"))));
    assertEquals("UNEXPECTED_STATUS", grid.awaitState(missing.getString("id"), SOON, "FAILED").getJsonObject("error").getString("code"));
    JsonObject refused = grid.submit(inline(null, step("nc", "http", new JsonObject().put("url", "http://127.0.0.1:1/x"))));
    assertEquals("CONNECTION_FAILED", grid.awaitState(refused.getString("id"), SOON, "FAILED").getJsonObject("error").getString("code"));
  }
}
