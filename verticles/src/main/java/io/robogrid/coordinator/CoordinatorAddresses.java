package io.robogrid.coordinator;

/** Event-bus addresses the coordinators listen on. Any coordinator of the cluster may answer: every write is fenced by attempt number. */
public final class CoordinatorAddresses {
  private CoordinatorAddresses() {}

  /** Request: a runner's report about one attempt ({@link Reports}); reply {@code {}} or a STALE_ATTEMPT failure. */
  public static final String REPORT = "robogrid.coordinator.report";
  /** Request: {@code {"node", "attempts": {jobId: attempt}}}; reply {@code {"alive": [jobId…], "cancel": [jobId…]}}: the attempts still the node's, and those to cancel. */
  public static final String HEARTBEAT = "robogrid.coordinator.heartbeat";
  /** Request: {@code {"node"}} from a runner that just started: whatever that node held before is lost. Reply {@code {"lost": n}}. */
  public static final String RUNNER_STARTED = "robogrid.coordinator.runner-started";
}
