package io.robogrid.runner;

import io.robogrid.core.Durations;
import io.robogrid.grid.Capability;
import io.robogrid.runner.browser.BrowserOptions;
import io.robogrid.runner.desktop.DesktopOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the runner role, from the {@code runner} section of the node config.
 *
 * @param capabilities what this node offers: {@code http}, {@code browser:4}, {@code desktop:desk1}, {@code agent:crm}…
 * @param slots how many jobs this node runs at once
 * @param heartbeatInterval how often the node proves its running attempts alive (keep well under the coordinator's heartbeatTimeout)
 * @param statusInterval how often the node announces itself when nothing changes
 * @param shutdownGrace how long a stopping node lets running jobs finish before handing them back
 * @param defaultJobTimeout the job timeout of a workflow that sets none
 * @param selfFenceAfter an attempt whose heartbeats went unconfirmed this long is stopped here: the coordinators will have
 *     given it to another node (keep it at most the coordinator's heartbeatTimeout)
 * @param leaseWait how long a job waits for a lease held elsewhere before it goes back to the queue
 * @param browser the browser slots' settings ({@code runner.browser})
 * @param desktop the desktops this node drives and their settings ({@code runner.desktops}, {@code runner.desktop}); each
 *     desktop named there is offered as {@code desktop:<name>} without being listed in the capabilities too
 */
public record RunnerOptions(String node, List<Capability> capabilities, int slots, Duration heartbeatInterval, Duration statusInterval,
                            Duration shutdownGrace, Duration defaultJobTimeout, Duration selfFenceAfter, Duration leaseWait, BrowserOptions browser,
                            DesktopOptions desktop, String version, io.robogrid.runner.goal.GoalOptions goal) {
  public static final int DEFAULT_SLOTS = 8;

  public static RunnerOptions fromJson(String node, String version, JsonObject j) {
    j = j == null ? new JsonObject() : j;
    List<Capability> caps;
    DesktopOptions desktop = DesktopOptions.fromJson(j);
    try {
      List<String> specs = new java.util.ArrayList<>(j.getJsonArray("capabilities", new JsonArray().add("http")).stream().map(String::valueOf).toList());
      for (String name : desktop.displays().keySet()) {
        if (!specs.contains(Capability.DESKTOP_PREFIX + name)) specs.add(Capability.DESKTOP_PREFIX + name);
      }
      caps = Capability.parseAll(specs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("runner.capabilities: " + e.getMessage());
    }
    int slots = j.getInteger("slots", DEFAULT_SLOTS);
    if (slots < 1 || slots > 1000) throw new IllegalArgumentException("runner.slots: must be from 1 to 1000, not " + slots);
    return new RunnerOptions(node, caps, slots,
        Durations.setting(j, "runner", "heartbeatInterval", "2s"), Durations.setting(j, "runner", "statusInterval", "2s"),
        Durations.setting(j, "runner", "shutdownGrace", "10s"), Durations.setting(j, "runner", "defaultJobTimeout", "1h"),
        Durations.setting(j, "runner", "selfFenceAfter", "10s"), Durations.setting(j, "runner", "leaseWait", "5s"), BrowserOptions.fromJson(j),
        desktop, version, goalOptions(j));
  }

  private static io.robogrid.runner.goal.GoalOptions goalOptions(JsonObject runner) {
    Object goal = runner.getValue("goal");
    if (goal != null && !(goal instanceof JsonObject)) throw new IllegalArgumentException("runner.goal: must be an object");
    return io.robogrid.runner.goal.GoalOptions.fromJson((JsonObject) goal);
  }

  /** A runner not heard from for this long (three missed announcements) is given no more work. */
  public Duration staleAfter() {
    return statusInterval.multipliedBy(3);
  }
}
