package io.robogrid.web;

import io.robogrid.testing.RawHttp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Builds hostile requests from a seed: for every route, a path parameter or segment swapped for a dot segment, an
 * encoded separator, NUL, bytes that are not UTF-8…; hostile query values; bodies that are malformed, nested deep,
 * huge, of the wrong type in one field; and requests that break HTTP itself, written byte for byte. Each request says
 * whether only its body was changed (then the role check must decide it as any other request for its route).
 */
final class HostileRequests {
  /** What kind of damage a request carries. */
  enum Kind { CLEAN, BODY, PATH, QUERY, HEADERS, PROTOCOL, WEBSOCKET }

  /** A request: its bytes, the route it aims at and who sends it; {@code routed}: path, query and HTTP are untouched. */
  record Request(Kind kind, String label, byte[] bytes, AuthorizationTest.Endpoint endpoint, String caller, boolean routed) {}

  static final List<String> SEGMENTS = List.of("..", ".", "%2e%2e", "%2E", ".%2e", "%2f", "a%2fb", "%5c", "a%00b", "%00", "%zz", "%",
      "%C3%28", "%C0%AE", "%ED%A0%80", "%F0%9F%98%80", "%20", "+", "a;b", "%3B", "..;", "%u002e", "%252e%252e", "%EF%BB%BF", "%7f",
      "%c2%85", "%0d%0a", "null", "-1", "99999999999999999999999", "%5Bobject%20Object%5D", "00000000-0000-0000-0000-000000000000",
      "x".repeat(3000), "%E2%80%AE", "\u00e9", "a b");
  static final List<String> VALUES = List.of("%00", "%zz", "%", "%C3%28", "", "-1", "0", "1", "99999999999999999999", "1e3", "NaN",
      "9223372036854775807", "-9223372036854775808", "x".repeat(3000), "a%26b", "%2e%2e", "%E2%82%AC", "+", "%0A", "open", "QUEUED",
      "queued", "%ED%A0%80", "true", "[]", "%7B%7D");
  private static final Map<String, List<String>> PARAMS = Map.of(
      "/jobs", List.of("state", "robot", "review", "limit", "cursor"), "/jobs/:id/events", List.of("after", "limit"),
      "/notifications", List.of("job", "limit"), "/agents/:agentId/work", List.of("capability", "wait"),
      "/stream", List.of("job", "after", "access_token"));
  /** Values of every JSON type, sizes and edges, for one field at a time. */
  private static final List<Supplier<Object>> PALETTE = List.of(() -> 0, () -> -1, () -> 1.5, () -> 1e308, () -> Long.MAX_VALUE,
      () -> new java.math.BigInteger("9".repeat(300)), () -> "", () -> "x", () -> "x".repeat(20_000), () -> true, () -> null,
      () -> new JsonArray(), () -> new JsonArray().add(1), () -> new JsonObject(), () -> new JsonObject().put("a", new JsonObject()),
      () -> nestedValue(63), () -> "${input.a}", () -> "\u202e\u00e9\ud83d\ude00", () -> "2030-01-01T00:00:00Z", () -> "1h", () -> "admin",
      () -> UUID.randomUUID().toString());

  private final Random random;
  private final String job;
  private final Map<String, String> callers;
  private final List<AuthorizationTest.Endpoint> endpoints;

  HostileRequests(long seed, String job, Map<String, String> callers) {
    this.random = new Random(seed);
    this.job = job;
    this.callers = callers;
    this.endpoints = AuthorizationTest.endpoints(job);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  Request next() {
    AuthorizationTest.Endpoint e = pick(endpoints);
    String caller = pick(List.copyOf(callers.keySet()));
    int dice = random.nextInt(100);
    Kind kind = dice < 8 ? Kind.CLEAN : dice < 45 ? Kind.BODY : dice < 62 ? Kind.PATH : dice < 74 ? Kind.QUERY : dice < 82 ? Kind.HEADERS
        : dice < 94 ? Kind.PROTOCOL : Kind.WEBSOCKET;
    if (e.template().equals("/stream") && kind != Kind.QUERY && random.nextBoolean()) kind = Kind.WEBSOCKET;
    String path = e.path();
    byte[] body = e.body() == null ? null : e.body().getBytes(StandardCharsets.UTF_8);
    String label = kind.name();
    String headers = RawHttp.bearer(callers.get(caller)) + "Content-Type: application/json\r\n";
    switch (kind) {
      case CLEAN -> {}
      case BODY -> {
        Map.Entry<String, byte[]> b = body(e);
        label += " " + b.getKey();
        body = b.getValue();
      }
      case PATH -> {
        String[] parts = path.split("\\?", 2);
        String[] segments = parts[0].split("/");
        int i = 3 + random.nextInt(segments.length - 3); // a segment after /api/v1
        segments[i] = pick(SEGMENTS);
        path = String.join("/", segments) + (parts.length > 1 ? "?" + parts[1] : "");
        label += " " + shorten(segments[i]);
      }
      case QUERY -> {
        List<String> names = PARAMS.getOrDefault(e.template(), List.of("limit", "x"));
        StringBuilder q = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          if (q.length() > 0) q.append(random.nextInt(5) == 0 ? ";" : "&");
          String name = pick(names);
          q.append(name).append('=').append(name.equals("cursor") ? cursor() : pick(VALUES));
        }
        path = path.split("\\?")[0] + "?" + q;
        label += " " + shorten(q.toString());
      }
      case HEADERS -> {
        String h = pick(List.of("Authorization: Bearer \r\n", "Authorization: Basic YWRtaW46YWRtaW4=\r\n", "Authorization: bearer  " + "x".repeat(5000) + "\r\n",
            RawHttp.bearer(callers.get(caller)) + RawHttp.bearer(callers.get("admin")), "Authorization: Bearer rgt_\u00ff\u00fe\r\n",
            "Content-Type: text/plain\r\n", "Content-Type: application/json; charset=utf-16\r\n", "Content-Type: \r\n",
            "Accept: application/xml\r\n", "X-Forwarded-For: 127.0.0.1, ../..\r\n", "Idempotency-Key: \u00e9\r\n",
            "Idempotency-Key: " + "k".repeat(300) + "\r\n", "Idempotency-Key: a\r\nIdempotency-Key: b\r\n", "Idempotency-Key: fuzz-" + random.nextInt(20) + "\r\n",
            "Expect: 100-continue\r\n", "Expect: 999-nope\r\n", "Accept-Encoding: gzip, deflate, br\r\n", "Origin: http://evil.example\r\n"));
        headers = (h.startsWith("Authorization") ? "" : RawHttp.bearer(callers.get(caller))) + (h.startsWith("Content-Type") ? "" : "Content-Type: application/json\r\n") + h;
        label += " " + shorten(h.strip());
      }
      case PROTOCOL -> {
        return protocol(e, caller);
      }
      case WEBSOCKET -> {
        return websocket(caller);
      }
    }
    boolean routed = kind == Kind.CLEAN || kind == Kind.BODY;
    return new Request(kind, label, RawHttp.request(e.method().name(), path, headers, body), e, caller, routed);
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
  }

  private String cursor() {
    String text = pick(List.of("+1000000000-12-31T23:59:59Z|" + UUID.randomUUID(), "+300000-01-01T00:00:00Z|" + UUID.randomUUID(),
        "2020-01-01T00:00:00Z|not-a-uuid", "|", "", "2020-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z|" + UUID.randomUUID(),
        "2020-01-01T00:00:00Z|" + UUID.randomUUID() + "|x", "\u0000|\u0000"));
    return random.nextInt(4) == 0 ? "!!not-base64" : Base64.getUrlEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static Object nestedValue(int depth) {
    Object v = 1;
    for (int i = 0; i < depth; i++) v = new JsonArray().add(v);
    return v;
  }

  /** A valid body for the route, to damage one field of. */
  private JsonObject template(AuthorizationTest.Endpoint e) {
    return switch (e.template()) {
      case "/jobs" -> random.nextBoolean() ? new JsonObject().put("robot", "nightly").put("input", new JsonObject().put("a", 1)).put("priority", 1)
          .put("delay", "1h") : new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("id", "s")
          .put("type", "set").put("with", new JsonObject().put("x", "${input.a}"))))).put("runAt", "2030-01-01T00:00:00Z");
      case "/jobs/:id/reject" -> new JsonObject().put("reason", "no");
      case "/jobs/:id/approve" -> new JsonObject().put("comment", "ok");
      case "/jobs/:id/review" -> new JsonObject().put("note", "seen");
      case "/tokens" -> new JsonObject().put("name", "fuzz-" + random.nextInt(1000)).put("role", pick(List.of("viewer", "operator", "agent", "admin", "root")));
      case "/secrets/:name" -> new JsonObject().put("value", "v");
      case "/agents/:agentId/heartbeat" -> new JsonObject().put("claims", new JsonArray().add(new JsonObject().put("jobId", job).put("step", "s").put("attempt", 1)));
      case "/jobs/:id/events" -> new JsonObject().put("type", pick(List.of("log", "progress", "result", "error"))).put("step", "s").put("attempt", 1)
          .put("message", "hi").put("output", new JsonObject()).put("level", "info").put("errorClass", "AGENT_ERROR");
      default -> new JsonObject();
    };
  }

  /** A damaged body for the route, and what was done to it. */
  private Map.Entry<String, byte[]> body(AuthorizationTest.Endpoint e) {
    JsonObject t = template(e);
    int dice = random.nextInt(100);
    if (dice < 45) {
      // one field of the wrong type or an edge value, at the top or one level down; or one missing, or one unknown
      List<String> fields = List.copyOf(t.fieldNames());
      Object value = pick(PALETTE).get();
      if (fields.isEmpty() || random.nextInt(6) == 0) return Map.entry("unknown field", t.put("unknown", value).encode().getBytes(StandardCharsets.UTF_8));
      String f = pick(fields);
      if (random.nextInt(5) == 0) {
        t.remove(f);
        return Map.entry("without " + f, t.encode().getBytes(StandardCharsets.UTF_8));
      }
      if (t.getValue(f) instanceof JsonObject inner && !inner.isEmpty()) {
        String g = pick(List.copyOf(inner.fieldNames()));
        inner.put(g, value);
        return Map.entry(f + "." + g + " = " + shorten(String.valueOf(value)), t.encode().getBytes(StandardCharsets.UTF_8));
      }
      t.put(f, value);
      return Map.entry(f + " = " + shorten(String.valueOf(value)), t.encode().getBytes(StandardCharsets.UTF_8));
    }
    String text = t.encode();
    String inner = text.length() > 2 ? text.substring(1, text.length() - 1) + "," : "";
    return switch (random.nextInt(20)) {
      case 0 -> Map.entry("truncated", text.substring(0, random.nextInt(Math.max(1, text.length()))).getBytes(StandardCharsets.UTF_8));
      case 1 -> Map.entry("random bytes", randomBytes(1 + random.nextInt(200)));
      case 2 -> Map.entry("nested " + 65, ("{" + inner + "\"x\":" + "[".repeat(65) + "]".repeat(65) + "}").getBytes(StandardCharsets.UTF_8));
      case 3 -> Map.entry("nested 30000", ("[".repeat(30_000) + "]".repeat(30_000)).getBytes(StandardCharsets.UTF_8));
      case 4 -> Map.entry("1e999", ("{" + inner + "\"x\": " + pick(List.of("1e999", "-1e999", "1e-999", "1" + "0".repeat(1200), "1E400", "-0", "0.1e-400")) + "}")
          .getBytes(StandardCharsets.UTF_8));
      case 5 -> Map.entry("escaped NUL", ("{" + inner + "\"x\": \"a\\u0000b\"}").getBytes(StandardCharsets.UTF_8));
      case 6 -> Map.entry("raw NUL", bytes("{" + inner + "\"x\": \"a", new int[] {0}, "b\"}"));
      case 7 -> Map.entry("invalid UTF-8", bytes("{" + inner + "\"x\": \"", new int[] {pick(List.of(0xC3, 0xFF, 0xED, 0xC0, 0x80)), 0x28, 0xAF}, "\"}"));
      case 8 -> Map.entry("lone surrogate", ("{" + inner + "\"x\": \"" + pick(List.of("\\ud800", "\\udfff", "\\udd1e\\ud834")) + "\"}").getBytes(StandardCharsets.UTF_8));
      case 9 -> Map.entry("duplicate key", ("{" + inner + "\"x\": 1, \"x\": 2}").getBytes(StandardCharsets.UTF_8));
      case 10 -> Map.entry("comment", ("{" + inner + "/* c */ \"x\": 1}").getBytes(StandardCharsets.UTF_8));
      case 11 -> Map.entry("60 KB string", ("{" + inner + "\"x\": \"" + "y".repeat(60_000) + "\"}").getBytes(StandardCharsets.UTF_8));
      case 12 -> Map.entry("over the body limit", ("{" + inner + "\"x\": \"" + "y".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8));
      case 13 -> Map.entry("not an object", pick(List.of("[]", "1", "\"s\"", "null", "true", "[{}]")).getBytes(StandardCharsets.UTF_8));
      case 14 -> Map.entry("empty", new byte[0]);
      case 15 -> Map.entry("UTF-16", text.getBytes(StandardCharsets.UTF_16));
      case 16 -> Map.entry("trailing", (text + pick(List.of(" x", "{}", ",", "\u0000"))).getBytes(StandardCharsets.UTF_8));
      case 17 -> Map.entry("huge number", ("{" + inner + "\"x\": " + "9".repeat(900) + "}").getBytes(StandardCharsets.UTF_8));
      case 18 -> Map.entry("many keys", manyKeys());
      default -> Map.entry("lenient syntax", pick(List.of("{'a': 1}", "{a: 1}", "{\"a\": 1,}", "[1,]", "{\"a\" 1}", "\ufeff{}", "{\"a\": NaN}",
          "{\"a\": Infinity}", "{\"a\": 01}", "{\"a\": .5}", "{\"a\": \"\t\"}")).getBytes(StandardCharsets.UTF_8));
    };
  }

  private byte[] manyKeys() {
    StringBuilder b = new StringBuilder("{\"robot\": \"nightly\", \"input\": {");
    for (int i = 0; i < 5000; i++) b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    return b.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  static byte[] bytes(String prefix, int[] raw, String suffix) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    for (int x : raw) b.write(x);
    b.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  /** A request that breaks HTTP/1.1 itself, aimed at the route (the server must still answer, in the error shape). */
  private Request protocol(AuthorizationTest.Endpoint e, String caller) {
    String auth = RawHttp.bearer(callers.get(caller));
    String target = e.path();
    String m = e.method().name();
    String body = e.body() == null ? "{}" : e.body();
    int len = body.getBytes(StandardCharsets.UTF_8).length;
    String close = "Connection: close\r\n";
    List<String[]> cases = List.of(
        new String[] {"no Host", m + " " + target + " HTTP/1.1\r\n" + auth + close + "\r\n"},
        new String[] {"two Hosts", m + " " + target + " HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + auth + close + "\r\n"},
        new String[] {"Expect junk", m + " " + target + " HTTP/1.1\r\nHost: x\r\nExpect: 999-nope\r\n" + auth + close + "Content-Length: " + len + "\r\n\r\n" + body},
        new String[] {"Expect 100-continue", m + " " + target + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" + auth + close + "Content-Length: " + len + "\r\n\r\n" + body},
        new String[] {"body past Content-Length", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Content-Length: 1\r\n\r\n" + body + "GARBAGE\r\n\r\n"},
        new String[] {"two Content-Lengths", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Content-Length: " + len + "\r\nContent-Length: 1\r\n\r\n" + body},
        new String[] {"negative Content-Length", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Content-Length: -1\r\n\r\n" + body},
        new String[] {"Content-Length not a number", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Content-Length: ten\r\n\r\n" + body},
        new String[] {"bad chunk size", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"},
        new String[] {"huge chunk size", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n"},
        new String[] {"chunk extension and trailer", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Transfer-Encoding: chunked\r\n\r\n"
            + Integer.toHexString(len) + ";x=\"y\"\r\n" + body + "\r\n0\r\nX-Trailer: 1\r\n\r\n"},
        new String[] {"chunked and Content-Length", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
            + Integer.toHexString(len) + "\r\n" + body + "\r\n0\r\n\r\n"},
        new String[] {"Transfer-Encoding gzip", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "Transfer-Encoding: gzip\r\n\r\n" + body},
        new String[] {"header without colon", m + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + "Nonsense\r\n" + close + "\r\n"},
        new String[] {"space before colon", m + " " + target + " HTTP/1.1\r\nHost : x\r\n" + auth + close + "\r\n"},
        new String[] {"folded header", m + " " + target + " HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n" + auth + close + "\r\n"},
        new String[] {"NUL in a header", m + " " + target + " HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n" + auth + close + "\r\n"},
        new String[] {"request line only", m + "\r\n\r\n"},
        new String[] {"no version", m + " " + target + "\r\n\r\n"},
        new String[] {"HTTP/9.9", m + " " + target + " HTTP/9.9\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"HTTP/1.0 without Host", m + " " + target + " HTTP/1.0\r\n" + auth + "\r\n"},
        new String[] {"lower-case method", m.toLowerCase() + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"unknown method", "BREW " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"double space", m + "  " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"absolute form", m + " http://127.0.0.1" + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"CONNECT", "CONNECT 127.0.0.1:5432 HTTP/1.1\r\nHost: 127.0.0.1:5432\r\n" + auth + close + "\r\n"},
        new String[] {"TRACE", "TRACE " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"HEAD", "HEAD " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"very long URI", m + " " + target + "?x=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"very large headers", m + " " + target + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n" + auth + close + "\r\n"},
        new String[] {"bare LF", m + " " + target + " HTTP/1.1\nHost: x\n" + auth.replace("\r\n", "\n") + "Connection: close\n\n"},
        new String[] {"raw non-ASCII path", m + " /api/v1/jobs/\u00e9\u00ff HTTP/1.1\r\nHost: x\r\n" + auth + close + "\r\n"},
        new String[] {"h2c upgrade", "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n" + auth + "\r\n"},
        new String[] {"h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"});
    String[] c = pick(cases);
    return new Request(Kind.PROTOCOL, "PROTOCOL " + c[0], c[1].getBytes(StandardCharsets.ISO_8859_1), e, caller, false);
  }

  /** A WebSocket handshake to the stream, well or badly formed, with the caller's token in the header or the query. */
  private Request websocket(String caller) {
    String token = callers.get(caller);
    String query = pick(List.of("", "?job=" + job, "?after=0", "?after=-5", "?job=%00", "?after=99999999999999999999", "?job=not-a-job",
        token == null ? "" : "?access_token=" + token));
    String auth = query.contains("access_token") ? "" : RawHttp.bearer(token);
    String key = pick(List.of("dGhlIHNhbXBsZSBub25jZQ==", "", "not base64!", "x".repeat(200)));
    String version = pick(List.of("13", "13", "8", "abc"));
    String head = "GET /api/v1/stream" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + (key.isEmpty() ? "" : "Sec-WebSocket-Key: " + key + "\r\n") + "Sec-WebSocket-Version: " + version + "\r\n" + auth + "\r\n";
    return new Request(Kind.WEBSOCKET, "WEBSOCKET key=" + shorten(key) + " v" + version + " " + shorten(query),
        head.getBytes(StandardCharsets.ISO_8859_1), endpoints.stream().filter(x -> x.template().equals("/stream")).findFirst().orElseThrow(),
        caller, false);
  }

  /** What a client sends once upgraded: a frame the server must cope with (it ends the connection or ignores it). */
  byte[] frame() {
    int mask = random.nextInt();
    return switch (random.nextInt(6)) {
      case 0 -> masked(0x81, new byte[] {(byte) 0xC3, 0x28}, mask); // text that is not UTF-8
      case 1 -> new byte[] {(byte) 0x81, 0x02, 'h', 'i'}; // not masked: a protocol error from a client
      case 2 -> new byte[] {(byte) 0x82, (byte) 0xFF, 0x7F, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0}; // a 2^63-byte frame announced
      case 3 -> masked(0x88, new byte[] {0x03, (byte) 0xE7}, mask); // close with code 999
      case 4 -> masked(0x89, "ping".getBytes(StandardCharsets.UTF_8), mask);
      default -> masked(0x81, "{\"subscribe\": \"everything\"}".getBytes(StandardCharsets.UTF_8), mask);
    };
  }

  private static byte[] masked(int first, byte[] payload, int mask) {
    byte[] m = {(byte) (mask >> 24), (byte) (mask >> 16), (byte) (mask >> 8), (byte) mask};
    byte[] out = new byte[6 + payload.length];
    out[0] = (byte) first;
    out[1] = (byte) (0x80 | payload.length);
    System.arraycopy(m, 0, out, 2, 4);
    for (int i = 0; i < payload.length; i++) out[6 + i] = (byte) (payload[i] ^ m[i % 4]);
    return out;
  }
}
