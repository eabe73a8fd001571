package io.robogrid.web;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST API's contract: status codes, the error shape with stable codes, and that a refused request stores nothing. */
@ExtendWith(VertxExtension.class)
class ApiTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "hello", "description": "says hello", "steps": [
        {"id": "greet", "type": "set", "with": {"greeting": "hello ${input.name}"}}]}]}""";
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, ROBOTS, 4);
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code, String messagePart) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("content-type").startsWith("application/json"), r.getHeader("content-type"));
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), r.bodyAsString());
    assertTrue(error.getString("message").contains(messagePart), error.getString("message"));
  }

  @Test
  void badSubmissionsGetStableErrorsAndStoreNothing() {
    assertError(grid.call(HttpMethod.POST, "/api/v1/jobs", "{\"robot\": "), 400, "MALFORMED_JSON", "not valid JSON");
    assertError(grid.call(HttpMethod.POST, "/api/v1/jobs", "[1, 2]"), 400, "MALFORMED_JSON", "JSON object");
    assertError(grid.call(HttpMethod.POST, "/api/v1/jobs", ""), 400, "MALFORMED_JSON", "JSON object");
    assertError(grid.post("/api/v1/jobs", new JsonObject().put("robot", "nobody")), 404, "UNKNOWN_ROBOT", "nobody");
    assertError(grid.post("/api/v1/jobs", new JsonObject().put("robot", "hello").put("colour", "red")), 400, "INVALID_REQUEST", "colour");
    assertError(grid.post("/api/v1/jobs", new JsonObject().put("robot", "hello").put("input", "text")), 400, "INVALID_REQUEST", "input");
    assertError(grid.post("/api/v1/jobs", new JsonObject()), 400, "INVALID_REQUEST", "either");
    assertError(grid.post("/api/v1/jobs", inline(null,
        step("a", "set", new JsonObject(), "b"), step("b", "set", new JsonObject(), "a"))), 400, "INVALID_WORKFLOW", "a -> b -> a");
    assertError(grid.post("/api/v1/jobs", inline(null, step("click", "teleport", new JsonObject()))), 400, "INVALID_WORKFLOW",
        "steps[0] (click).type: unknown step type 'teleport'");
    assertError(grid.post("/api/v1/jobs", inline(null, step("a", "set", new JsonObject(), "ghost"))), 400, "INVALID_WORKFLOW", "unknown step 'ghost'");
    assertError(grid.post("/api/v1/jobs", inline(null, step("a", "set", new JsonObject()), step("a", "log", new JsonObject().put("message", "x")))),
        400, "INVALID_WORKFLOW", "duplicate step id 'a'");
    assertError(grid.post("/api/v1/jobs", new JsonObject().put("robot", "hello").put("runAt", "tomorrow")), 400, "INVALID_REQUEST", "runAt");
    assertError(grid.post("/api/v1/jobs", new JsonObject().put("robot", "hello").put("runAt", "-5000-01-01T00:00:00Z")), 400, "INVALID_REQUEST", "in the past");
    assertError(grid.post("/api/v1/jobs", new JsonObject().put("robot", "hello").put("input", new JsonObject().put("x", "a\u0000b"))),
        400, "INVALID_REQUEST", "NUL");
    String huge = new JsonObject().put("robot", "hello").put("input", new JsonObject().put("blob", "x".repeat(100 * 1024))).encode();
    assertError(grid.call(HttpMethod.POST, "/api/v1/jobs", huge), 413, "PAYLOAD_TOO_LARGE", "larger");

    JsonObject list = grid.get("/api/v1/jobs").bodyAsJsonObject();
    assertEquals(0, list.getJsonArray("jobs").size(), "a refused request left a job behind: " + list.encodePrettily());
  }

  @Test
  void readsAnswerNotFoundAndBadParametersClearly() {
    var page = grid.call(io.vertx.core.http.HttpMethod.GET, "/", null, null);
    org.junit.jupiter.api.Assertions.assertEquals(200, page.statusCode(), "the dashboard is served without a token");
    org.junit.jupiter.api.Assertions.assertEquals("no-cache", page.getHeader("cache-control"), "checked again at every load, so an upgrade shows at once");
    assertError(grid.get("/api/v1/jobs/not-a-uuid"), 404, "JOB_NOT_FOUND", "not a job id");
    assertError(grid.get("/api/v1/jobs/" + UUID.randomUUID()), 404, "JOB_NOT_FOUND", "no job");
    assertError(grid.get("/api/v1/jobs/" + UUID.randomUUID() + "/events"), 404, "JOB_NOT_FOUND", "no job");
    assertError(grid.get("/api/v1/jobs?state=SLEEPING"), 400, "INVALID_REQUEST", "state");
    assertError(grid.get("/api/v1/jobs?limit=0"), 400, "INVALID_REQUEST", "limit");
    assertError(grid.get("/api/v1/jobs?cursor=zzz"), 400, "INVALID_REQUEST", "cursor");
    assertError(grid.get("/api/v1/nothing-here"), 404, "NOT_FOUND", "/api/v1/nothing-here");
    assertError(grid.call(HttpMethod.DELETE, "/api/v1/jobs", null), 405, "METHOD_NOT_ALLOWED", "DELETE");
    assertError(grid.get("/api/v1/stream"), 400, "INVALID_REQUEST", "WebSocket");
  }

  @Test
  void robotRunsCanBeListedRerunAndNotCancelledOnceFinished() {
    JsonObject job = grid.submit(new JsonObject().put("robot", "hello").put("input", new JsonObject().put("name", "Ada")));
    assertEquals("QUEUED", job.getString("state"));
    String id = job.getString("id");
    JsonObject done = grid.awaitState(id, Duration.ofSeconds(10), "SUCCEEDED");
    assertEquals("hello Ada", done.getJsonObject("steps").getJsonObject("greet").getJsonObject("output").getString("greeting"));
    assertError(grid.post("/api/v1/jobs/" + id + "/cancel", null), 409, "JOB_FINISHED", "already finished");

    HttpResponse<Buffer> rerun = grid.post("/api/v1/jobs/" + id + "/rerun", null);
    assertEquals(201, rerun.statusCode());
    JsonObject second = rerun.bodyAsJsonObject();
    assertNotEquals(id, second.getString("id"));
    assertEquals(id, second.getString("rerunOf"));
    assertEquals("Ada", second.getJsonObject("input").getString("name"));
    grid.awaitState(second.getString("id"), Duration.ofSeconds(10), "SUCCEEDED");

    JsonObject robots = grid.get("/api/v1/robots").bodyAsJsonObject();
    assertEquals("hello", robots.getJsonArray("robots").getJsonObject(0).getString("name"));
    JsonObject health = grid.get("/health").bodyAsJsonObject();
    assertEquals("UP", health.getString("status"));
    assertEquals("UP", health.getString("db"));
  }

  @Test
  void jobListPagesWithACursorAndFilters() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) ids.add(grid.submit(new JsonObject().put("robot", "hello").put("delay", "1h")).getString("id"));
    JsonObject first = grid.get("/api/v1/jobs?limit=3&state=PENDING").bodyAsJsonObject();
    assertEquals(3, first.getJsonArray("jobs").size());
    JsonObject rest = grid.get("/api/v1/jobs?limit=3&state=pending&robot=hello&cursor=" + first.getString("nextCursor")).bodyAsJsonObject();
    assertEquals(2, rest.getJsonArray("jobs").size());
    assertTrue(!rest.containsKey("nextCursor"));
    Set<String> seen = new HashSet<>();
    first.getJsonArray("jobs").forEach(j -> seen.add(((JsonObject) j).getString("id")));
    rest.getJsonArray("jobs").forEach(j -> seen.add(((JsonObject) j).getString("id")));
    assertEquals(ids, seen);
    assertEquals(0, grid.get("/api/v1/jobs?robot=other").bodyAsJsonObject().getJsonArray("jobs").size());
  }
}
