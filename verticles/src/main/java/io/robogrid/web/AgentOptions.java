package io.robogrid.web;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Settings for pull-mode agents, from the {@code agents} section of the node config.
 *
 * @param heartbeatTimeout a claim not renewed (by a heartbeat or a report) for this long is lost and its work offered
 *     again; an agent not heard from for this long is shown as disconnected
 * @param maxWait the longest {@code wait} a request for work may ask for
 */
public record AgentOptions(Duration heartbeatTimeout, Duration maxWait) {
  public static final AgentOptions DEFAULTS = new AgentOptions(Duration.ofSeconds(30), Duration.ofSeconds(60));

  public static AgentOptions fromJson(JsonObject j) {
    j = j == null ? new JsonObject() : j;
    Duration timeout = Durations.setting(j, "agents", "heartbeatTimeout", "30s");
    Duration wait = Durations.setting(j, "agents", "maxWait", "60s");
    if (timeout.toMillis() < 100) throw new IllegalArgumentException("agents.heartbeatTimeout: must be at least 100ms");
    if (wait.toMinutes() > 10) throw new IllegalArgumentException("agents.maxWait: must be at most 10m");
    return new AgentOptions(timeout, wait);
  }
}
