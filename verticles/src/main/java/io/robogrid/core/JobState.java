package io.robogrid.core;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a job, and the one place that says which moves are allowed.
 * <pre>
 * WAITING_APPROVAL ──approved──▶ PENDING | QUEUED;  WAITING_APPROVAL ──rejected, expired──▶ REJECTED
 * PENDING ──due──▶ QUEUED ──claim──▶ CLAIMED ──runner starts──▶ RUNNING ──▶ SUCCEEDED | FAILED | CANCELLED
 *                    ▲                  │ handed back               │ recoverable failure, lost node
 *                    └──── due ──── RETRY_WAIT ◀────────────────────┘
 * PENDING | QUEUED | CLAIMED | RETRY_WAIT ──pause──▶ PAUSED;  RUNNING ──pause, at its next step boundary──▶ PAUSED
 * PAUSED ──resume──▶ QUEUED | PENDING (its runAt, a retry's backoff, still ahead);  PAUSED ──cancel──▶ CANCELLED
 * </pre>
 * Stores apply a move as one guarded {@code UPDATE … WHERE state = from AND attempt = n} after asking {@link #canMoveTo}.
 */
public enum JobState {
  PENDING, QUEUED, CLAIMED, RUNNING, RETRY_WAIT, SUCCEEDED, FAILED, CANCELLED,
  /** A job of a robot that requires approval: nothing of it runs until a person approves it. */
  WAITING_APPROVAL,
  /** Rejected by a person, or not approved before its approval deadline. */
  REJECTED,
  /**
   * Held by a person: nothing of it runs, nothing times out, it never counts as failed; resumed, it goes on from the
   * steps that had not succeeded.
   */
  PAUSED;

  private static final Map<JobState, Set<JobState>> ALLOWED = new EnumMap<>(JobState.class);

  static {
    ALLOWED.put(PENDING, EnumSet.of(QUEUED, CANCELLED, PAUSED));
    ALLOWED.put(QUEUED, EnumSet.of(CLAIMED, CANCELLED, PAUSED));
    // CLAIMED → QUEUED: the chosen runner refused or the node shut down before starting it
    ALLOWED.put(CLAIMED, EnumSet.of(RUNNING, QUEUED, RETRY_WAIT, FAILED, CANCELLED, PAUSED));
    // RUNNING → QUEUED: graceful shutdown handed the attempt back without it failing
    ALLOWED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, RETRY_WAIT, QUEUED, PAUSED));
    ALLOWED.put(RETRY_WAIT, EnumSet.of(QUEUED, CANCELLED, PAUSED));
    ALLOWED.put(SUCCEEDED, EnumSet.noneOf(JobState.class));
    ALLOWED.put(FAILED, EnumSet.noneOf(JobState.class));
    ALLOWED.put(CANCELLED, EnumSet.noneOf(JobState.class));
    // approved: queued now, or pending until its runAt
    ALLOWED.put(WAITING_APPROVAL, EnumSet.of(QUEUED, PENDING, REJECTED, CANCELLED));
    ALLOWED.put(REJECTED, EnumSet.noneOf(JobState.class));
    // resumed: queued now, or pending until its runAt (a retry's backoff keeps running while paused)
    ALLOWED.put(PAUSED, EnumSet.of(QUEUED, PENDING, CANCELLED));
  }

  public boolean canMoveTo(JobState next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean isTerminal() {
    return ALLOWED.get(this).isEmpty();
  }

  /** An attempt is live on some node. */
  public boolean isActive() {
    return this == CLAIMED || this == RUNNING;
  }

  /** Fails loudly on a move the state machine does not allow: a bug, never a user error. */
  public static void requireMove(JobState from, JobState to) {
    if (!from.canMoveTo(to)) throw new IllegalStateException("job state " + from + " cannot move to " + to);
  }

  public static JobState parse(String s) {
    return valueOf(s);
  }
}
