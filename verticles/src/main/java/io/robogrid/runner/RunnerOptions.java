package io.robogrid.runner;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the runner role, from the {@code runner} section of the node config.
 *
 * @param slots how many jobs this node runs at once
 * @param heartbeatInterval how often the node proves its running attempts alive (keep well under the coordinator's heartbeatTimeout)
 * @param shutdownGrace how long a stopping node lets running jobs finish before handing them back
 * @param defaultJobTimeout the job timeout of a workflow that sets none
 * @param selfFenceAfter an attempt whose heartbeats went unconfirmed this long is stopped here: the coordinators will have
 *     given it to another node (keep it at most the coordinator's heartbeatTimeout)
 */
public record RunnerOptions(String node, List<String> capabilities, int slots, Duration heartbeatInterval, Duration statusInterval,
                            Duration shutdownGrace, Duration defaultJobTimeout, Duration selfFenceAfter, String version) {
  public static final int DEFAULT_SLOTS = 8;

  public static RunnerOptions fromJson(String node, String version, JsonObject j) {
    j = j == null ? new JsonObject() : j;
    List<String> caps = j.getJsonArray("capabilities", new JsonArray().add("http")).stream().map(String::valueOf).toList();
    int slots = j.getInteger("slots", DEFAULT_SLOTS);
    if (slots < 1 || slots > 1000) throw new IllegalArgumentException("runner.slots: must be from 1 to 1000, not " + slots);
    return new RunnerOptions(node, caps, slots,
        Durations.setting(j, "runner", "heartbeatInterval", "2s"), Durations.setting(j, "runner", "statusInterval", "2s"),
        Durations.setting(j, "runner", "shutdownGrace", "10s"), Durations.setting(j, "runner", "defaultJobTimeout", "1h"),
        Durations.setting(j, "runner", "selfFenceAfter", "10s"), version);
  }

}
