package io.robogrid.grid;

import static io.robogrid.grid.GridFixtures.runner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<String> heard = new ArrayList<>();
  private final ClusterView view = new ClusterView(clock, Duration.ofSeconds(6), new ClusterView.Listener() {
    @Override
    public void joined(ClusterView.Entry node) {
      heard.add("joined " + node.status().node());
    }

    @Override
    public void left(ClusterView.Entry node, String why) {
      heard.add("left " + node.status().node());
    }
  });

  @Test
  void aNodeJoinsOnceAndLeavesWhenItsMemberLeaves() {
    view.update(runner("a", List.of("http"), 2, 0));
    view.update(runner("a", List.of("http"), 2, 1));
    view.memberLeft("member-a");
    assertEquals(List.of("joined a", "left a"), heard);
    assertTrue(view.nodes().isEmpty());
  }

  @Test
  void aRestartedNodeIsNotDroppedWhenItsOldMemberLeavesLate() {
    view.update(runner("a", List.of("http"), 2, 0));
    NodeStatus restarted = runner("a", List.of("http"), 2, 0);
    view.update(new NodeStatus("a", "member-a-2", restarted.host(), restarted.roles(), restarted.version(), restarted.startedAt(),
        restarted.joinedAt(), restarted.at(), restarted.load(), restarted.runner()));
    view.memberLeft("member-a");
    assertEquals(1, view.nodes().size());
  }

  @Test
  void aSilentNodeIsUnresponsiveAndGetsNoWork() {
    view.update(runner("a", List.of("http"), 2, 0));
    clock.advance(Duration.ofSeconds(7));
    ClusterView.Entry a = view.get("a");
    assertEquals("unresponsive", view.health(a));
    assertTrue(view.liveRunners().isEmpty());
    view.update(runner("a", List.of("http"), 2, 0));
    assertEquals("up", view.health(a));
  }

  @Test
  void anOfferChangeIsTheCapabilitiesSlotsOrAcceptingNotTheLoad() {
    NodeStatus a = runner("a", List.of("http"), 2, 0);
    assertFalse(ClusterView.offerDiffers(a, runner("a", List.of("http"), 2, 2)));
    assertTrue(ClusterView.offerDiffers(a, runner("a", List.of("http", "agent:crm"), 2, 0)));
    assertTrue(ClusterView.offerDiffers(a, runner("a", List.of("http"), 2, 0, Map.of(), false)));
    assertTrue(ClusterView.offerDiffers(null, a));
  }
}
