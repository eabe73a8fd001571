package io.robogrid.store;

import io.robogrid.core.JobState;
import java.time.Instant;
import java.util.UUID;

/**
 * A page of the job list: newest first, optionally one state and one robot, continuing after a cursor; with
 * {@code reviewOpen}, only jobs flagged for review that nobody has marked reviewed yet.
 */
public record JobQuery(JobState state, String robot, int limit, Instant beforeCreatedAt, UUID beforeId, boolean reviewOpen) {
  public static final int MAX_LIMIT = 500;
}
