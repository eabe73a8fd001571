package io.robogrid.coordinator;

/** Event-bus addresses the coordinators listen on. Any coordinator of the cluster may answer: every write is fenced by attempt number. */
public final class CoordinatorAddresses {
  private CoordinatorAddresses() {}

  /** Request: a runner's report about one attempt ({@link Reports}); reply {@code {}} or a STALE_ATTEMPT failure. */
  public static final String REPORT = "robogrid.coordinator.report";
  /**
   * Request: a runner's reports about many attempts, {@code {"groups": [[report…]…]}}, each group one attempt's reports
   * in order; reply {@code {"results": [{"accepted": k} | {"accepted": k, "code": busCode, "message": …}…]}}, one per
   * group: its first k reports are in, and report k failed as it would have failed alone on {@link #REPORT}.
   */
  public static final String REPORTS = "robogrid.coordinator.reports";
  /** A goal run asks for the cached path of its (site, goal): {@code {site, goalKey}} → {@code {path}} or {@code {}}. */
  public static final String GOAL_PATH = "robogrid.coordinator.goal-path";
  /**
   * A runner asks for a secret its own configuration names (a language model's key): {@code {name, jobId, attempt,
   * step, node}} → {@code {sealed}}, only for a live attempt; each use is audited as a use by that step.
   */
  public static final String SEALED_SECRET = "robogrid.coordinator.sealed-secret";
  /** Request: {@code {"node", "attempts": {jobId: attempt}}}; reply {@code {"alive": [jobId…], "cancel": [jobId…], "pause": [jobId…]}}: the attempts still the node's, those to cancel and those to pause. */
  public static final String HEARTBEAT = "robogrid.coordinator.heartbeat";
  /** Request: {@code {"node"}} from a runner that just started: whatever that node held before is lost. Reply {@code {"lost": n}}. */
  public static final String RUNNER_STARTED = "robogrid.coordinator.runner-started";

  /**
   * Request from an {@code agent} step: {@code {"jobId", "jobAttempt", "step", "try", "capability", "parameters", "node"}}; reply
   * {@code {}}, or a STALE_ATTEMPT failure when that attempt is not running any more.
   */
  public static final String AGENT_OFFER = "robogrid.coordinator.agent-offer";
  /** Send: {@code {"jobId", "jobAttempt", "step", "try", "reason"}}: the step no longer waits for that work. */
  public static final String AGENT_WITHDRAW = "robogrid.coordinator.agent-withdraw";
  /** Request: {@code {"jobId", "jobAttempt", "step", "try"}}; reply {@code {"state", "attempt", "agent", "outcome"}} ({@code {}} when unknown). */
  public static final String AGENT_CHECK = "robogrid.coordinator.agent-check";
  /** Published by a coordinator when work for {@code {"capability"}} became open: web nodes wake the agents waiting for it. */
  public static final String AGENT_WORK_OPEN = "robogrid.coordinator.agent-work-open";
}
