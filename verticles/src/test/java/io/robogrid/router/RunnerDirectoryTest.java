package io.robogrid.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.robogrid.router.RunnerDirectory.Offer;
import java.time.Duration;
import io.robogrid.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RunnerDirectoryTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final RunnerDirectory directory = new RunnerDirectory(clock, Duration.ofSeconds(15));

  private RunnerStatus status(String node, List<String> caps, int slots, int running) {
    return new RunnerStatus(node, caps, slots, running, true, T0, "1.0", clock.instant());
  }

  private Set<String> liveNodes() {
    return directory.live().stream().map(RunnerStatus::node).collect(Collectors.toSet());
  }

  @Test
  void placePicksTheLeastLoadedRunner() {
    directory.update(status("busy", List.of(), 4, 3));
    directory.update(status("idle", List.of(), 4, 1));
    directory.update(status("half", List.of(), 2, 1));
    assertEquals("idle", directory.place(List.of()));
  }

  @Test
  void loadIsRelativeToSlotsNotAbsolute() {
    directory.update(status("small", List.of(), 2, 1)); // 50 %
    directory.update(status("big", List.of(), 10, 2)); // 20 %
    assertEquals("big", directory.place(List.of()));
  }

  @Test
  void tiesAreBrokenByNodeName() {
    directory.update(status("node-b", List.of(), 2, 0));
    directory.update(status("node-a", List.of(), 2, 0));
    assertEquals("node-a", directory.place(List.of()));
  }

  @Test
  void placeOnlyUsesRunnersWithEveryRequiredCapability() {
    directory.update(status("plain", List.of(), 8, 0));
    directory.update(status("web", List.of("http"), 8, 6));
    directory.update(status("browser", List.of("browser"), 8, 0));
    assertEquals("web", directory.place(List.of("http")));
    assertNull(directory.place(List.of("http", "browser")));
  }

  @Test
  void placeReservesASlotSoAFullRunnerIsNotPlacedTwice() {
    directory.update(status("one", List.of(), 1, 0));
    assertEquals("one", directory.place(List.of()));
    assertNull(directory.place(List.of()));
  }

  @Test
  void reservationsSpreadWorkOverRunners() {
    directory.update(status("a", List.of(), 2, 0));
    directory.update(status("b", List.of(), 2, 0));
    assertEquals(List.of("a", "b", "a", "b"),
        List.of(directory.place(List.of()), directory.place(List.of()), directory.place(List.of()), directory.place(List.of())));
    assertNull(directory.place(List.of()));
  }

  @Test
  void freshStatusReplacesReservations() {
    directory.update(status("one", List.of(), 1, 0));
    assertEquals("one", directory.place(List.of()));
    clock.advance(Duration.ofSeconds(1));
    directory.update(status("one", List.of(), 1, 0)); // the promised job finished already
    assertEquals("one", directory.place(List.of()));
  }

  @Test
  void olderStatusDoesNotReplaceANewerOne() {
    clock.advance(Duration.ofSeconds(5));
    directory.update(status("one", List.of(), 4, 4));
    directory.update(new RunnerStatus("one", List.of(), 4, 0, true, T0, "1.0", T0)); // late delivery
    assertNull(directory.place(List.of()));
    assertEquals(4, directory.live().iterator().next().running());
  }

  @Test
  void runnerThatIsNotAcceptingGetsNoWork() {
    directory.update(new RunnerStatus("draining", List.of(), 4, 0, false, T0, "1.0", T0));
    assertNull(directory.place(List.of()));
    assertEquals(List.of(), directory.offer());
  }

  @Test
  void silentRunnerExpires() {
    directory.update(status("old", List.of(), 2, 0));
    clock.advance(Duration.ofSeconds(10));
    directory.update(status("new", List.of(), 2, 0));
    clock.advance(Duration.ofSeconds(5)); // old is exactly 15 s old: still live
    assertEquals(Set.of("old", "new"), liveNodes());
    clock.advance(Duration.ofMillis(1));
    assertEquals(Set.of("new"), liveNodes());
    clock.advance(Duration.ofSeconds(10));
    assertEquals(Set.of(), liveNodes());
    assertNull(directory.place(List.of()));
  }

  @Test
  void expiredRunnerIsNotPlacedEvenIfLeastLoaded() {
    directory.update(status("stale", List.of(), 10, 0));
    clock.advance(Duration.ofSeconds(10));
    directory.update(status("fresh", List.of(), 10, 9));
    clock.advance(Duration.ofSeconds(6));
    assertEquals("fresh", directory.place(List.of()));
  }

  @Test
  void removedRunnerIsForgotten() {
    directory.update(status("gone", List.of(), 2, 0));
    directory.remove("gone");
    assertNull(directory.place(List.of()));
    assertEquals(Set.of(), liveNodes());
  }

  @Test
  void offerGroupsFreeSlotsByCapabilitySet() {
    directory.update(status("w1", List.of("http", "browser"), 4, 1)); // 3 free
    directory.update(status("w2", List.of("browser", "http"), 2, 0)); // 2 free, same set in another order
    directory.update(status("plain", List.of(), 3, 1)); // 2 free
    directory.update(status("web", List.of("http"), 2, 2)); // full: not offered
    assertEquals(List.of(new Offer(2, List.of()), new Offer(5, List.of("browser", "http"))), directory.offer());
  }

  @Test
  void offerSubtractsReservedSlots() {
    directory.update(status("w", List.of("http"), 2, 0));
    directory.place(List.of("http"));
    assertEquals(List.of(new Offer(1, List.of("http"))), directory.offer());
    directory.place(List.of("http"));
    assertEquals(List.of(), directory.offer());
  }

  @Test
  void offerLeavesOutExpiredRunners() {
    directory.update(status("w", List.of("http"), 2, 0));
    clock.advance(Duration.ofSeconds(16));
    assertEquals(List.of(), directory.offer());
  }
}
