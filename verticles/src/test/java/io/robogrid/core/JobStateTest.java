package io.robogrid.core;

import static io.robogrid.core.JobState.*;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobStateTest {
  private static final Map<JobState, Set<JobState>> EXPECTED = new EnumMap<>(JobState.class);

  static {
    EXPECTED.put(PENDING, EnumSet.of(QUEUED, CANCELLED, JobState.PAUSED));
    EXPECTED.put(QUEUED, EnumSet.of(CLAIMED, CANCELLED, JobState.PAUSED));
    EXPECTED.put(CLAIMED, EnumSet.of(RUNNING, QUEUED, RETRY_WAIT, FAILED, CANCELLED, JobState.PAUSED));
    EXPECTED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, RETRY_WAIT, QUEUED, JobState.PAUSED));
    EXPECTED.put(RETRY_WAIT, EnumSet.of(QUEUED, CANCELLED, JobState.PAUSED));
    EXPECTED.put(SUCCEEDED, EnumSet.noneOf(JobState.class));
    EXPECTED.put(FAILED, EnumSet.noneOf(JobState.class));
    EXPECTED.put(CANCELLED, EnumSet.noneOf(JobState.class));
    EXPECTED.put(JobState.WAITING_APPROVAL, EnumSet.of(QUEUED, JobState.PENDING, JobState.REJECTED, CANCELLED));
    EXPECTED.put(JobState.REJECTED, EnumSet.noneOf(JobState.class));
    // a paused job is never finished, and goes nowhere but back to the queue (or pending) or cancelled
    EXPECTED.put(JobState.PAUSED, EnumSet.of(QUEUED, PENDING, CANCELLED));
  }

  @ParameterizedTest
  @EnumSource(JobState.class)
  void eachStateAllowsExactlyTheDocumentedMoves(JobState from) {
    for (JobState to : JobState.values()) {
      assertEquals(EXPECTED.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
    }
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"})
  void terminalStatesAllowNoMove(JobState s) {
    assertTrue(s.isTerminal());
    for (JobState to : JobState.values()) assertFalse(s.canMoveTo(to), s + " -> " + to);
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"PENDING", "QUEUED", "CLAIMED", "RUNNING", "RETRY_WAIT"})
  void nonTerminalStatesCanAtLeastBeCancelled(JobState s) {
    assertFalse(s.isTerminal());
    assertTrue(s.canMoveTo(CANCELLED));
  }

  @Test
  void onlyClaimedAndRunningAreActive() {
    EnumSet<JobState> active = EnumSet.noneOf(JobState.class);
    for (JobState s : JobState.values()) if (s.isActive()) active.add(s);
    assertEquals(EnumSet.of(CLAIMED, RUNNING), active);
  }

  @Test
  void noStateMayMoveToItself() {
    for (JobState s : JobState.values()) assertFalse(s.canMoveTo(s), s.name());
  }

  @Test
  void requireMoveAcceptsAnAllowedMove() {
    assertDoesNotThrow(() -> JobState.requireMove(RUNNING, RETRY_WAIT));
  }

  @Test
  void requireMoveThrowsOnADisallowedMoveNamingBothStates() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobState.requireMove(SUCCEEDED, QUEUED));
    assertEquals("job state SUCCEEDED cannot move to QUEUED", e.getMessage());
    assertThrows(IllegalStateException.class, () -> JobState.requireMove(PENDING, RUNNING));
  }

  @Test
  void parseReadsTheExactName() {
    assertEquals(RETRY_WAIT, JobState.parse("RETRY_WAIT"));
    assertThrows(IllegalArgumentException.class, () -> JobState.parse("retry_wait"));
  }
}
