package io.robogrid.notifier;

import io.robogrid.jobs.JobEvents;
import io.robogrid.robots.Robot;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.JobStore;
import io.robogrid.store.NotificationStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier role: turns job events into notifications (email through SMTP, signed webhooks) by the robot's
 * {@code notify} rules or the node-wide defaults, and sends them from a durable outbox. A send that fails is retried
 * with backoff and recorded; nothing here changes a job or waits on one. Several notifiers may run: events are
 * turned into notifications under one lock, and each notification is claimed by one sender.
 */
public final class NotifierVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NotifierVerticle.class);
  private static final Set<String> TRIGGERING = Set.of("FAILED", "SUCCEEDED", "WAITING_APPROVAL");
  private static final int SEND_BATCH = 20;
  /** A send that takes longer than this is given up as failed (and tried again). */
  private static final long SEND_TIMEOUT_MS = 30_000;

  private final NotifierOptions options;
  private final DatabaseOptions db;
  private final Supplier<RobotCatalog> robots;
  private final Clock clock;
  private Pool pool;
  private NotificationStore store;
  private JobStore jobs;
  private MailClient mail;
  private WebClient http;
  private boolean scanning, rescan, sending, resend, scanQueued;
  private long lastScan = System.nanoTime() - 1_000_000_000L;
  private static final long MIN_SCAN_GAP_MS = 250;

  public NotifierVerticle(NotifierOptions options, DatabaseOptions db, Supplier<RobotCatalog> robots, Clock clock) {
    this.options = options;
    this.db = db;
    this.robots = robots;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx);
    store = new NotificationStore(pool);
    jobs = new JobStore(pool);
    http = WebClient.create(vertx, new WebClientOptions().setUserAgent("RoboGrid-Notifier").setConnectTimeout(10_000));
    if (options.smtp() != null) {
      NotifierOptions.Smtp s = options.smtp();
      MailConfig config = new MailConfig().setHostname(s.host()).setPort(s.port()).setSsl(s.ssl())
          .setStarttls(StartTLSOptions.valueOf(s.startTls())).setConnectTimeout(10_000)
          // a server silent this long fails the send, before the send's own limit: a mail the server accepts after
          // the notifier gave up on it would be sent again
          .setIdleTimeout(20).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
      if (s.user() != null) config.setLogin(LoginOption.REQUIRED).setUsername(s.user()).setPassword(s.password());
      else config.setLogin(LoginOption.DISABLED);
      mail = MailClient.create(vertx, config);
      log.info("notifier sends mail through {} as {}", s, options.from());
    } else {
      log.info("notifier has no SMTP server (ROBOGRID_SMTP_HOST): email notifications are recorded as failed");
    }
    // an event of interest wakes the scan at once; the poll catches what was published while this node was away
    vertx.eventBus().<JsonObject>consumer(JobEvents.ADDRESS, m -> {
      String type = m.body().getString("type");
      if ("job.state".equals(type) && TRIGGERING.contains(m.body().getJsonObject("data", new JsonObject()).getString("to"))
          || io.robogrid.store.JobEvent.JOB_BLOCKED.equals(type)) scan();
    });
    vertx.setPeriodic(options.pollInterval().toMillis(), t -> {
      scan();
      send();
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return Future.join(mail == null ? Future.succeededFuture() : mail.close(), pool.close());
  }

  /**
   * Turns new events into notifications; one scan at a time on this node (a wake-up meanwhile scans again after),
   * and at most one every {@link #MIN_SCAN_GAP_MS}: under load every finished job wakes it, and a scan per job would
   * cost the grid a transaction per job for nothing.
   */
  private void scan() {
    if (scanning) {
      rescan = true;
      return;
    }
    long wait = MIN_SCAN_GAP_MS - (System.nanoTime() - lastScan) / 1_000_000;
    if (wait > 0) {
      if (!scanQueued) {
        scanQueued = true;
        vertx.setTimer(wait, t -> {
          scanQueued = false;
          scan();
        });
      }
      return;
    }
    lastScan = System.nanoTime();
    scanning = true;
    store.scan(this::wanted, options.digestAfter(), options.digestWindow(), clock.instant()).onComplete(ar -> {
      scanning = false;
      if (ar.failed()) log.warn("turning job events into notifications failed (tried again): {}", ar.cause().toString());
      else if (ar.result() > 0) send();
      if (rescan) {
        rescan = false;
        scan();
      }
    });
  }

  /** The notifications a job event calls for: by its robot's rules, or the defaults. */
  private List<NotificationStore.Wanted> wanted(NotificationStore.Event e) {
    String to = io.robogrid.store.JobEvent.JOB_BLOCKED.equals(e.type()) ? "BLOCKED" : e.data().getString("to");
    NotifyRules.Trigger trigger = switch (to) {
      case "BLOCKED" -> NotifyRules.Trigger.BLOCKED;
      case "FAILED" -> NotifyRules.Trigger.FAILURE;
      case "SUCCEEDED" -> NotifyRules.Trigger.SUCCESS;
      default -> NotifyRules.Trigger.APPROVAL;
    };
    Robot robot = e.robot() == null ? null : robots.get().get(e.robot());
    NotifyRules rules = robot != null && robot.notifyRules() != null ? robot.notifyRules() : options.defaults();
    NotifyRules.Targets targets = rules.targets(trigger);
    List<NotificationStore.Wanted> out = new ArrayList<>();
    if (targets == null) return out;
    targets.email().forEach(a -> out.add(new NotificationStore.Wanted(trigger.label, "email", a)));
    targets.webhook().forEach(u -> out.add(new NotificationStore.Wanted(trigger.label, "webhook", u)));
    return out;
  }

  /** Sends what is due, a batch at a time, until nothing is. */
  private void send() {
    if (sending) {
      resend = true;
      return;
    }
    sending = true;
    Instant now = clock.instant();
    // a lease the database can compare exactly (microseconds, as it stores them)
    Instant lease = now.plusMillis(SEND_TIMEOUT_MS * 2).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    store.due(now, lease, SEND_BATCH).compose(batch -> {
      List<Future<Void>> all = new ArrayList<>();
      for (NotificationStore.Notification n : batch) all.add(deliver(n, lease));
      return Future.join(all).map(v -> batch.size());
    }).onComplete(ar -> {
      sending = false;
      if (ar.failed()) log.warn("sending notifications failed (tried again): {}", ar.cause().toString());
      if (resend || ar.succeeded() && ar.result() == SEND_BATCH) {
        resend = false;
        send();
      }
    });
  }

  /** One send, and its record: sent, or failed with the reason and when it is tried again (or that it is given up). */
  private Future<Void> deliver(NotificationStore.Notification n, Instant lease) {
    return attempt(n).timeout(SEND_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS).compose(
        v -> {
          log.atInfo().addKeyValue("job", n.jobId()).log("{} notification {} sent by {} to {}", n.trigger(), n.id(), n.channel(), NotifyRules.shown(n.target()));
          return store.sent(n.id(), lease, clock.instant());
        },
        e -> {
          // an error of the HTTP client may quote the URL: never the whole of it, in the record or the log
          String why = (e.getMessage() == null ? e.toString() : e.getMessage()).replace(n.target(), NotifyRules.shown(n.target()));
          Instant now = clock.instant();
          long backoff = Math.min(options.maxBackoff().toMillis(), options.retryBackoff().toMillis() << Math.min(20, n.tries()));
          Instant retry = now.plusMillis(backoff);
          boolean giveUp = n.channel().equals("email") && mail == null || retry.isAfter(n.createdAt().plus(options.giveUpAfter()));
          log.atWarn().addKeyValue("job", n.jobId()).log("{} notification {} by {} to {} failed (try {}): {}; {}", n.trigger(), n.id(), n.channel(),
              NotifyRules.shown(n.target()), n.tries() + 1, why, giveUp ? "given up" : "trying again in " + backoff + " ms");
          return store.failed(n.id(), lease, why, giveUp ? null : retry);
        });
  }

  private Future<Void> attempt(NotificationStore.Notification n) {
    boolean email = n.channel().equals("email");
    if (email && mail == null) return Future.failedFuture("no SMTP server configured (ROBOGRID_SMTP_HOST)");
    if (n.trigger().equals("digest")) {
      return store.digestOf(n.id()).compose(failures -> {
        if (failures.isEmpty()) return Future.succeededFuture();
        long window = n.data().getLong("window", options.digestWindow().toMillis());
        return email ? mail(n.target(), Messages.digest(n.robot(), failures, window, options.dashboardUrl()), null)
            : post(n, Messages.digestWebhook(n.robot(), failures, window, options.dashboardUrl()));
      });
    }
    return jobs.find(n.jobId()).compose(job -> {
      JsonObject j = job.toJson();
      if (!email) return post(n, Messages.webhook(n.trigger(), j, n.data(), options.dashboardUrl()));
      Future<java.util.Map.Entry<String, Buffer>> shot = n.trigger().equals("failure") ? store.failureScreenshot(n.jobId()) : Future.succeededFuture();
      return shot.compose(s -> mail(n.target(), Messages.mail(n.trigger(), j, n.data(), options.dashboardUrl(), s == null ? null : s.getKey()), s));
    });
  }

  private Future<Void> mail(String to, Messages.Mail m, java.util.Map.Entry<String, Buffer> screenshot) {
    MailMessage message = new MailMessage().setFrom(options.from()).setTo(to).setSubject(m.subject()).setText(m.text());
    if (screenshot != null) {
      message.setAttachment(List.of(MailAttachment.create().setName(screenshot.getKey()).setContentType("image/png").setData(screenshot.getValue())));
    }
    return mail.sendMail(message).mapEmpty();
  }

  /**
   * A webhook: the JSON body signed with HMAC-SHA256 over {@code <timestamp>.<body>} ({@code X-RoboGrid-Signature:
   * sha256=<hex>}, {@code X-RoboGrid-Timestamp}: seconds since the epoch), so a receiver can check it came from this
   * grid and is fresh. Any 2xx answer is a delivery.
   */
  private Future<Void> post(NotificationStore.Notification n, JsonObject body) {
    String text = body.encode();
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    return http.postAbs(n.target()).timeout(SEND_TIMEOUT_MS).putHeader("content-type", "application/json")
        .putHeader("X-RoboGrid-Event", body.getString("event")).putHeader("X-RoboGrid-Delivery", Long.toString(n.id()))
        .putHeader("X-RoboGrid-Timestamp", timestamp).putHeader("X-RoboGrid-Signature", "sha256=" + sign(options.webhookSecret(), timestamp, text))
        .sendBuffer(Buffer.buffer(text)).compose(resp -> resp.statusCode() / 100 == 2 ? Future.succeededFuture()
            : Future.failedFuture(NotifyRules.shown(n.target()) + " answered " + resp.statusCode()));
  }

  /** HMAC-SHA256 of {@code <timestamp>.<body>} with the webhook secret, in hex. */
  public static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
