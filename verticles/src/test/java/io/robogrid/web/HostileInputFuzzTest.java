package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.robogrid.auth.Role;
import io.robogrid.core.ErrorCode;
import io.robogrid.testing.Await;
import io.robogrid.testing.RawHttp;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fuzz run against a real node: {@code robogrid.fuzz.requests} (5,000) hostile requests from {@code robogrid.fuzz.seed}
 * (14) over every route and the WebSocket, with every role's token and none (see {@link HostileRequests}), sent one
 * at a time over raw sockets. Every one is answered within {@code robogrid.fuzz.answerWithinMs} (5 s), none with a
 * 5xx, every 4xx in the API's error shape; a refused request changes nothing stored (checked after each); a role
 * never gets past a route above it; nothing is logged as an unexpected error; and the node works normally after.
 * For a longer run by hand: {@code -Drobogrid.fuzz.requests=100000 -Drobogrid.fuzz.seed=$RANDOM}.
 */
@ExtendWith(VertxExtension.class)
class HostileInputFuzzTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "nightly", "schedule": {"cron": "0 3 * * *"}, "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";
  private static final int REQUESTS = Integer.getInteger("robogrid.fuzz.requests", 5_000);
  private static final long SEED = Long.getLong("robogrid.fuzz.seed", 14);
  private static final int WITHIN_MS = Integer.getInteger("robogrid.fuzz.answerWithinMs", 5_000);
  /** What only API requests write, so that a change after a refused one is that request's doing. */
  private static final String STORED = "SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM events WHERE type IN ('job.reviewed',"
      + " 'job.cancel-requested')) AS requests, (SELECT count(*) FROM api_tokens) AS tokens, (SELECT count(*) FROM api_tokens WHERE revoked_at"
      + " IS NOT NULL) AS revoked, (SELECT count(*) FROM secrets) AS secrets, (SELECT max(updated_at)::text FROM secrets) AS secret_set,"
      + " (SELECT count(*) FROM schedules WHERE paused) AS paused, (SELECT count(*) FROM idempotency_keys) AS keys,"
      + " (SELECT count(*) FROM agents) AS agents, (SELECT count(*) FROM jobs WHERE approval ? 'decision') AS decided";

  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> errorLog = new ch.qos.logback.core.AppenderBase<>() {
    @Override
    protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) errors.add(e.getLoggerName() + ": " + e.getFormattedMessage());
    }
  };

  @AfterEach
  void stop(Vertx vertx) {
    root().detachAppender(errorLog);
    Await.result(vertx.close());
  }

  private static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void thousandsOfHostileRequestsGetA4xxOrTheirAnswerAndLeaveTheNodeHealthy(Vertx vertx) throws IOException {
    TestGrid grid = TestGrid.start(vertx, ROBOTS, 4);
    String job = grid.submit(TestGrid.inline(null, TestGrid.step("s", "set", new JsonObject()))).getString("id");
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("none", null);
    callers.put("wrong", "rgt_not-a-token-of-this-grid");
    for (String role : List.of("viewer", "operator", "agent")) callers.put(role, grid.token("t-" + role, role));
    callers.put("admin", TestGrid.ADMIN_TOKEN);
    Await.until(() -> grid.post("/api/v1/robots/nightly/schedule/resume", null).statusCode() == 200, Duration.ofSeconds(10),
        "the schedule to be registered (pause and resume answer 503 until then)");
    Pool pool = grid.db.pool(vertx);
    errorLog.setContext(root().getLoggerContext());
    errorLog.start();
    root().addAppender(errorLog);

    HostileRequests requests = new HostileRequests(SEED, job, callers);
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> byKind = new TreeMap<>();
    Map<String, Long> msByKind = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    long slowest = 0;
    String slowestLabel = "";
    String before = stored(pool);
    long start = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      HostileRequests.Request r = requests.next();
      RawHttp.Answer a = r.kind() == HostileRequests.Kind.WEBSOCKET ? websocket(grid.port, r, requests.frame())
          : r.label().endsWith("h2 preface") ? firstBytes(grid.port, r.bytes()) : RawHttp.send(grid.port, r.bytes(), WITHIN_MS);
      byStatus.merge(a.status(), 1, Integer::sum);
      byKind.merge(r.kind().name(), 1, Integer::sum);
      msByKind.merge(r.kind().name(), a.millis(), Long::sum);
      if (a.millis() > slowest) {
        slowest = a.millis();
        slowestLabel = r.label();
      }
      String problem = problem(r, a);
      // only writes can store: a GET stores nothing but an agent's asking for work (it is seen, it may claim)
      boolean mayWrite = !r.endpoint().method().name().equals("GET") || r.endpoint().template().startsWith("/agents/") || r.kind() == HostileRequests.Kind.PROTOCOL;
      String after = mayWrite ? stored(pool) : before;
      if (problem == null && !after.equals(before) && (a.status() < 200 || a.status() > 299)) problem = "stored something: " + before + " -> " + after;
      before = after;
      if (problem != null) wrong.add("#" + i + " " + r.endpoint().method() + " " + r.endpoint().template() + " as " + r.caller() + ", " + r.label()
          + ": " + problem + " — " + a);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    String figures = "fuzz: " + REQUESTS + " requests, seed " + SEED + ", " + ms + " ms; by status " + byStatus + "; by kind " + byKind
        + "; ms by kind " + msByKind + "; slowest " + slowest + " ms (" + slowestLabel + "); defects " + wrong.size();
    System.out.println(figures);
    Files.writeString(Path.of("target", "fuzz-figures.txt"), figures + "\n");

    assertEquals(List.of(), wrong.subList(0, Math.min(wrong.size(), 40)), wrong.size() + " requests went wrong");
    assertEquals(List.of(), errors.stream().filter(e -> e.startsWith("io.robogrid") || e.startsWith("io.vertx") || e.startsWith("io.netty")).toList(),
        "hostile input was logged as an unexpected error");
    healthyAfterwards(vertx, grid, callers.get("viewer"));
    Await.result(pool.close());
  }

  /** What is wrong with the answer to {@code r}, or null. */
  private static String problem(HostileRequests.Request r, RawHttp.Answer a) {
    if (a.status() == -2) return "no answer within " + WITHIN_MS + " ms";
    if (a.status() == -1) return "the connection closed without an answer";
    if (a.status() >= 500) return "a 5xx";
    if (r.label().endsWith("h2 preface") || a.status() == 101) return null;
    boolean head = new String(r.bytes(), 0, Math.min(5, r.bytes().length), StandardCharsets.ISO_8859_1).startsWith("HEAD");
    if (a.status() >= 400 && !head && (a.errorCode() == null || Arrays.stream(ErrorCode.values()).noneMatch(c -> c.name().equals(a.errorCode())))) {
      return "a " + a.status() + " not in the error shape";
    }
    Role needed = Role.of(r.endpoint().role());
    Role role = Role.of(r.caller());
    if (r.routed() && (role == null || !role.allows(needed)) && a.status() != 401 && a.status() != 403 && a.status() != 413) {
      return "a " + (role == null ? "caller without a valid token" : role.label()) + " got past a route for " + needed.label();
    }
    return null;
  }

  private static String stored(Pool pool) {
    Row r = Await.result(pool.query(STORED).execute()).iterator().next();
    return r.toJson().encode();
  }

  /** A WebSocket handshake; once upgraded, one hostile frame, then whatever the server does within 200 ms. */
  private static RawHttp.Answer websocket(int port, HostileRequests.Request r, byte[] frame) {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(WITHIN_MS);
      s.getOutputStream().write(r.bytes());
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      int c;
      while (head.indexOf("\r\n\r\n") < 0 && (c = in.read()) >= 0) head.append((char) c);
      int status = head.length() > 12 && head.substring(9, 12).chars().allMatch(Character::isDigit) ? Integer.parseInt(head.substring(9, 12)) : -1;
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (status != 101) {
        // an answer other than the upgrade: read it whole, as any other
        String length = RawHttp.header(head.toString(), "content-length");
        byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length)); // the connection may stay open
        return new RawHttp.Answer(status, head.toString(), body, ms);
      }
      s.getOutputStream().write(frame);
      s.setSoTimeout(200);
      try {
        in.read(new byte[1024]);
      } catch (SocketTimeoutException ignored) {
        // the server ignores what it was sent: fine, it is not its to answer
      }
      return new RawHttp.Answer(101, head.toString(), new byte[0], ms);
    } catch (SocketTimeoutException e) {
      return new RawHttp.Answer(-2, "", new byte[0], (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      return new RawHttp.Answer(-1, e.toString(), new byte[0], (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** For a request in another protocol (the HTTP/2 preface): answered when the server sends anything back. */
  private static RawHttp.Answer firstBytes(int port, byte[] request) {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(WITHIN_MS);
      s.getOutputStream().write(request);
      int first = s.getInputStream().read();
      return new RawHttp.Answer(first < 0 ? -1 : 200, "", new byte[0], (System.nanoTime() - start) / 1_000_000);
    } catch (SocketTimeoutException e) {
      return new RawHttp.Answer(-2, "", new byte[0], (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      return new RawHttp.Answer(-1, e.toString(), new byte[0], (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** After the run: /health is UP, a job runs to its end, the stream connects, and the API answers at once. */
  private static void healthyAfterwards(Vertx vertx, TestGrid grid, String viewer) {
    assertEquals(200, grid.get("/health").statusCode());
    assertEquals("UP", grid.get("/health").bodyAsJsonObject().getString("status"));
    String id = grid.submit(TestGrid.inline(null, TestGrid.step("s", "set", new JsonObject().put("x", 1)))).getString("id");
    grid.awaitState(id, Duration.ofSeconds(20), "SUCCEEDED");
    Await.result(vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setPort(grid.port).setHost("127.0.0.1")
        .setURI("/api/v1/stream?access_token=" + viewer)).compose(ws -> ws.close()));
    long t = System.nanoTime();
    assertEquals(200, grid.get("/api/v1/jobs").statusCode());
    org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - t < 2_000_000_000L, "the job list took over 2 s after the run");
  }
}
