package io.robogrid.core;

/**
 * Why a step or an attempt failed. The class decides whether a retry can help: a recoverable failure
 * is retried under the step's and then the robot's retry policy, an unrecoverable one ends the job at once.
 * The names are part of the API (they are the {@code error.code} of a failed job or step).
 */
public enum ErrorClass {
  // recoverable: the world may look different on the next try
  ELEMENT_NOT_FOUND(true),
  PAGE_TIMEOUT(true),
  RATE_LIMITED(true),
  HTTP_5XX(true),
  CONNECTION_FAILED(true),
  LEASE_BUSY(true),
  BROWSER_CRASHED(true),
  STEP_TIMEOUT(true),
  JOB_TIMEOUT(true),
  NODE_LOST(true),
  /** No window matched (yet), or the window a step named is gone. */
  WINDOW_NOT_FOUND(true),
  /** The window system refused a request or went away (an X error, a lost X connection). */
  DESKTOP_ERROR(true),
  /** The agent doing an {@code agent} step reported an error. */
  AGENT_ERROR(true),
  UNKNOWN(true),
  // unrecoverable: trying again does the same thing
  INVALID_URL(false),
  ACCESS_DENIED(false),
  /** A site that refuses connections or answers 5xx to a browser: the robot stops and reports rather than hammer it. */
  SITE_DOWN(false),
  /** The same page state three times in a row: the run is going nowhere. */
  LOOP_DETECTED(false),
  /** The attempt executed more steps and browser actions than its {@code maxSteps}. */
  MAX_STEPS_EXCEEDED(false),
  UNEXPECTED_STATUS(false),
  /** A desktop step's point is off the screen (or off the window it is relative to). */
  INVALID_COORDINATES(false),
  /** A program a desktop step launches cannot be started (not found, not executable). */
  LAUNCH_FAILED(false),
  /** A goal run's decider found no way to the goal, or said so (its reason is the message). */
  GAVE_UP(false),
  /** A goal run spent the money its budget allows on model decisions before reaching the goal. */
  BUDGET_EXCEEDED(false),
  /** A step stayed blocked past the {@code maxWait} its agent gave (a person who never answered, say). */
  BLOCKED_TOO_LONG(false),
  BAD_WORKFLOW(false),
  BAD_REFERENCE(false),
  FAILED(false),
  /** The job was rejected at its approval gate, or not approved in time. */
  REJECTED(false),
  CANCELLED(false);

  private final boolean recoverable;

  ErrorClass(boolean recoverable) {
    this.recoverable = recoverable;
  }

  public boolean recoverable() {
    return recoverable;
  }

  /**
   * Whether trying the same step again within the attempt can help. A crashed browser took the job's page and its
   * state with it: only a new attempt, from the first step in a fresh context, can.
   */
  public boolean retriesWithinAttempt() {
    return recoverable && this != BROWSER_CRASHED;
  }

  /** Lenient lookup for operator-written names ({@code rate_limited}, {@code RATE-LIMITED}); null when unknown. */
  public static ErrorClass fromName(String name) {
    if (name == null) return null;
    String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    for (ErrorClass c : values()) if (c.name().equals(n)) return c;
    return null;
  }
}
