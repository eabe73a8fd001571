package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.RawHttp;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every API route against every kind of caller: no token and a wrong token get 401, a role that may not get 403
 * (agents' routes are for agent tokens only), both in the API's error shape; the rest get past authorisation.
 * Spellings of a path that a router would normalise into another route (dot segments, encoded separators) are
 * refused for everyone before anything runs; an equivalent spelling (an unreserved letter percent-encoded) is
 * decided exactly as the plain one. {@code /health} stays open.
 */
@ExtendWith(VertxExtension.class)
class AuthorizationTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "nightly", "schedule": {"cron": "0 3 * * *"}, "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";

  private TestGrid grid;
  private String job;
  private final Map<String, String> callers = new LinkedHashMap<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, ROBOTS, 4);
    job = grid.submit(TestGrid.inline(null, TestGrid.step("s", "set", new JsonObject()))).getString("id");
    callers.put("none", null);
    callers.put("wrong", "rgt_not-a-token-of-this-grid");
    for (String role : List.of("viewer", "operator", "agent")) callers.put(role, grid.token("t-" + role, role));
    callers.put("admin", TestGrid.ADMIN_TOKEN);
    String revoked = grid.token("t-revoked", "admin");
    assertEquals(200, grid.call(HttpMethod.DELETE, "/api/v1/tokens/t-revoked", null).statusCode());
    callers.put("revoked", revoked);
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  /** A route as the API declares it ({@code template}, the least role that may call it) and a request that reaches it. */
  record Endpoint(HttpMethod method, String template, String role, String path, String body) {}

  /** The API's routes: this table is the role model, and it must be the one the server declares. */
  static List<Endpoint> endpoints(String job) {
    String j = "/api/v1/jobs/" + job;
    return List.of(
        new Endpoint(HttpMethod.GET, "/jobs", "viewer", "/api/v1/jobs", null),
        new Endpoint(HttpMethod.GET, "/jobs/:id", "viewer", j, null),
        new Endpoint(HttpMethod.GET, "/jobs/:id/events", "viewer", j + "/events", null),
        new Endpoint(HttpMethod.GET, "/jobs/:id/artifacts", "viewer", j + "/artifacts", null),
        new Endpoint(HttpMethod.GET, "/jobs/:id/artifacts/:name", "viewer", j + "/artifacts/x.png", null),
        new Endpoint(HttpMethod.GET, "/robots", "viewer", "/api/v1/robots", null),
        new Endpoint(HttpMethod.GET, "/robots/:name", "viewer", "/api/v1/robots/nightly", null),
        new Endpoint(HttpMethod.GET, "/cluster", "viewer", "/api/v1/cluster", null),
        new Endpoint(HttpMethod.GET, "/notifications", "viewer", "/api/v1/notifications", null),
        new Endpoint(HttpMethod.GET, "/stream", "viewer", "/api/v1/stream", null),
        new Endpoint(HttpMethod.GET, "/paths", "viewer", "/api/v1/paths", null),
        new Endpoint(HttpMethod.GET, "/costs", "viewer", "/api/v1/costs", null),
        new Endpoint(HttpMethod.GET, "/overview", "viewer", "/api/v1/overview", null),
        new Endpoint(HttpMethod.DELETE, "/paths/:id", "operator", "/api/v1/paths/12345", null),
        new Endpoint(HttpMethod.DELETE, "/paths", "operator", "/api/v1/paths?site=http%3A%2F%2Fnowhere.test", null),
        new Endpoint(HttpMethod.POST, "/jobs", "operator", "/api/v1/jobs", "{\"robot\": \"nightly\"}"),
        new Endpoint(HttpMethod.POST, "/jobs:batch", "operator", "/api/v1/jobs:batch", "{\"jobs\": [{\"robot\": \"nightly\"}]}"),
        new Endpoint(HttpMethod.POST, "/jobs/:id/cancel", "operator", j + "/cancel", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/pause", "operator", j + "/pause", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/resume", "operator", j + "/resume", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/rerun", "operator", j + "/rerun", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/review", "operator", j + "/review", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/approve", "operator", j + "/approve", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/reject", "operator", j + "/reject", "{\"reason\": \"no\"}"),
        new Endpoint(HttpMethod.POST, "/robots/:name/schedule/pause", "operator", "/api/v1/robots/nightly/schedule/pause", null),
        new Endpoint(HttpMethod.POST, "/robots/:name/schedule/resume", "operator", "/api/v1/robots/nightly/schedule/resume", null),
        new Endpoint(HttpMethod.POST, "/config/reload", "admin", "/api/v1/config/reload", null),
        new Endpoint(HttpMethod.GET, "/secrets", "admin", "/api/v1/secrets", null),
        new Endpoint(HttpMethod.PUT, "/secrets/:name", "admin", "/api/v1/secrets/db", "{\"value\": \"pa55word\"}"),
        new Endpoint(HttpMethod.GET, "/secrets/:name/uses", "admin", "/api/v1/secrets/db/uses", null),
        new Endpoint(HttpMethod.DELETE, "/secrets/:name", "admin", "/api/v1/secrets/nothing", null),
        new Endpoint(HttpMethod.POST, "/secrets/rekey", "admin", "/api/v1/secrets/rekey", null),
        new Endpoint(HttpMethod.GET, "/tokens", "admin", "/api/v1/tokens", null),
        new Endpoint(HttpMethod.POST, "/tokens", "admin", "/api/v1/tokens", "{\"name\": \"made-in-test\", \"role\": \"viewer\"}"),
        new Endpoint(HttpMethod.DELETE, "/tokens/:name", "admin", "/api/v1/tokens/nobody", null),
        new Endpoint(HttpMethod.GET, "/agents/:agentId/work", "agent", "/api/v1/agents/a1/work?capability=crm", null),
        new Endpoint(HttpMethod.POST, "/agents/:agentId/heartbeat", "agent", "/api/v1/agents/a1/heartbeat", null),
        new Endpoint(HttpMethod.POST, "/jobs/:id/events", "agent", j + "/events", "{\"type\": \"log\", \"step\": \"s\", \"attempt\": 1, \"message\": \"hi\"}"));
  }

  private RawHttp.Answer send(Endpoint e, String path, String token) {
    byte[] body = e.body == null ? null : e.body.getBytes(StandardCharsets.UTF_8);
    String headers = RawHttp.bearer(token) + (body == null ? "" : "Content-Type: application/json\r\n");
    return RawHttp.send(grid.port, RawHttp.request(e.method.name(), path, headers, body), 10_000);
  }

  /** What a caller must get from a route: 401/403 with its code, or 0 for "past authorisation" (any other answer). */
  private static int expected(String caller, String role) {
    return switch (caller) {
      case "none", "wrong", "revoked" -> 401;
      case "agent" -> role.equals("agent") ? 0 : 403;
      case "viewer" -> role.equals("viewer") ? 0 : 403;
      case "operator" -> role.equals("admin") || role.equals("agent") ? 403 : 0;
      default -> role.equals("agent") ? 403 : 0; // an agent's routes are for agents only, not for people
    };
  }

  /** The same path with the first letter of its last literal segment percent-encoded: equivalent, so decided the same. */
  private static String equivalent(String path) {
    String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String q = path.substring(p.length());
    int slash = p.lastIndexOf('/');
    String last = p.substring(slash + 1);
    if (last.isEmpty() || !Character.isLetter(last.charAt(0)) || last.contains("-") && last.length() == 36) return null; // a job id: leave it
    return p.substring(0, slash + 1) + String.format("%%%02x", (int) last.charAt(0)) + last.substring(1) + q;
  }

  @Test
  void everyRouteAnswers401WithoutAValidTokenAnd403ToARoleThatMayNot() {
    List<String> wrong = new ArrayList<>();
    for (Endpoint e : endpoints(job)) {
      for (Map.Entry<String, String> c : callers.entrySet()) {
        int expected = expected(c.getKey(), e.role);
        List<String> spellings = new ArrayList<>(List.of(e.path));
        if (equivalent(e.path) != null) spellings.add(equivalent(e.path));
        for (String path : spellings) {
          RawHttp.Answer r = send(e, path, c.getValue());
          boolean ok = expected == 0 ? r.status() != 401 && r.status() != 403 && r.status() > 0
              : r.status() == expected && (expected == 401 ? "UNAUTHORIZED" : "FORBIDDEN").equals(r.errorCode());
          if (!ok) wrong.add(e.method + " " + path + " as " + c.getKey() + ": " + r);
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(200, grid.call(HttpMethod.GET, "/health", null, null).statusCode(), "/health needs no token");
    assertEquals("Bearer realm=\"robogrid\"", grid.call(HttpMethod.GET, "/api/v1/jobs", null, null).getHeader("WWW-Authenticate"));
  }

  @Test
  void theRoleModelHereIsTheOneTheServerDeclares(Vertx vertx) {
    // a second web node on the same database, to read what it mounted
    WebVerticle web = new WebVerticle(new WebOptions("127.0.0.1", 0, 64 * 1024, null), grid.db, grid.robots,
        io.robogrid.workflow.StepCatalog.builtIn(), java.time.Clock.systemUTC(), new JsonObject().put("node", "second"),
        java.time.Duration.ofSeconds(3), new io.robogrid.secrets.Keyring(null));
    Await.result(vertx.deployVerticle(web));
    List<String> declared = web.routes().stream().map(d -> d.method() + " " + d.path() + " " + d.role().label()).sorted().toList();
    List<String> tested = endpoints(job).stream().map(e -> e.method + " " + e.template + " " + e.role).sorted().toList();
    assertEquals(tested, declared);
  }

  @Test
  void aRouteMountedWithoutARoleKeepsTheApiFromStarting(Vertx vertx) {
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    ApiRoutes api = new ApiRoutes(router, ctx -> ctx.next());
    api.get("/declared", io.robogrid.auth.Role.VIEWER, ctx -> ctx.end());
    router.get("/undeclared").handler(ctx -> ctx.end());
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> api.finish(ApiErrors::handle));
    assertTrue(e.getMessage().contains("/undeclared"), e.getMessage());
  }

  @Test
  void theStreamTakesItsTokenFromTheHeaderOrTheQuery(Vertx vertx) {
    var ws = vertx.createWebSocketClient();
    Throwable refused = Await.failure(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1").setURI("/api/v1/stream")));
    assertTrue(String.valueOf(refused.getMessage()).contains("401"), "the stream without a token: " + refused);
    Throwable agent = Await.failure(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1")
        .setURI("/api/v1/stream?access_token=" + callers.get("agent"))));
    assertTrue(String.valueOf(agent.getMessage()).contains("403"), "the stream for an agent token: " + agent);
    Await.result(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1")
        .setURI("/api/v1/stream?access_token=" + callers.get("viewer"))).compose(s -> s.close()));
    // a token this node has not seen yet (looked up in the database while the upgrade waits), in the header too
    String fresh = grid.token("t-stream", "viewer");
    Await.result(ws.connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1").setURI("/api/v1/stream")
        .addHeader("Authorization", "Bearer " + fresh)).compose(s -> s.close()));
  }

  /** Spellings of {@code path} that a normalising router would route as {@code path} (or elsewhere). */
  static List<String> ambiguous(String path) {
    String rest = path.substring("/api/v1/".length());
    return List.of(
        "/api/v1/agents/../" + rest,
        "/api/v1/agents/%2e%2e/" + rest,
        "/api/v1/jobs/%2E%2E/" + rest,
        "/api/v1/jobs/.%2e/" + rest,
        "/api/v1/./" + rest,
        "/api/v1/%2e/" + rest,
        "/api/v1//" + rest,
        "/api/v1/agents%2f..%2f" + rest,
        "/api/v1/agents/..%2f" + rest,
        "/api/v1/agents/..%5c" + rest,
        "/api/v1/agents\\..\\" + rest);
  }

  @Test
  void dotSegmentsAndEncodedSeparatorsAreRefusedForEveryRoleBeforeAnythingRuns() {
    JsonObject before = stored();
    List<String> wrong = new ArrayList<>();
    for (Endpoint e : endpoints(job)) {
      for (String path : ambiguous(e.path)) {
        for (Map.Entry<String, String> c : callers.entrySet()) {
          RawHttp.Answer r = send(e, path, c.getValue());
          if (r.status() != 400 || !"INVALID_REQUEST".equals(r.errorCode())) wrong.add(e.method + " " + path + " as " + c.getKey() + ": " + r);
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(before, stored(), "a refused request changed what is stored");
  }

  /** The reproductions: an agent token made an admin token, set a secret, reloaded, submitted; a viewer read secrets. */
  @Test
  void anAgentTokenDoesNotBecomeAdminThroughDotSegments() {
    JsonObject before = stored();
    String agent = callers.get("agent"), viewer = callers.get("viewer");
    Endpoint token = new Endpoint(HttpMethod.POST, "", "", "", "{\"name\":\"x\",\"role\":\"admin\"}");
    assertEquals(400, send(token, "/api/v1/agents/%2e%2e/tokens", agent).status());
    assertEquals(400, send(new Endpoint(HttpMethod.PUT, "", "", "", "{\"value\":\"v\"}"), "/api/v1/agents/%2e%2e/secrets/x", agent).status());
    assertEquals(400, send(new Endpoint(HttpMethod.POST, "", "", "", null), "/api/v1/agents/../config/reload", agent).status());
    assertEquals(400, send(new Endpoint(HttpMethod.POST, "", "", "", "{\"robot\":\"nightly\"}"), "/api/v1/agents/../jobs", agent).status());
    Endpoint read = new Endpoint(HttpMethod.GET, "", "", "", null);
    RawHttp.Answer secrets = send(read, "/api/v1/jobs/../secrets", viewer);
    RawHttp.Answer tokens = send(read, "/api/v1/jobs/%2e%2e/tokens", viewer);
    assertEquals(400, secrets.status(), secrets.toString());
    assertEquals(400, tokens.status(), tokens.toString());
    assertTrue(!tokens.bodyText().contains("t-viewer"), "the token list leaked: " + tokens);
    assertEquals(before, stored());
  }

  /** What the grid stores that these requests could change: tokens, secrets, jobs. */
  private JsonObject stored() {
    HttpResponse<Buffer> tokens = grid.get("/api/v1/tokens"), secrets = grid.get("/api/v1/secrets"), jobs = grid.get("/api/v1/jobs?limit=500");
    return new JsonObject().put("tokens", tokens.bodyAsJsonObject().getJsonArray("tokens").size())
        .put("secrets", secrets.bodyAsJsonObject().getJsonArray("secrets").size())
        .put("jobs", jobs.bodyAsJsonObject().getJsonArray("jobs").size());
  }
}
