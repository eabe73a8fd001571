package io.robogrid.notifier;

import io.robogrid.core.Durations;
import io.robogrid.workflow.Problems;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the notifier role, from the {@code notifier} section of the node config.
 *
 * @param smtp the mail server, or null: email notifications are recorded as failed ("no SMTP server configured")
 * @param from the sender of notification mails
 * @param webhookSecret the key webhook bodies are signed with (HMAC-SHA256)
 * @param dashboardUrl the dashboard's address, for links to jobs ({@code <dashboardUrl>#/jobs/<id>})
 * @param defaults the rules for robots without {@code notify} of their own, and for inline workflows
 * @param retryBackoff the wait after a failed send, doubled each time up to {@code maxBackoff}
 * @param giveUpAfter a notification still not sent this long after it was made is given up (recorded as FAILED)
 * @param digestAfter how many failure notifications a robot sends to one target within {@code digestWindow} before
 *     the rest of that window go out as one digest at its end
 * @param pollInterval how often new events and due notifications are looked for (events also wake it at once)
 */
public record NotifierOptions(Smtp smtp, String from, String webhookSecret, String dashboardUrl, NotifyRules defaults, Duration retryBackoff,
                              Duration maxBackoff, Duration giveUpAfter, int digestAfter, Duration digestWindow, Duration pollInterval) {

  /** {@code startTls}: {@code DISABLED}, {@code OPTIONAL} (use it when offered) or {@code REQUIRED}; {@code ssl}: TLS from the first byte (port 465). */
  public record Smtp(String host, int port, String startTls, boolean ssl, String user, String password) {
    @Override
    public String toString() { // never the password
      return host + ":" + port + (user == null ? "" : " as " + user) + " (STARTTLS " + startTls + (ssl ? ", TLS" : "") + ")";
    }
  }

  public NotifierOptions withSmtp(Smtp s) {
    return new NotifierOptions(s, from, webhookSecret, dashboardUrl, defaults, retryBackoff, maxBackoff, giveUpAfter, digestAfter, digestWindow, pollInterval);
  }

  public NotifierOptions withWebhookSecret(String secret) {
    return new NotifierOptions(smtp, from, secret, dashboardUrl, defaults, retryBackoff, maxBackoff, giveUpAfter, digestAfter, digestWindow, pollInterval);
  }

  /** @param webhookSecret used when the section has none (the node keeps a generated one in its data directory) */
  public static NotifierOptions fromJson(JsonObject j, String webhookSecret, String dashboardUrl) {
    j = j == null ? new JsonObject() : j;
    Smtp smtp = null;
    JsonObject s = j.getJsonObject("smtp", new JsonObject());
    String host = s.getString("host");
    if (host != null && !host.isBlank()) {
      int port = s.getInteger("port", 25);
      if (port < 1 || port > 65535) throw new IllegalArgumentException("notifier.smtp.port: " + port + " is not a port");
      String startTls = s.getString("startTls", "OPTIONAL").toUpperCase(Locale.ROOT);
      if (!java.util.Set.of("DISABLED", "OPTIONAL", "REQUIRED").contains(startTls)) {
        throw new IllegalArgumentException("notifier.smtp.startTls: use DISABLED, OPTIONAL or REQUIRED, not " + startTls);
      }
      String user = s.getString("user");
      smtp = new Smtp(host.strip(), port, startTls, s.getBoolean("ssl", false), user == null || user.isBlank() ? null : user, s.getString("password"));
    }
    Problems problems = new Problems();
    NotifyRules defaults = NotifyRules.parse(j.getValue("defaults"), "notifier.defaults", problems);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems.items()));
    int digestAfter = j.getInteger("digestAfter", 3);
    if (digestAfter < 1) throw new IllegalArgumentException("notifier.digestAfter: must be at least 1");
    String secret = j.getString("webhookSecret");
    String dashboard = j.getString("dashboardUrl");
    String from = s.getString("from");
    return new NotifierOptions(smtp, from == null || from.isBlank() ? "robogrid@localhost" : from,
        secret != null && !secret.isBlank() ? secret : webhookSecret, dashboard == null || dashboard.isBlank() ? dashboardUrl : dashboard,
        defaults == null ? NotifyRules.NONE : defaults,
        Durations.setting(j, "notifier", "retryBackoff", "5s"), Durations.setting(j, "notifier", "maxBackoff", "10m"),
        Durations.setting(j, "notifier", "giveUpAfter", "24h"), digestAfter, Durations.setting(j, "notifier", "digestWindow", "15m"),
        Durations.setting(j, "notifier", "pollInterval", "1s"));
  }
}
