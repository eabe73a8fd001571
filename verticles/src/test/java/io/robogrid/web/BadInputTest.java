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

  /** ERROR lines logged meanwhile by the grid's own code: bad input is not an unexpected error. */
  private final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> errorLog = new ch.qos.logback.core.AppenderBase<>() {
    @Override
    protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) errors.add(e.getLoggerName() + ": " + e.getFormattedMessage());
    }
  };

  private void watchErrors() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    errorLog.setContext(root.getLoggerContext());
    errorLog.start();
    root.addAppender(errorLog);
  }

  @AfterEach
  void unwatch() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(errorLog);
  }

  private static String cursor(String text) {
    return java.util.Base64.getUrlEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void nulAnOutOfRangeCursorAndBrokenHttpGetA4xxInTheErrorShapeAndStoreNothing() {
    watchErrors();
    String agent = grid.token("agent", "agent");
    int tokensBefore = grid.get("/api/v1/tokens").bodyAsJsonObject().getJsonArray("tokens").size();
    assertRefused(send("GET", "/api/v1/jobs?robot=%00", null), 400, "INVALID_REQUEST", "NUL in a query parameter");
    assertRefused(send("GET", "/api/v1/jobs?state=queued&robot=a%00", null), 400, "INVALID_REQUEST", "NUL in a second query parameter");
    assertRefused(send("DELETE", "/api/v1/tokens/a%00b", null), 400, "INVALID_REQUEST", "NUL in a path segment");
    assertRefused(send("GET", "/api/v1/jobs/" + UUID.randomUUID() + "/artifacts/a%00b", null), 400, "INVALID_REQUEST", "NUL in an artifact name");
    assertRefused(send("GET", "/api/v1/jobs?robot=%C3%28", null), 400, "INVALID_REQUEST", "bytes that are not UTF-8 in a query");
    assertRefused(send("GET", "/api/v1/jobs?robot=%zz", null), 400, "INVALID_REQUEST", "malformed percent-encoding in a query");
    byte[] claim = ("{\"claims\": [{\"jobId\": \"" + UUID.randomUUID() + "\", \"step\": \"a\\u0000\", \"attempt\": 1}]}").getBytes(StandardCharsets.UTF_8);
    assertRefused(RawHttp.send(grid.port, RawHttp.request("POST", "/api/v1/agents/a1/heartbeat", RawHttp.bearer(agent), claim), ANSWER_WITHIN_MS),
        400, "INVALID_REQUEST", "a heartbeat's claim step with NUL");
    assertRefused(send("GET", "/api/v1/jobs?cursor=" + cursor("+1000000000-12-31T23:59:59Z|" + UUID.randomUUID()), null), 400, "INVALID_REQUEST",
        "a cursor beyond what a date holds");
    assertRefused(send("GET", "/api/v1/jobs?cursor=" + cursor("+300000-12-31T23:59:59Z|" + UUID.randomUUID()), null), 400, "INVALID_REQUEST",
        "a cursor beyond PostgreSQL's range");
    assertRefused(send("GET", "/api/v1/jobs/%zz", null), 400, "INVALID_REQUEST", "malformed percent-encoding in the path");
    String token = "Authorization: Bearer " + TestGrid.ADMIN_TOKEN + "\r\n";
    assertRefused(RawHttp.send(grid.port, "GET /api/v1/jobs HTTP/1.1\r\n" + token + "Connection: close\r\n\r\n", ANSWER_WITHIN_MS),
        400, "INVALID_REQUEST", "no Host header");
    assertRefused(RawHttp.send(grid.port, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", ANSWER_WITHIN_MS), 400, "INVALID_REQUEST",
        "no Host header on /health");
    assertRefused(RawHttp.send(grid.port, "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nExpect: 999-nope\r\n" + token
        + "Content-Length: 18\r\nConnection: close\r\n\r\n{\"robot\": \"hello\"}", ANSWER_WITHIN_MS), 417, "EXPECTATION_FAILED", "Expect: 999-nope");
    assertRefused(RawHttp.send(grid.port, "GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nExpect: 999-nope\r\n" + token + "Connection: close\r\n\r\n",
        ANSWER_WITHIN_MS), 417, "EXPECTATION_FAILED", "Expect: 999-nope on a GET");
    RawHttp.Answer chunked = RawHttp.send(grid.port, "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\n" + token
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", ANSWER_WITHIN_MS);
    assertRefused(chunked, 400, "INVALID_REQUEST", "malformed chunked encoding");

    assertEquals(0, jobs());
    assertEquals(tokensBefore, grid.get("/api/v1/tokens").bodyAsJsonObject().getJsonArray("tokens").size());
    assertEquals(List.of(), errors.stream().filter(e -> e.startsWith("io.robogrid") || e.startsWith("io.vertx")).toList(),
        "bad input was logged as an unexpected error");
  }

  /** Found by the fuzz run (HostileInputFuzzTest): Vert.x answered these itself, below any handler, with bare statuses. */
  @Test
  void anUnknownHttpVersionAndABadWebSocketHandshakeGetA4xxInTheErrorShape() {
    String token = "Authorization: Bearer " + TestGrid.ADMIN_TOKEN + "\r\n";
    assertRefused(RawHttp.send(grid.port, "GET /api/v1/jobs HTTP/9.9\r\nHost: x\r\n" + token + "\r\n", ANSWER_WITHIN_MS), 400, "INVALID_REQUEST",
        "HTTP/9.9 (Vert.x: a bare 501)");
    String upgrade = "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + token;
    RawHttp.Answer version = RawHttp.send(grid.port, upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", ANSWER_WITHIN_MS);
    assertRefused(version, 400, "INVALID_REQUEST", "WebSocket version 8 (Vert.x: a bare 426)");
    assertEquals("13", version.header("Sec-WebSocket-Version"));
    assertRefused(RawHttp.send(grid.port, upgrade + "Sec-WebSocket-Version: 13\r\n\r\n", ANSWER_WITHIN_MS), 400, "INVALID_REQUEST",
        "a WebSocket handshake without a key (Vert.x: a bare 400)");
    assertRefused(RawHttp.send(grid.port, upgrade + "Sec-WebSocket-Key: not base64!\r\nSec-WebSocket-Version: 13\r\n\r\n", ANSWER_WITHIN_MS), 400,
        "INVALID_REQUEST", "a WebSocket key that is not 16 bytes in base64");
  }

  /** Found by the fuzz run: a broken chunked body on a route that reads none got no answer, and the route had acted already. */
  @Test
  void aBrokenBodyIsRefusedBeforeAnyRouteActsOnIt() {
    grid.token("keep-me", "viewer");
    String broken = "DELETE /api/v1/tokens/keep-me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGrid.ADMIN_TOKEN
        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
    assertRefused(RawHttp.send(grid.port, broken, ANSWER_WITHIN_MS), 400, "INVALID_REQUEST", "a DELETE with a malformed chunk");
    io.vertx.core.json.JsonArray tokens = grid.get("/api/v1/tokens").bodyAsJsonObject().getJsonArray("tokens");
    JsonObject kept = tokens.stream().map(t -> (JsonObject) t).filter(t -> t.getString("name").equals("keep-me")).findFirst().orElseThrow();
    assertEquals(null, kept.getString("revokedAt"), "the refused DELETE revoked the token");
  }

  @Test
  void aDataErrorFromPostgresqlIsTheRequestsFaultNotTheServers(Vertx vertx) {
    // whatever validation misses, PostgreSQL's refusal of a value (here NUL in text: 22021) is a 400, not a 500
    Pool pool = grid.db.pool(vertx);
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    router.get("/nul").handler(ctx -> pool.preparedQuery("SELECT $1::text").execute(io.vertx.sqlclient.Tuple.of("a\u0000b")).onComplete(ar ->
        ctx.fail(ar.failed() ? ar.cause() : new IllegalStateException("PostgreSQL took a NUL"))));
    router.get("/date").handler(ctx -> pool.query("SELECT '294277-01-01'::timestamptz").execute().onComplete(ar ->
        ctx.fail(ar.failed() ? ar.cause() : new IllegalStateException("PostgreSQL took year 294277"))));
    router.route().failureHandler(ApiErrors::handle);
    int port = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
    for (String path : List.of("/nul", "/date")) {
      RawHttp.Answer a = RawHttp.send(port, RawHttp.request("GET", path, "", null), ANSWER_WITHIN_MS);
      assertRefused(a, 400, "INVALID_REQUEST", path);
    }
    Await.result(pool.close());
  }

  private RawHttp.Answer submitBytes(byte[] body) {
    return RawHttp.send(grid.port, RawHttp.request("POST", "/api/v1/jobs", RawHttp.bearer(TestGrid.ADMIN_TOKEN)
        + "Content-Type: application/json\r\n", body), ANSWER_WITHIN_MS);
  }

  private static byte[] bytes(String prefix, int[] raw, String suffix) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    for (int x : raw) b.write(x);
    b.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  @Test
  void jsonThatCouldBeReadTwoWaysIsRefusedAsMalformed() {
    String in = "{\"robot\": \"hello\", \"input\": ";
    java.util.Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
    bodies.put("duplicate keys", "{\"robot\": \"hello\", \"robot\": \"other\"}".getBytes(StandardCharsets.UTF_8));
    bodies.put("duplicate keys deeper", (in + "{\"a\": 1, \"a\": 2}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("a block comment", "{\"robot\": \"hello\" /* c */}".getBytes(StandardCharsets.UTF_8));
    bodies.put("a line comment", "{\"robot\": \"hello\" // c\n}".getBytes(StandardCharsets.UTF_8));
    bodies.put("a lone high surrogate", (in + "{\"a\": \"x\\ud800\"}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("a lone low surrogate in a key", (in + "{\"\\udc00\": 1}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("a reversed surrogate pair", (in + "{\"a\": \"\\udd1e\\ud834\"}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("1e999", (in + "{\"a\": 1e999}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("-1e999", (in + "{\"a\": -1e999}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("1e-999, not zero but read as zero", (in + "{\"a\": 1e-999}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("trailing text", "{\"robot\": \"hello\"} x".getBytes(StandardCharsets.UTF_8));
    bodies.put("two values", "{\"robot\": \"hello\"}{}".getBytes(StandardCharsets.UTF_8));
    bodies.put("bytes that are not UTF-8", bytes(in + "{\"a\": \"", new int[] {0xC3, 0x28}, "\"}}"));
    bodies.put("an overlong UTF-8 encoding", bytes(in + "{\"a\": \"", new int[] {0xC0, 0xAF}, "\"}}"));
    bodies.put("a surrogate encoded in UTF-8", bytes(in + "{\"a\": \"", new int[] {0xED, 0xA0, 0x80}, "\"}}"));
    bodies.put("UTF-16", "{\"robot\": \"hello\"}".getBytes(StandardCharsets.UTF_16LE));
    bodies.put("a byte order mark", bytes("", new int[] {0xEF, 0xBB, 0xBF}, "{\"robot\": \"hello\"}"));
    bodies.put("NaN", (in + "{\"a\": NaN}}").getBytes(StandardCharsets.UTF_8));
    bodies.put("single quotes", "{'robot': 'hello'}".getBytes(StandardCharsets.UTF_8));
    java.util.List<String> wrong = new java.util.ArrayList<>();
    bodies.forEach((what, body) -> {
      RawHttp.Answer a = submitBytes(body);
      if (a.status() != 400 || !"MALFORMED_JSON".equals(a.errorCode())) wrong.add(what + ": " + a);
    });
    assertEquals(List.of(), wrong);
    assertEquals(0, jobs());

    // what reads one way only is kept exactly: a surrogate pair, a large but finite number, a 30-digit integer
    RawHttp.Answer ok = submitBytes((in + "{\"clef\": \"\\ud834\\udd1e\", \"big\": 1e308, \"int\": 123456789012345678901234567890}}")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(201, ok.status(), ok.toString());
    JsonObject input = grid.job(new JsonObject(ok.bodyText()).getString("id")).getJsonObject("input");
    assertEquals("\ud834\udd1e", input.getString("clef"));
    assertEquals(1e308, input.getDouble("big"));
    assertEquals(new java.math.BigInteger("123456789012345678901234567890"), new java.math.BigDecimal(input.getValue("int").toString()).toBigIntegerExact());
  }

  @Test
  void aQueryParameterGivenTwiceIsRefusedRatherThanOneOfThemPicked() {
    assertRefused(send("GET", "/api/v1/jobs?state=QUEUED&state=FAILED", null), 400, "INVALID_REQUEST", "state twice");
    assertRefused(send("GET", "/api/v1/jobs?limit=1;limit=500", null), 400, "INVALID_REQUEST", "limit twice, once after ';'");
    assertRefused(send("GET", "/api/v1/notifications?job=" + UUID.randomUUID() + "&job=" + UUID.randomUUID(), null), 400, "INVALID_REQUEST",
        "job twice");
    assertEquals(200, send("GET", "/api/v1/jobs?state=QUEUED&limit=5", null).status());
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
