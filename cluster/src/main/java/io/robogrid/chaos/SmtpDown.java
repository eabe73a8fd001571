package io.robogrid.chaos;

import io.robogrid.chaos.Audit.Figures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mail server is down for the whole stream (its port refuses connections), then comes up. Every job notifies by
 * mail on success and on failure (the node-wide defaults), so every job is due exactly one mail. While SMTP is down
 * nothing may be sent and the job outcomes must be what they would be anyway; once it is up, every due mail arrives,
 * once. Digests are switched off ({@code digestAfter} out of reach) so that one mail stands for one job, and the
 * retry backoff is short so that the run stays short: the behaviour is the shipped one otherwise.
 */
final class SmtpDown extends Scenario {
  private static final String TO = "ops@chaos.robogrid.test";
  private int port;
  private SmtpReceiver smtp;
  private Double recover;

  String name() {
    return "smtp-down";
  }

  String databaseNode() {
    return "node";
  }

  void configure(JsonObject c) {
    JsonObject notifier = c.getJsonObject("notifier");
    notifier.put("retryBackoff", "1s").put("maxBackoff", "3s").put("digestAfter", 1_000_000)
        .put("defaults", new JsonObject().put("onSuccess", new JsonObject().put("email", new JsonArray().add(TO)))
            .put("onFailure", new JsonObject().put("email", new JsonArray().add(TO))));
  }

  void setUp(ChaosGrid g) throws Exception {
    port = g.nodes.reservePort();
    smtp = new SmtpReceiver(port);
    g.start("node", Scenarios.ALL_ROLES, "http,browser:1",
        Map.of("ROBOGRID_SMTP_HOST", "127.0.0.1", "ROBOGRID_SMTP_PORT", Integer.toString(port), "ROBOGRID_SMTP_STARTTLS", "DISABLED"));
  }

  Fault inject(ChaosGrid g, Load load, Size size) {
    Instant at = Instant.now();
    return new Fault(at, at, "nothing listens on the SMTP port during the stream; the server starts once every job ended");
  }

  void afterDrain(ChaosGrid g, Load load, Audit audit, Fault fault, List<String> problems) throws Exception {
    List<Load.Accepted> jobs = load.accepted();
    try (Connection c = audit.connect()) {
      int sent = Audit.count(c, "SELECT count(*) FROM notifications WHERE state = 'SENT'");
      int tried = Audit.count(c, "SELECT count(*) FROM notifications WHERE tries > 0");
      if (sent > 0) problems.add(sent + " notifications recorded SENT while nothing listened on the SMTP port");
      if (tried == 0) problems.add("no notification was tried while SMTP was down: the scenario did not test what it says");
      System.out.printf("  SMTP down: %d notifications tried meanwhile, %d sent%n", tried, sent);
    }
    Instant up = Instant.now();
    smtp.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    int pending = -1;
    while (System.nanoTime() < deadline) {
      try (Connection c = audit.connect()) {
        pending = Audit.count(c, "SELECT count(*) FROM notifications WHERE state IN ('PENDING', 'SENDING')");
      }
      if (pending == 0 && smtp.mails().size() >= jobs.size()) break;
      Thread.sleep(250);
    }
    Thread.sleep(2000); // a mail sent twice would come in now
    if (pending != 0) problems.add(pending + " notifications still not sent 120 s after SMTP came up");
    Map<String, Integer> perJob = new HashMap<>();
    for (SmtpReceiver.Mail m : smtp.mails()) perJob.merge(String.valueOf(m.jobId()), 1, Integer::sum);
    int missing = 0, twice = 0;
    for (Load.Accepted a : jobs) {
      int n = perJob.getOrDefault(a.id(), 0);
      if (n == 0) missing++;
      if (n > 1) twice++;
      if (n > 1 && twice <= 5) problems.add(a.id() + ": " + n + " mails");
    }
    if (missing > 0) problems.add(missing + " jobs whose mail never came");
    if (twice > 0) problems.add(twice + " jobs mailed more than once");
    try (Connection c = audit.connect()) {
      int failed = Audit.count(c, "SELECT count(*) FROM notifications WHERE state = 'FAILED'");
      int recorded = Audit.count(c, "SELECT count(*) FROM notifications WHERE state = 'SENT'");
      if (failed > 0) problems.add(failed + " notifications given up (FAILED)");
      if (recorded != smtp.mails().size()) problems.add(recorded + " notifications recorded SENT but " + smtp.mails().size() + " mails received");
    }
    long last = smtp.mails().stream().mapToLong(SmtpReceiver.Mail::atMs).max().orElse(up.toEpochMilli());
    recover = (last - up.toEpochMilli()) / 1000.0;
    System.out.printf("  SMTP up: %d mails for %d jobs, %d missing, %d jobs mailed twice; the last one %.1f s after SMTP came up%n",
        smtp.mails().size(), jobs.size(), missing, twice, recover);
    smtp.close();
  }

  Double recoverSeconds(Figures f) {
    return recover;
  }
}
