package io.robogrid.router;

import static io.robogrid.grid.GridFixtures.runner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.router.RunnerDirectory.Offer;
import io.robogrid.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerDirectoryTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private RunnerDirectory directory;
  private final ClusterView view = new ClusterView(clock, Duration.ofSeconds(6), new ClusterView.Listener() {
    @Override
    public void announced(ClusterView.Entry node, NodeStatus previous) {
      directory.announced(node.status());
    }
  });

  RunnerDirectoryTest() {
    directory = new RunnerDirectory(view, clock);
  }

  private void announce(NodeStatus s) {
    view.update(s);
  }

  @Test
  void placePicksTheLeastLoadedRunner() {
    announce(runner("busy", List.of(), 4, 3));
    announce(runner("idle", List.of(), 4, 1));
    announce(runner("half", List.of(), 2, 1));
    assertEquals("idle", directory.place(List.of()));
  }

  @Test
  void loadIsRelativeToSlotsNotAbsolute() {
    announce(runner("small", List.of(), 2, 1)); // 50 %
    announce(runner("big", List.of(), 10, 2)); // 20 %
    assertEquals("big", directory.place(List.of()));
  }

  @Test
  void tiesAreBrokenByNodeName() {
    announce(runner("node-b", List.of(), 2, 0));
    announce(runner("node-a", List.of(), 2, 0));
    assertEquals("node-a", directory.place(List.of()));
  }

  @Test
  void placeOnlyUsesRunnersWithEveryRequiredCapability() {
    announce(runner("plain", List.of(), 8, 0));
    announce(runner("web", List.of("http"), 8, 6));
    announce(runner("agent", List.of("agent:crm"), 8, 0));
    assertEquals("web", directory.place(List.of("http")));
    assertNull(directory.place(List.of("http", "agent:crm")));
  }

  @Test
  void placeReservesASlotSoAFullRunnerIsNotPlacedTwice() {
    announce(runner("one", List.of(), 1, 0));
    assertEquals("one", directory.place(List.of()));
    assertNull(directory.place(List.of()));
  }

  @Test
  void reservationsSpreadWorkOverRunners() {
    announce(runner("a", List.of(), 2, 0));
    announce(runner("b", List.of(), 2, 0));
    assertEquals(List.of("a", "b", "a", "b"),
        List.of(directory.place(List.of()), directory.place(List.of()), directory.place(List.of()), directory.place(List.of())));
    assertNull(directory.place(List.of()));
  }

  @Test
  void anAnnouncementThatAnsweredTheAssignmentSettlesThePromise() {
    announce(runner("one", List.of(), 1, 0, Map.of(), true, 0));
    assertEquals("one", directory.place(List.of()));
    announce(runner("one", List.of(), 1, 0, Map.of(), true, 1)); // it answered one assignment; that job already finished
    assertEquals("one", directory.place(List.of()));
  }

  @Test
  void anAnnouncementSentBeforeTheAssignmentArrivedKeepsThePromise() {
    announce(runner("one", List.of(), 1, 0, Map.of(), true, 5));
    assertEquals("one", directory.place(List.of()));
    announce(runner("one", List.of(), 1, 0, Map.of(), true, 5)); // a periodic status: the assignment is still on its way
    assertNull(directory.place(List.of()));
  }

  @Test
  void aPromiseTheRunnerNeverAnsweredIsForgottenAfterTenSeconds() {
    announce(runner("one", List.of(), 1, 0));
    assertEquals("one", directory.place(List.of()));
    clock.advance(Duration.ofSeconds(11));
    announce(runner("one", List.of(), 1, 0));
    assertEquals("one", directory.place(List.of()));
  }

  @Test
  void aRunnerThatIsNotAcceptingGetsNoWork() {
    announce(runner("draining", List.of(), 4, 0, Map.of(), false));
    assertNull(directory.place(List.of()));
    assertEquals(List.of(), directory.offer());
  }

  @Test
  void anUnresponsiveRunnerGetsNoWorkEvenIfLeastLoaded() {
    announce(runner("frozen", List.of(), 10, 0));
    clock.advance(Duration.ofSeconds(4));
    announce(runner("fresh", List.of(), 10, 9));
    clock.advance(Duration.ofSeconds(2)); // frozen: exactly 6 s silent, still responsive
    assertEquals("frozen", directory.place(List.of()));
    clock.advance(Duration.ofMillis(1));
    assertEquals("fresh", directory.place(List.of()));
    assertEquals(List.of(), directory.offer(), "fresh is full now, frozen gets nothing");
  }

  @Test
  void aRunnerThatLeftTheClusterIsForgotten() {
    announce(runner("gone", List.of(), 2, 0));
    view.memberLeft("member-gone");
    assertNull(directory.place(List.of()));
    assertEquals(List.of(), directory.offer());
  }

  @Test
  void browserSlotsLimitBrowserJobsButNotOtherWork() {
    announce(runner("w", List.of("http", "browser:2"), 8, 2, Map.of("browser", 2), true));
    assertNull(directory.place(List.of("browser")));
    assertEquals("w", directory.place(List.of("http")));
    announce(runner("w", List.of("http", "browser:2"), 8, 2, Map.of("browser", 1), true));
    assertEquals("w", directory.place(List.of("browser")));
    assertNull(directory.place(List.of("browser")), "the one free browser slot is promised");
  }

  @Test
  void aDesktopIsOneRobotHoweverManyNodesReachIt() {
    announce(runner("a", List.of("desktop:desk1"), 4, 1, Map.of("desktop:desk1", 1), true));
    announce(runner("b", List.of("desktop:desk1"), 4, 0));
    assertNull(directory.place(List.of("desktop:desk1")), "a drives desk1 now");
    announce(runner("a", List.of("desktop:desk1"), 4, 0));
    assertEquals("a", directory.place(List.of("desktop:desk1")));
    assertNull(directory.place(List.of("desktop:desk1")), "promised to a: b must not take it too");
  }

  @Test
  void capableRunnersMayHaveNoRoomForADesktopAnotherNodeDrives() {
    announce(runner("a", List.of("desktop:desk1"), 4, 1, Map.of("desktop:desk1", 1), true));
    announce(runner("b", List.of("desktop:desk1", "http"), 4, 0));
    assertEquals(List.of("a", "b"), directory.capable(List.of("desktop:desk1")).stream().map(NodeStatus::node).sorted().toList());
    assertEquals(false, directory.hasRoom(List.of("desktop:desk1")), "b is idle, but desk1 is driven from a");
    assertEquals(true, directory.hasRoom(List.of("http")));
  }

  @Test
  void aDesktopTwoNodesReachIsOfferedOnce() {
    announce(runner("a", List.of("desktop:desk1"), 4, 0));
    announce(runner("b", List.of("desktop:desk1"), 4, 0));
    assertEquals(1, directory.offer().stream().filter(o -> "desktop:desk1".equals(o.needs())).mapToInt(Offer::free).sum());
  }

  @Test
  void exhaustedWhenSomeRunnerIsOutOfSlotsOrOfALimitedCapability() {
    announce(runner("w", List.of("http", "browser:1"), 4, 0));
    assertEquals(false, directory.exhausted());
    announce(runner("w", List.of("http", "browser:1"), 4, 1, Map.of("browser", 1), true));
    assertEquals(true, directory.exhausted(), "its browser is in use: browser jobs may wait for it");
    announce(runner("w", List.of("http", "browser:1"), 1, 1));
    assertEquals(true, directory.exhausted(), "no job slot left");
  }

  @Test
  void offerListsScarceGroupsFirstThenPlainWork() {
    announce(runner("w1", List.of("http", "browser:2"), 4, 1)); // 3 job slots, 2 browser slots
    announce(runner("w2", List.of("http", "browser:1"), 2, 0)); // 2 job slots, 1 browser slot
    announce(runner("plain", List.of(), 3, 1)); // 2 job slots
    announce(runner("full", List.of("http"), 2, 2));
    assertEquals(List.of(
        new Offer(3, List.of("browser", "http"), "browser"),
        new Offer(2, List.of(), null),
        new Offer(5, List.of("http"), null)), directory.offer());
  }

  @Test
  void offerSubtractsPromisedSlots() {
    announce(runner("w", List.of("http"), 2, 0));
    directory.place(List.of("http"));
    assertEquals(List.of(new Offer(1, List.of("http"), null)), directory.offer());
    directory.place(List.of("http"));
    assertEquals(List.of(), directory.offer());
  }

  @Test
  void aScarceGroupIsBoundedByTheJobSlotsToo() {
    announce(runner("w", List.of("browser:4"), 2, 1));
    assertEquals(List.of(new Offer(1, List.of("browser"), "browser"), new Offer(1, List.of(), null)), directory.offer());
  }
}
