package io.robogrid.notifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.robogrid.testing.Await;
import io.robogrid.testing.FreePorts;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notifier against a real SMTP server (GreenMail, in-process) and a real webhook receiver: a failure mail with
 * its screenshot attached, a signed webhook retried after a 500, mail held while SMTP is down and sent once it is up
 * (the job's outcome untouched), a digest instead of a flood, and the node-wide default rules for approvals.
 */
@ExtendWith(VertxExtension.class)
class NotifierTest {
  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final String SECRET = "whs_test-webhook-secret";
  private static final String DASHBOARD = "http://dash.example:8080/";
  private GreenMail smtp;

  @AfterEach
  void stop(Vertx vertx) {
    if (smtp != null) smtp.stop();
    Await.result(vertx.close());
  }

  private GreenMail startSmtp(int port) {
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    setup.setServerStartupTimeout(30_000); // GreenMail's 2 s default is too short for a busy 2-core machine
    smtp = new GreenMail(setup);
    smtp.start();
    return smtp;
  }

  private static NotifierOptions options(int smtpPort, JsonObject more) {
    JsonObject j = new JsonObject().put("smtp", new JsonObject().put("host", "127.0.0.1").put("port", smtpPort).put("startTls", "DISABLED")
            .put("from", "grid@example.com"))
        .put("retryBackoff", "200ms").put("maxBackoff", "1s").put("pollInterval", "200ms").mergeIn(more);
    return NotifierOptions.fromJson(j, SECRET, DASHBOARD);
  }

  private static void deployNotifier(Vertx vertx, TestGrid grid, NotifierOptions options) {
    Await.result(vertx.deployVerticle(new NotifierVerticle(options, grid.db, grid.robots, Clock.systemUTC())));
  }

  private static JsonArray notifications(TestGrid grid, String job) {
    return grid.get("/api/v1/notifications?job=" + job).bodyAsJsonObject().getJsonArray("notifications");
  }

  private static MimeMessage[] awaitMail(GreenMail smtp, int count) {
    assertTrue(smtp.waitForIncomingEmail(WITHIN.toMillis(), count), "expected " + count + " mails, got " + smtp.getReceivedMessages().length);
    return smtp.getReceivedMessages();
  }

  private static String text(Part p) throws Exception {
    if (p.isMimeType("text/plain")) return String.valueOf(p.getContent());
    if (p.getContent() instanceof MimeMultipart mp) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < mp.getCount(); i++) out.append(text(mp.getBodyPart(i)));
      return out.toString();
    }
    return "";
  }

  private static List<BodyPart> attachments(MimeMessage m) throws Exception {
    List<BodyPart> out = new ArrayList<>();
    if (m.getContent() instanceof MimeMultipart mp) {
      for (int i = 0; i < mp.getCount(); i++) if (Part.ATTACHMENT.equalsIgnoreCase(mp.getBodyPart(i).getDisposition())) out.add(mp.getBodyPart(i));
    }
    return out;
  }

  @Test
  void aFailureMailNamesEverythingAndCarriesTheScreenshotAndASuccessWebhookIsSignedAndRetried(Vertx vertx) throws Exception {
    GreenMail mail = startSmtp(FreePorts.next());
    // the receiver checks the signature as any receiver should, and refuses the first delivery
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String ts = req.getHeader("X-RoboGrid-Timestamp");
      boolean valid = ("sha256=" + NotifierVerticle.sign(SECRET, ts, body.toString())).equals(req.getHeader("X-RoboGrid-Signature"));
      received.add(new JsonObject().put("valid", valid).put("event", req.getHeader("X-RoboGrid-Event")).put("body", body.toJsonObject()));
      req.response().setStatusCode(calls.incrementAndGet() == 1 ? 500 : 204).end();
    })).listen(0, "127.0.0.1"));
    String hook = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    String robots = new JsonObject().put("robots", new JsonArray()
        .add(new JsonObject().put("name", "crm-sync").put("retry", new JsonObject().put("maxAttempts", 1)).put("steps", new JsonArray()
            .add(TestGrid.step("open", "browser.goto", new JsonObject().put("url", "data:text/html,<h1 style='color:red'>CRM</h1>")))
            .add(TestGrid.step("export", "browser.click", new JsonObject().put("selector", "#export"), "open")))
            .put("notify", new JsonObject().put("onFailure", new JsonObject().put("email", new JsonArray().add("ops@example.com")))))
        .add(new JsonObject().put("name", "ok-robot").put("steps", new JsonArray().add(TestGrid.step("s", "set", new JsonObject())))
            .put("notify", new JsonObject().put("onSuccess", new JsonObject().put("webhook", new JsonArray().add(hook)))))).encode();
    TestGrid grid = TestGrid.start(vertx, robots, 2, "http", "browser:1");
    deployNotifier(vertx, grid, options(mail.getSmtp().getPort(), new JsonObject()));

    String failing = grid.submit(new JsonObject().put("robot", "crm-sync")).getString("id");
    String ok = grid.submit(new JsonObject().put("robot", "ok-robot")).getString("id");
    JsonObject failed = grid.awaitState(failing, WITHIN, "FAILED", "SUCCEEDED");
    assertEquals("FAILED", failed.getString("state"));

    MimeMessage m = awaitMail(mail, 1)[0];
    assertEquals("[RoboGrid] crm-sync failed: ELEMENT_NOT_FOUND", m.getSubject());
    assertEquals("ops@example.com", m.getAllRecipients()[0].toString());
    assertEquals("grid@example.com", m.getFrom()[0].toString());
    String text = text(m);
    String message = failed.getJsonObject("error").getString("message");
    for (String expected : List.of("Robot crm-sync failed.", "Job:      " + failing, "Attempt:  1 of 1", "Error:    ELEMENT_NOT_FOUND",
        "Step:     export", "Message:  " + message, "Time:     20", DASHBOARD + "#/jobs/" + failing)) {
      assertTrue(text.contains(expected), "'" + expected + "' missing from:\n" + text);
    }
    List<BodyPart> files = attachments(m);
    assertEquals(1, files.size(), "one screenshot attached");
    assertTrue(files.get(0).isMimeType("image/png"), files.get(0).getContentType());
    assertTrue(files.get(0).getFileName().endsWith("-failure.png"), files.get(0).getFileName());
    byte[] png;
    try (InputStream in = files.get(0).getInputStream(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      png = out.toByteArray();
    }
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), "a PNG");
    assertTrue(png.length > 1000, "a real screenshot, " + png.length + " bytes");

    assertEquals("SUCCEEDED", grid.awaitState(ok, WITHIN, "SUCCEEDED", "FAILED").getString("state"));
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (received.size() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
    assertEquals(2, received.size(), "refused once, delivered on the retry: " + received);
    for (JsonObject r : received) {
      assertEquals(true, r.getBoolean("valid"), "signature checks out: " + r.encode());
      assertEquals("job.succeeded", r.getString("event"));
      assertEquals(ok, r.getJsonObject("body").getJsonObject("job").getString("id"));
      assertEquals(DASHBOARD + "#/jobs/" + ok, r.getJsonObject("body").getString("link"));
    }
    JsonObject record = awaitRecord(grid, ok, "SENT");
    assertEquals(2, record.getInteger("tries"));
    assertTrue(record.getString("lastError").contains("answered 500"), record.encode());
    assertEquals("webhook", record.getString("channel"));
    assertEquals("http://127.0.0.1:" + receiver.actualPort() + "/…", record.getString("target"), "the URL is not shown whole");
  }

  private static JsonObject awaitRecord(TestGrid grid, String job, String state) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    JsonArray list = new JsonArray();
    while (System.nanoTime() < deadline) {
      list = notifications(grid, job);
      if (!list.isEmpty() && state.equals(list.getJsonObject(0).getString("state"))) return list.getJsonObject(0);
      Thread.sleep(50);
    }
    throw new AssertionError("no " + state + " notification for job " + job + ": " + list.encode());
  }

  private static String failingRobot(String name, JsonObject notify) {
    return new JsonObject().put("robots", new JsonArray().add(new JsonObject().put("name", name).put("retry", new JsonObject().put("maxAttempts", 1))
        .put("steps", new JsonArray().add(TestGrid.step("s", "fail", new JsonObject().put("message", "ledger locked"))))
        .put("notify", notify))).encode();
  }

  private static JsonObject mailTo(String trigger, String address) {
    return new JsonObject().put(trigger, new JsonObject().put("email", new JsonArray().add(address)));
  }

  @Test
  void withSmtpDownTheJobFailsAsItWouldAndItsMailGoesOutOnceSmtpIsBack(Vertx vertx) throws Exception {
    int port = FreePorts.next(); // nothing listens there yet
    TestGrid grid = TestGrid.start(vertx, failingRobot("ledger", mailTo("onFailure", "ops@example.com")), 2);
    deployNotifier(vertx, grid, options(port, new JsonObject()));
    String job = grid.submit(new JsonObject().put("robot", "ledger")).getString("id");
    JsonObject failed = grid.awaitState(job, WITHIN, "FAILED", "SUCCEEDED");
    assertEquals("FAILED", failed.getJsonObject("error").getString("code"));

    long deadline = System.nanoTime() + WITHIN.toNanos();
    JsonObject record = null;
    while (System.nanoTime() < deadline) {
      JsonArray list = notifications(grid, job);
      record = list.isEmpty() ? null : list.getJsonObject(0);
      if (record != null && record.getInteger("tries") >= 2) break;
      Thread.sleep(50);
    }
    assertTrue(record != null && record.getInteger("tries") >= 2, "tried and recorded while SMTP is down: " + record);
    assertEquals("PENDING", record.getString("state"), "it will be tried again: " + record.encode());
    assertTrue(record.getString("lastError") != null && !record.getString("lastError").isBlank(), record.encode());
    JsonObject same = grid.job(job);
    assertEquals("FAILED", same.getString("state"), "the job's outcome is its own");
    assertEquals(failed.getJsonObject("error"), same.getJsonObject("error"));

    GreenMail mail = startSmtp(port);
    MimeMessage m = awaitMail(mail, 1)[0];
    assertEquals("[RoboGrid] ledger failed: FAILED", m.getSubject());
    assertTrue(text(m).contains("Message:  ledger locked"), text(m));
    assertTrue(attachments(m).isEmpty(), "no screenshot, no attachment");
    assertEquals("SENT", awaitRecord(grid, job, "SENT").getString("state"));
    Thread.sleep(600);
    assertEquals(1, mail.getReceivedMessages().length, "sent once");
  }

  @Test
  void aRobotThatFailsAgainAndAgainSendsADigestNotAFloodAndTwoNotifiersSendEachMailOnce(Vertx vertx) throws Exception {
    GreenMail mail = startSmtp(FreePorts.next());
    TestGrid grid = TestGrid.start(vertx, failingRobot("noisy", mailTo("onFailure", "ops@example.com")), 4);
    // two notifiers, as on two nodes: still one mail per notification
    NotifierOptions digestEvery5s = options(mail.getSmtp().getPort(), new JsonObject().put("digestAfter", 2).put("digestWindow", "5s"));
    deployNotifier(vertx, grid, digestEvery5s);
    deployNotifier(vertx, grid, digestEvery5s);
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) jobs.add(grid.submit(new JsonObject().put("robot", "noisy")).getString("id"));
    for (String j : jobs) grid.awaitState(j, WITHIN, "FAILED");

    MimeMessage[] all = awaitMail(mail, 3);
    List<String> subjects = Arrays.stream(all).map(NotifierTest::subject).toList();
    assertEquals(List.of("[RoboGrid] noisy failed: FAILED", "[RoboGrid] noisy failed: FAILED", "[RoboGrid] noisy failed 3 more times"), subjects);
    String digest = text(all[2]);
    long listed = jobs.stream().filter(digest::contains).count();
    assertEquals(3, listed, "the digest lists the three failures not mailed one by one:\n" + digest);
    Thread.sleep(1500);
    assertEquals(3, mail.getReceivedMessages().length, "nothing more: " + mail.getReceivedMessages().length);
    long held = jobs.stream().map(j -> notifications(grid, j).getJsonObject(0).getString("state")).filter("HELD"::equals).count();
    assertEquals(3, held);
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theNodeWideDefaultsTellApproversThatAJobWaitsForThem(Vertx vertx) throws Exception {
    GreenMail mail = startSmtp(FreePorts.next());
    String robots = new JsonObject().put("robots", new JsonArray().add(new JsonObject().put("name", "payout").put("requiresApproval", true)
        .put("steps", new JsonArray().add(TestGrid.step("s", "set", new JsonObject()))))).encode();
    TestGrid grid = TestGrid.start(vertx, robots, 2);
    deployNotifier(vertx, grid, options(mail.getSmtp().getPort(),
        new JsonObject().put("defaults", mailTo("onApprovalNeeded", "approvers@example.com"))));
    String job = grid.submit(new JsonObject().put("robot", "payout")).getString("id");
    MimeMessage m = awaitMail(mail, 1)[0];
    assertEquals("[RoboGrid] payout needs approval (job " + job.substring(0, 8) + ")", m.getSubject());
    assertEquals("approvers@example.com", m.getAllRecipients()[0].toString());
    assertTrue(text(m).contains("scripts/robogrid approve " + job) && text(m).contains(DASHBOARD + "#/jobs/" + job), text(m));
    var bad = grid.get("/api/v1/notifications?job=nope");
    assertEquals(400, bad.statusCode());
    assertEquals("job: 'nope' is not a job id", bad.bodyAsJsonObject().getJsonObject("error").getString("message"));
  }
}
