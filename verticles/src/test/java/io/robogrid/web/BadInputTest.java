package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.store.JobStore;
import io.robogrid.store.NewJob;
import io.robogrid.testing.Await;
import io.robogrid.testing.RawHttp;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests built to break the API, each sent over a raw socket: every one gets a 4xx in the API's error shape within
 * a few seconds, none stores anything, and what was stored earlier can always be listed.
 */
@ExtendWith(VertxExtension.class)
class BadInputTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "hello", "steps": [{"id": "greet", "type": "set", "with": {"greeting": "hello"}}]}]}""";
  private static final int ANSWER_WITHIN_MS = 5_000;
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, ROBOTS, 4);
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  private RawHttp.Answer send(String method, String target, String body) {
    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    return RawHttp.send(grid.port, RawHttp.request(method, target, RawHttp.bearer(TestGrid.ADMIN_TOKEN)
        + (bytes == null ? "" : "Content-Type: application/json\r\n"), bytes), ANSWER_WITHIN_MS);
  }

  private static void assertRefused(RawHttp.Answer a, int status, String code, String what) {
    assertEquals(status, a.status(), what + ": " + a);
    assertEquals(code, a.errorCode(), what + ": " + a);
    assertTrue(a.header("content-type").startsWith("application/json"), what + ": " + a.header("content-type"));
  }

  private int jobs() {
    return grid.get("/api/v1/jobs?limit=500").bodyAsJsonObject().getJsonArray("jobs").size();
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  @Test
  void aDeeplyNestedInputIsRefusedAndStoresNothing() {
    RawHttp.Answer a = send("POST", "/api/v1/jobs", "{\"robot\": \"hello\", \"input\": {\"a\": " + nested(997) + "}}");
    assertRefused(a, 400, "INVALID_REQUEST", "input nested 997 levels");
    assertTrue(a.bodyText().contains("nested"), a.toString());
    RawHttp.Answer inline = send("POST", "/api/v1/jobs", "{\"workflow\": {\"steps\": [{\"id\": \"s\", \"type\": \"set\", \"with\": {\"x\": "
        + nested(200) + "}}]}}");
    assertRefused(inline, 400, "INVALID_REQUEST", "a step's parameters nested 200 levels");
    String agent = grid.token("agent", "agent");
    byte[] beat = ("{\"claims\": " + nested(100) + "}").getBytes(StandardCharsets.UTF_8);
    RawHttp.Answer heartbeat = RawHttp.send(grid.port, RawHttp.request("POST", "/api/v1/agents/a1/heartbeat", RawHttp.bearer(agent), beat), ANSWER_WITHIN_MS);
    assertRefused(heartbeat, 400, "INVALID_REQUEST", "any body is bounded");
    assertTrue(heartbeat.bodyText().contains("nested"), heartbeat.toString());
    assertEquals(0, jobs());
    // as deep as the limit allows is accepted, and listed
    assertEquals(201, send("POST", "/api/v1/jobs", "{\"robot\": \"hello\", \"input\": {\"a\": " + nested(60) + "}}").status());
    assertEquals(200, send("GET", "/api/v1/jobs", null).status());
  }

  @Test
  void theJobListAndTheJobAnswerEvenWhenAStoredValueCannotBeEncoded(Vertx vertx) {
    // a row stored before submissions were bounded: deeper than the JSON encoder writes
    Pool pool = grid.db.pool(vertx);
    Object deep = new JsonArray();
    for (int i = 0; i < 998; i++) deep = new JsonArray().add(deep);
    UUID id = UUID.randomUUID();
    NewJob old = new NewJob(id, "hello", new JsonObject().put("steps", new JsonArray()), new JsonObject().put("a", deep),
        new JsonObject().put("robot", "hello"), List.of(), 0, 1, Instant.now().plusSeconds(3600), null);
    Await.result(new JobStore(pool).insert(old, Instant.now()));
    Await.result(pool.close());

    RawHttp.Answer list = send("GET", "/api/v1/jobs", null);
    assertEquals(200, list.status(), "the job list: " + list);
    JsonObject listed = new JsonObject(list.bodyText()).getJsonArray("jobs").getJsonObject(0);
    assertEquals(id.toString(), listed.getString("id"));
    RawHttp.Answer one = send("GET", "/api/v1/jobs/" + id, null);
    assertEquals(200, one.status(), "the job: " + one);
    assertEquals("PENDING", new JsonObject(one.bodyText()).getString("state"));
    RawHttp.Answer rerun = send("POST", "/api/v1/jobs/" + id + "/rerun", null);
    assertEquals(201, rerun.status(), "its request is shallow, so it runs again: " + rerun);
  }
}
