package io.robogrid.coordinator;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pause and resume on one real node: a waiting job is held at once, a running one at its next step boundary with its
 * progress kept, and a resumed job goes on from the steps that had not succeeded, each step run once.
 */
@ExtendWith(VertxExtension.class)
class PauseResumeTest {
  private static final Duration SOON = Duration.ofSeconds(15);
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, null, 4);
  }

  /** first (set) → middle (a wait long enough to pause in) → last (uses first's output), a DAG the pause cuts in two. */
  private JsonObject threeSteps(String middle) {
    return grid.submit(inline(null,
        step("first", "set", new JsonObject().put("token", "${input.token}")),
        step("middle", "wait", new JsonObject().put("duration", middle), "first"),
        step("last", "log", new JsonObject().put("message", "carried ${steps.first.output.token}"), "middle"))
        .put("input", new JsonObject().put("token", "t-42")));
  }

  private HttpResponse<Buffer> pause(String id) {
    return grid.post("/api/v1/jobs/" + id + "/pause", null);
  }

  private HttpResponse<Buffer> resume(String id) {
    return grid.post("/api/v1/jobs/" + id + "/resume", null);
  }

  /** How often each step started, over every attempt of the job. */
  private Map<String, Integer> starts(String id) {
    Map<String, Integer> n = new TreeMap<>();
    for (Object o : grid.events(id).getJsonArray("events")) {
      JsonObject e = (JsonObject) o;
      if (e.getString("type").equals("step.started")) n.merge(e.getJsonObject("data").getString("step"), 1, Integer::sum);
    }
    return n;
  }

  private void awaitStep(String id, String step, String state) {
    long deadline = System.nanoTime() + SOON.toNanos();
    while (System.nanoTime() < deadline) {
      if (state.equals(grid.job(id).getJsonObject("steps").getJsonObject(step).getString("state"))) return;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("step " + step + " never " + state + ": " + grid.job(id).encodePrettily());
  }

  @Test
  void aRunningJobStopsAtItsNextStepBoundaryAndResumesFromTheStepsNotDone() throws Exception {
    String id = threeSteps("1500ms").getString("id");
    awaitStep(id, "middle", "RUNNING");
    HttpResponse<Buffer> asked = pause(id);
    assertEquals(202, asked.statusCode(), asked.bodyAsString());
    JsonObject pausing = asked.bodyAsJsonObject();
    assertEquals("RUNNING", pausing.getString("state"), "the running step finishes first");
    assertTrue(pausing.getJsonObject("pause").containsKey("requestedAt"), pausing.encodePrettily());

    JsonObject paused = grid.awaitState(id, SOON, "PAUSED", "SUCCEEDED", "FAILED");
    assertEquals("PAUSED", paused.getString("state"), paused.encodePrettily());
    JsonObject steps = paused.getJsonObject("steps");
    assertEquals("SUCCEEDED", steps.getJsonObject("middle").getString("state"), "a running step is not cut short: " + paused.encodePrettily());
    assertEquals("PENDING", steps.getJsonObject("last").getString("state"), "nothing new started after the pause");
    assertEquals(new JsonArray().add("first").add("middle"), paused.getJsonArray("carriedSteps"));
    assertTrue(paused.getJsonObject("pause").containsKey("pausedAt"));

    Thread.sleep(700); // held: nothing claims it meanwhile
    assertEquals("PAUSED", grid.job(id).getString("state"));
    assertEquals(202, pause(id).statusCode(), "pausing a paused job changes nothing");

    HttpResponse<Buffer> resumed = resume(id);
    assertEquals(200, resumed.statusCode(), resumed.bodyAsString());
    JsonObject done = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(2, done.getInteger("attempt"), "the paused attempt and the one after the resume");
    assertEquals(Map.of("first", 1, "last", 1, "middle", 1), starts(id), "each step ran once");
    assertEquals("carried t-42", done.getJsonObject("steps").getJsonObject("last").getJsonObject("output").getString("message"),
        "the steps after the resume see the outputs of those before it");
    assertEquals(1, done.getJsonObject("steps").getJsonObject("first").getInteger("carriedFrom"), done.encodePrettily());
    assertEquals("t-42", done.getJsonObject("result").getJsonObject("first").getString("token"), "the job's result has every step's output");

    JsonArray events = grid.events(id).getJsonArray("events");
    assertTrue(events.stream().map(e -> (JsonObject) e).anyMatch(e -> e.getString("type").equals("job.pause-requested")), events.encodePrettily());
    assertTrue(events.stream().map(e -> ((JsonObject) e).getJsonObject("data")).anyMatch(d -> "RUNNING".equals(d.getString("from"))
        && "PAUSED".equals(d.getString("to"))), events.encodePrettily());
  }

  @Test
  void aWaitingJobIsHeldAtOnceKeepsItsTimeAndCanBeCancelled() {
    String id = grid.submit(new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray()
        .add(step("only", "log", new JsonObject().put("message", "hi"))))).put("delay", "1h")).getString("id");
    HttpResponse<Buffer> r = pause(id);
    assertEquals(202, r.statusCode(), r.bodyAsString());
    assertEquals("PAUSED", r.bodyAsJsonObject().getString("state"));
    String runAt = r.bodyAsJsonObject().getString("runAt");
    JsonObject back = resume(id).bodyAsJsonObject();
    assertEquals("PENDING", back.getString("state"), "its runAt is an hour ahead still");
    assertEquals(runAt, back.getString("runAt"));

    assertEquals("PAUSED", pause(id).bodyAsJsonObject().getString("state"));
    assertEquals(202, grid.post("/api/v1/jobs/" + id + "/cancel", null).statusCode());
    assertEquals("CANCELLED", grid.job(id).getString("state"));
  }

  @Test
  void pauseAndResumeRefuseWhatTheyDoNotApplyTo() {
    String done = grid.submit(inline(null, step("only", "log", new JsonObject().put("message", "hi")))).getString("id");
    grid.awaitState(done, SOON, "SUCCEEDED");
    assertError(pause(done), 409, "JOB_FINISHED");
    assertError(resume(done), 409, "JOB_FINISHED");
    String later = grid.submit(inline(null, step("only", "log", new JsonObject().put("message", "hi"))).put("delay", "1h")).getString("id");
    assertError(resume(later), 409, "WRONG_STATE");
    assertError(pause("not-a-job"), 404, "JOB_NOT_FOUND");
    assertError(grid.post("/api/v1/jobs/" + java.util.UUID.randomUUID() + "/resume", null), 404, "JOB_NOT_FOUND");
  }

  @Test
  void aPauseWithdrawnBeforeTheBoundaryLetsTheJobFinishWithEachStepOnce() {
    String id = threeSteps("1200ms").getString("id");
    awaitStep(id, "middle", "RUNNING");
    assertEquals(202, pause(id).statusCode());
    HttpResponse<Buffer> withdrawn = resume(id);
    assertEquals(200, withdrawn.statusCode(), withdrawn.bodyAsString());
    assertTrue(!withdrawn.bodyAsJsonObject().containsKey("pause"), withdrawn.bodyAsString());
    JsonObject done = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(Map.of("first", 1, "last", 1, "middle", 1), starts(id), "each step ran once");
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getJsonObject("error").getString("code"), r.bodyAsString());
  }
}
