package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.robogrid.notifier.NotifierOptions;
import io.robogrid.notifier.NotifierVerticle;
import io.robogrid.testing.Await;
import io.robogrid.testing.FreePorts;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Blocked work on a real grid and database, driven by real agent HTTP calls: an agent's {@code blocked} report shows
 * on the job (reason, since, until), holds the step's timeout, reaches the notifier's {@code onBlocked} rule (a real
 * SMTP server and webhook receiver) and ends with the agent's progress; past its {@code maxWait} the step fails with
 * BLOCKED_TOO_LONG; work nobody asks for is shown blocked as AGENT_UNREACHABLE until an agent claims it.
 */
@ExtendWith(VertxExtension.class)
class BlockedWorkTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final String REASON = "waiting for the customer's signed form by email";
  private GreenMail smtp;

  @AfterEach
  void stop(Vertx vertx) {
    if (smtp != null) smtp.stop();
    Await.result(vertx.close());
  }

  private static String robot(String name, String capability, String stepTimeout, JsonObject notify) {
    JsonObject step = TestGrid.step("ask", "agent", new JsonObject().put("capability", capability));
    if (stepTimeout != null) step.put("timeout", stepTimeout);
    JsonObject r = new JsonObject().put("name", name).put("retry", new JsonObject().put("maxAttempts", 1)).put("steps", new JsonArray().add(step));
    if (notify != null) r.put("notify", notify);
    return r.encode();
  }

  @Test
  void aBlockedReportShowsOnTheJobHoldsTheStepTimeoutIsNotifiedAndEndsWithProgress(Vertx vertx) throws Exception {
    ServerSetup setup = new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    setup.setServerStartupTimeout(30_000);
    smtp = new GreenMail(setup);
    smtp.start();
    List<JsonObject> hooks = new CopyOnWriteArrayList<>();
    HttpServer receiver = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      hooks.add(body.toJsonObject().put("header", req.getHeader("X-RoboGrid-Event")));
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    String hook = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    JsonObject notify = new JsonObject().put("onBlocked", new JsonObject().put("email", new JsonArray().add("ops@example.com"))
        .put("webhook", new JsonArray().add(hook)));
    // the step may take 2 s: blocked for longer than that, it is not timed out
    TestGrid grid = TestGrid.start(vertx, "{\"robots\": [" + robot("mailroom", "crm", "2s", notify) + "]}", 4);
    NotifierOptions options = NotifierOptions.fromJson(new JsonObject().put("smtp", new JsonObject().put("host", "127.0.0.1")
        .put("port", smtp.getSmtp().getPort()).put("startTls", "DISABLED").put("from", "grid@example.com")).put("pollInterval", "200ms"),
        "whs_secret", "http://dash.example/");
    Await.result(vertx.deployVerticle(new NotifierVerticle(options, grid.db, grid.robots, Clock.systemUTC())));
    String token = grid.token("crm-agents", "agent");
    String job = grid.submit(new JsonObject().put("robot", "mailroom")).getString("id");
    JsonObject work = grid.claim(token, "crm-1", "crm");
    assertEquals(job, work.getString("jobId"));

    Instant before = Instant.now();
    HttpResponse<Buffer> r = grid.report(token, job, blocked(1, REASON).put("message", "form sent to jane@example.com").put("maxWait", "1h"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject b = grid.awaitBlocked(job, WITHIN);
    assertEquals(REASON, b.getString("reason"));
    assertEquals("form sent to jane@example.com", b.getString("message"));
    assertEquals("ask", b.getString("step"));
    assertEquals("crm-1", b.getString("agent"));
    Instant until = Instant.parse(b.getString("until"));
    assertTrue(until.isAfter(before.plus(Duration.ofMinutes(59))) && until.isBefore(Instant.now().plus(Duration.ofMinutes(61))), b.encode());
    assertFalse(Instant.parse(b.getString("since")).isBefore(before.minusSeconds(1)), b.encode());
    JsonArray listed = grid.get("/api/v1/jobs?blocked=true").bodyAsJsonObject().getJsonArray("jobs");
    assertEquals(List.of(job), listed.stream().map(o -> ((JsonObject) o).getString("id")).toList());

    // the webhook and the mail, each once, from the event's own account
    JsonObject sent = awaitHook(hooks);
    assertEquals("job.blocked", sent.getString("event"));
    assertEquals("job.blocked", sent.getString("header"));
    assertEquals(REASON, sent.getJsonObject("blocked").getString("reason"));
    assertEquals(b.getString("until"), sent.getJsonObject("blocked").getString("until"));
    assertEquals(job, sent.getJsonObject("job").getString("id"));
    assertTrue(smtp.waitForIncomingEmail(WITHIN.toMillis(), 1));
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertEquals("[RoboGrid] mailroom is blocked: " + REASON, mail.getSubject());
    String text = String.valueOf(mail.getContent());
    assertTrue(text.contains("Reason:   " + REASON) && text.contains("Until:    " + b.getString("until")) && text.contains("Agent:    crm-1"), text);

    // longer than the step's 2 s timeout, and the job still runs, still blocked
    Thread.sleep(3_000);
    JsonObject still = grid.job(job);
    assertEquals("RUNNING", still.getString("state"), still.encodePrettily());
    assertNotNull(still.getJsonObject("blocked"));

    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "progress").put("step", "ask").put("attempt", 1)
        .put("message", "the form came back")).statusCode());
    awaitUnblocked(grid, job);
    assertEquals(List.of(), grid.get("/api/v1/jobs?blocked=true").bodyAsJsonObject().getJsonArray("jobs").getList());
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "result").put("step", "ask").put("attempt", 1)
        .put("output", new JsonObject().put("signed", true))).statusCode());
    JsonObject done = grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertNull(done.getJsonObject("blocked"));
    List<String> types = eventTypes(grid, job);
    assertEquals(1, types.stream().filter("job.blocked"::equals).count(), types.toString());
    assertEquals(1, types.stream().filter("job.unblocked"::equals).count(), types.toString());
    JsonArray notes = grid.get("/api/v1/notifications?job=" + job).bodyAsJsonObject().getJsonArray("notifications");
    assertEquals(2, notes.size(), notes.encodePrettily());
    notes.forEach(n -> assertEquals("blocked", ((JsonObject) n).getString("trigger")));
  }

  @Test
  void pastItsMaxWaitABlockedStepFailsAsBlockedTooLong(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, "{\"robots\": [" + robot("impatient", "crm", "30s", null) + "]}", 4);
    String token = grid.token("crm-agents", "agent");
    String job = grid.submit(new JsonObject().put("robot", "impatient")).getString("id");
    grid.claim(token, "crm-1", "crm");
    assertEquals(200, grid.report(token, job, blocked(1, "waiting for the bank").put("maxWait", "1s")).statusCode());
    JsonObject done = grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED");
    assertEquals("FAILED", done.getString("state"), done.encodePrettily());
    JsonObject error = done.getJsonObject("error");
    assertEquals("BLOCKED_TOO_LONG", error.getString("code"), error.encode());
    assertTrue(error.getString("message").contains("waiting for the bank"), error.encode());
    assertNull(done.getJsonObject("blocked"), "a finished job is blocked no longer");
  }

  @Test
  void workNoAgentAsksForIsBlockedAsUnreachableUntilAnAgentClaimsIt(Vertx vertx) {
    TestGrid grid = TestGrid.startWithAgents(vertx, "{\"robots\": [" + robot("ledger-sync", "ledger", null, null) + "]}",
        new JsonObject().put("unreachableAfter", "1s"));
    String token = grid.token("ledger-agents", "agent");
    String job = grid.submit(new JsonObject().put("robot", "ledger-sync")).getString("id");
    JsonObject b = grid.awaitBlocked(job, WITHIN);
    assertEquals("AGENT_UNREACHABLE", b.getString("reason"), b.encode());
    assertEquals("ledger", b.getString("capability"));
    assertTrue(b.getString("message").contains("no agent offering 'ledger'"), b.encode());
    assertNull(b.getString("until"));

    JsonObject work = grid.claim(token, "ledger-1", "ledger");
    assertEquals(job, work.getString("jobId"));
    awaitUnblocked(grid, job);
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "result").put("step", "ask").put("attempt", 1)).statusCode());
    assertEquals("SUCCEEDED", grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED").getString("state"));
    List<String> types = eventTypes(grid, job);
    assertEquals(1, types.stream().filter("job.blocked"::equals).count(), "told once, though every sweep tells the step: " + types);
  }

  @Test
  void badBlockedReportsAreRefusedAndACancelledBlockedJobIsBlockedNoLonger(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, "{\"robots\": [" + robot("picky", "crm", null, null) + "]}", 4);
    String token = grid.token("crm-agents", "agent");
    String job = grid.submit(new JsonObject().put("robot", "picky")).getString("id");
    grid.claim(token, "crm-1", "crm");
    refused(grid, token, job, new JsonObject().put("type", "blocked").put("step", "ask").put("attempt", 1), "reason:");
    refused(grid, token, job, blocked(1, " "), "reason:");
    refused(grid, token, job, blocked(1, "x".repeat(501)), "reason:");
    refused(grid, token, job, blocked(1, "bank").put("reason", 7), "reason:");
    for (Object bad : List.of("soon", "0s", "500ms", "31d", 3600)) refused(grid, token, job, blocked(1, "bank").put("maxWait", bad), "maxWait:");
    refused(grid, token, job, new JsonObject().put("type", "progress").put("step", "ask").put("attempt", 1).put("reason", "x"), "reason, maxWait:");
    refused(grid, token, job, new JsonObject().put("type", "log").put("step", "ask").put("attempt", 1).put("message", "m").put("maxWait", "1h"),
        "reason, maxWait:");
    assertFalse(eventTypes(grid, job).contains("job.blocked"), "nothing refused was recorded");

    assertEquals(200, grid.report(token, job, blocked(1, "bank")).statusCode());
    assertNull(grid.awaitBlocked(job, WITHIN).getString("until"), "no maxWait: no bound but a cancel");
    assertEquals(202, grid.post("/api/v1/jobs/" + job + "/cancel", null).statusCode(), "a running job is cancelled at its runner");
    JsonObject done = grid.awaitState(job, WITHIN, "CANCELLED");
    assertNull(done.getJsonObject("blocked"));
    assertEquals(List.of(), grid.get("/api/v1/jobs?blocked=true").bodyAsJsonObject().getJsonArray("jobs").getList());
    HttpResponse<Buffer> filter = grid.get("/api/v1/jobs?blocked=yes");
    assertEquals(400, filter.statusCode());
    assertEquals("INVALID_REQUEST", filter.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  private static JsonObject blocked(int attempt, String reason) {
    return new JsonObject().put("type", "blocked").put("step", "ask").put("attempt", attempt).put("reason", reason);
  }

  private static void refused(TestGrid grid, String token, String job, JsonObject report, String messageStart) {
    HttpResponse<Buffer> r = grid.report(token, job, report);
    assertEquals(400, r.statusCode(), report.encode() + " -> " + r.bodyAsString());
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals("INVALID_REQUEST", error.getString("code"));
    assertTrue(error.getString("message").startsWith(messageStart), r.bodyAsString());
  }


  private static void awaitUnblocked(TestGrid grid, String job) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (grid.job(job).getJsonObject("blocked") == null) return;
      sleep(100);
    }
    throw new AssertionError("still blocked: " + grid.job(job).encodePrettily());
  }

  private static JsonObject awaitHook(List<JsonObject> hooks) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (hooks.isEmpty() && System.nanoTime() < deadline) sleep(100);
    assertEquals(1, hooks.size(), hooks.toString());
    return hooks.get(0);
  }

  private static List<String> eventTypes(TestGrid grid, String job) {
    return grid.events(job).getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")).toList();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
