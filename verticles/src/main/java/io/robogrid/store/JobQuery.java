package io.robogrid.store;

import io.robogrid.core.JobState;
import java.time.Instant;
import java.util.UUID;

/**
 * A page of the job list: newest first, optionally one state and one robot, continuing after a cursor; with
 * {@code reviewOpen}, only jobs flagged for review that nobody has marked reviewed yet; with {@code blocked}, only
 * running jobs whose step waits on something outside the grid.
 */
public record JobQuery(JobState state, String robot, int limit, Instant beforeCreatedAt, UUID beforeId, boolean reviewOpen, boolean blocked) {
  public static final int MAX_LIMIT = 500;

  public JobQuery(JobState state, String robot, int limit, Instant beforeCreatedAt, UUID beforeId, boolean reviewOpen) {
    this(state, robot, limit, beforeCreatedAt, beforeId, reviewOpen, false);
  }
}
