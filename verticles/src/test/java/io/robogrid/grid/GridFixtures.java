package io.robogrid.grid;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Announcements as runner nodes send them, for tests of the router and the cluster view. */
public final class GridFixtures {
  private GridFixtures() {}

  /**
   * A runner node's status.
   *
   * @param capabilities configured capabilities ({@code http}, {@code browser:2}, {@code desktop:d1})
   * @param used how many running jobs use each capability
   */
  public static NodeStatus runner(String node, List<String> capabilities, int slots, int running, Map<String, Integer> used, boolean accepting) {
    return runner(node, capabilities, slots, running, used, accepting, 0);
  }

  /** @param assignments how many assignments the runner has answered since it started */
  public static NodeStatus runner(String node, List<String> capabilities, int slots, int running, Map<String, Integer> used, boolean accepting,
                                  long assignments) {
    List<RunnerStatus.Use> uses = new ArrayList<>();
    for (Capability c : Capability.parseAll(capabilities)) uses.add(new RunnerStatus.Use(c.name(), c.slots(), used.getOrDefault(c.name(), 0)));
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    return new NodeStatus(node, "member-" + node, "127.0.0.1", List.of("runner"), "test", t, t, t, new JsonObject(),
        new RunnerStatus(accepting, slots, running, List.copyOf(uses), assignments));
  }

  public static NodeStatus runner(String node, List<String> capabilities, int slots, int running) {
    return runner(node, capabilities, slots, running, Map.of(), true);
  }
}
