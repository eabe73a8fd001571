package io.robogrid.metrics;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The {@code metrics} section of the node config.
 *
 * @param enabled off: no meters at all, Vert.x's included, and no {@code /metrics} (for measuring what they cost)
 * @param port null: the web role serves {@code /metrics} behind a token with role {@code metrics} or {@code admin};
 *     set: an open {@code /metrics} on this port and no other (a runner-only node has no web role)
 * @param host the interface that port listens on
 * @param refresh how often the database gauges are read (queue depth, agent work, outbox); never on a scrape
 */
public record MetricsOptions(boolean enabled, Integer port, String host, Duration refresh) {
  public static final String DEFAULT_REFRESH = "5s";
  public static final MetricsOptions DEFAULTS = new MetricsOptions(true, null, "127.0.0.1", Duration.ofSeconds(5));

  public static MetricsOptions fromJson(JsonObject j) {
    j = j == null ? new JsonObject() : j;
    Object enabled = j.getValue("enabled", true);
    if (!(enabled instanceof Boolean on)) throw new IllegalArgumentException("metrics.enabled: must be true or false, not '" + enabled + "'");
    Object port = j.getValue("port");
    if (port != null && !(port instanceof Integer p && p >= 0 && p <= 65535)) throw new IllegalArgumentException("metrics.port: " + port + " is not a port");
    Duration refresh = Durations.setting(j, "metrics", "refresh", DEFAULT_REFRESH);
    if (refresh.toMillis() < 100) throw new IllegalArgumentException("metrics.refresh: at least 100ms");
    return new MetricsOptions(on, (Integer) port, j.getString("host", "127.0.0.1"), refresh);
  }

  /** Whether the web role serves {@code /metrics} (behind a token). */
  public boolean onWebPort() {
    return enabled && port == null;
  }
}
