package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every API endpoint against every kind of caller: no token and a wrong token get 401, a role that may not get 403
 * (agents' endpoints are for agent tokens only),
 * both in the API's error shape; the rest get past authentication. {@code /health} stays open.
 */
@ExtendWith(VertxExtension.class)
class AuthorizationTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "nightly", "schedule": {"cron": "0 3 * * *"}, "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  /** An endpoint and the least role that may call it. */
  private record Endpoint(HttpMethod method, String path, String body, String role) {}

  @Test
  void everyEndpointAnswers401WithoutAValidTokenAnd403ToARoleThatMayNot(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, ROBOTS, 4);
    String job = grid.submit(TestGrid.inline(null, TestGrid.step("s", "set", new JsonObject()))).getString("id");
    String j = "/api/v1/jobs/" + job;
    List<Endpoint> endpoints = List.of(
        new Endpoint(HttpMethod.GET, "/api/v1/jobs", null, "viewer"),
        new Endpoint(HttpMethod.GET, j, null, "viewer"),
        new Endpoint(HttpMethod.GET, j + "/events", null, "viewer"),
        new Endpoint(HttpMethod.GET, j + "/artifacts", null, "viewer"),
        new Endpoint(HttpMethod.GET, j + "/artifacts/x.png", null, "viewer"),
        new Endpoint(HttpMethod.GET, "/api/v1/robots", null, "viewer"),
        new Endpoint(HttpMethod.GET, "/api/v1/robots/nightly", null, "viewer"),
        new Endpoint(HttpMethod.GET, "/api/v1/cluster", null, "viewer"),
        new Endpoint(HttpMethod.GET, "/api/v1/notifications", null, "viewer"),
        new Endpoint(HttpMethod.POST, "/api/v1/jobs", "{\"robot\": \"nightly\"}", "operator"),
        new Endpoint(HttpMethod.POST, j + "/cancel", null, "operator"),
        new Endpoint(HttpMethod.POST, j + "/rerun", null, "operator"),
        new Endpoint(HttpMethod.POST, j + "/review", null, "operator"),
        new Endpoint(HttpMethod.POST, j + "/approve", null, "operator"),
        new Endpoint(HttpMethod.POST, j + "/reject", "{\"reason\": \"no\"}", "operator"),
        new Endpoint(HttpMethod.POST, "/api/v1/robots/nightly/schedule/pause", null, "operator"),
        new Endpoint(HttpMethod.POST, "/api/v1/robots/nightly/schedule/resume", null, "operator"),
        new Endpoint(HttpMethod.POST, "/api/v1/config/reload", null, "admin"),
        new Endpoint(HttpMethod.GET, "/api/v1/secrets", null, "admin"),
        new Endpoint(HttpMethod.PUT, "/api/v1/secrets/db", "{\"value\": \"pa55word\"}", "admin"),
        new Endpoint(HttpMethod.GET, "/api/v1/secrets/db/uses", null, "admin"),
        new Endpoint(HttpMethod.DELETE, "/api/v1/secrets/nothing", null, "admin"),
        new Endpoint(HttpMethod.POST, "/api/v1/secrets/rekey", null, "admin"),
        new Endpoint(HttpMethod.GET, "/api/v1/tokens", null, "admin"),
        new Endpoint(HttpMethod.POST, "/api/v1/tokens", "{\"name\": \"made-in-test\", \"role\": \"viewer\"}", "admin"),
        new Endpoint(HttpMethod.DELETE, "/api/v1/tokens/nobody", null, "admin"),
        new Endpoint(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm", null, "agent"),
        new Endpoint(HttpMethod.POST, "/api/v1/agents/a1/heartbeat", null, "agent"),
        new Endpoint(HttpMethod.POST, j + "/events", "{\"type\": \"log\", \"step\": \"s\", \"attempt\": 1, \"message\": \"hi\"}", "agent"));
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("none", null);
    callers.put("wrong", "rgt_not-a-token-of-this-grid");
    for (String role : List.of("viewer", "operator", "agent")) callers.put(role, grid.token("t-" + role, role));
    callers.put("admin", TestGrid.ADMIN_TOKEN);
    String revoked = grid.token("t-revoked", "admin");
    assertEquals(200, grid.call(HttpMethod.DELETE, "/api/v1/tokens/t-revoked", null).statusCode());
    callers.put("revoked", revoked);

    List<String> wrong = new ArrayList<>();
    for (Endpoint e : endpoints) {
      for (Map.Entry<String, String> c : callers.entrySet()) {
        HttpResponse<Buffer> r = grid.call(e.method, e.path, e.body, c.getValue());
        int expected = switch (c.getKey()) {
          case "none", "wrong", "revoked" -> 401;
          case "agent" -> e.role.equals("agent") ? 0 : 403;
          case "viewer" -> e.role.equals("viewer") ? 0 : 403;
          case "operator" -> e.role.equals("admin") || e.role.equals("agent") ? 403 : 0;
          default -> e.role.equals("agent") ? 403 : 0; // an agent's endpoints are for agents only, not for people
        };
        int got = r.statusCode();
        boolean ok = expected == 0 ? got != 401 && got != 403 : got == expected;
        if (ok && expected != 0) {
          JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
          ok = error != null && error.getString("code").equals(expected == 401 ? "UNAUTHORIZED" : "FORBIDDEN");
        }
        if (!ok) wrong.add(e.method + " " + e.path + " as " + c.getKey() + ": " + got + " " + r.bodyAsString());
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(200, grid.call(HttpMethod.GET, "/health", null, null).statusCode(), "/health needs no token");
    assertEquals("Bearer realm=\"robogrid\"", grid.call(HttpMethod.GET, "/api/v1/jobs", null, null).getHeader("WWW-Authenticate"));

    var ws = vertx.createWebSocketClient();
    Throwable refused = Await.failure(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1").setURI("/api/v1/stream")));
    assertTrue(String.valueOf(refused.getMessage()).contains("401"), "the stream without a token: " + refused);
    Await.result(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1")
        .setURI("/api/v1/stream?access_token=" + callers.get("viewer"))).compose(s -> s.close()));
    // a token this node has not seen yet (looked up in the database while the upgrade waits), in the header too
    String fresh = grid.token("t-stream", "viewer");
    Await.result(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1").setURI("/api/v1/stream")
        .addHeader("Authorization", "Bearer " + fresh)).compose(s -> s.close()));
  }
}
