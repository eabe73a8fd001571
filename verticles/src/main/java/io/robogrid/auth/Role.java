package io.robogrid.auth;

import java.util.Locale;

/**
 * What an API token may do. Each role includes the ones below it, except {@code agent}, which only pulls work and
 * reports on it, and {@code metrics}, which only scrapes {@code /metrics} (as {@code admin} may too).
 */
public enum Role {
  /** Reads: jobs, events, artifacts, robots, the cluster, the stream. */
  VIEWER,
  /** And acts on jobs: submits, cancels, reruns, reviews, approves and rejects; pauses and resumes schedules. */
  OPERATOR,
  /** And runs the grid: secrets, tokens, config reload. */
  ADMIN,
  /** An external program doing agent steps: pulls work and reports on it, nothing else. */
  AGENT,
  /** A monitoring system: reads {@code /metrics}, nothing else (no job, robot or input is in it). */
  METRICS;

  /** Whether a token of this role may do what {@code needed} may. */
  public boolean allows(Role needed) {
    if (this == AGENT || needed == AGENT) return this == needed;
    if (needed == METRICS) return this == METRICS || this == ADMIN;
    if (this == METRICS) return false;
    return ordinal() >= needed.ordinal();
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role of(String s) {
    for (Role r : values()) if (r.label().equals(s)) return r;
    return null;
  }
}
