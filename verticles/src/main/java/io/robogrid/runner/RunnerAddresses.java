package io.robogrid.runner;

/** Event-bus addresses a runner listens on: one pair per node, so that work goes to exactly the chosen node. */
public final class RunnerAddresses {
  private RunnerAddresses() {}

  /** Request: an {@link Assignment}; reply {@code {"accepted": true}} or a NO_CAPACITY failure. */
  public static String execute(String node) {
    return "robogrid.runner." + node + ".execute";
  }

  /**
   * Send: {@code {"jobId", "attempt", "reason"}}: stop that attempt now; with {@code "pause": true}, stop it at its
   * next step boundary instead (it ends PAUSED with what it has done).
   */
  public static String cancel(String node) {
    return "robogrid.runner." + node + ".cancel";
  }

  /**
   * Send: news about the agent work of a step running here: {@code {"jobId", "jobAttempt", "step", "try", "type", "agent",
   * "attempt"}}, type {@code claimed}, {@code lost}, or an agent's report ({@code progress}, {@code log}, {@code result},
   * {@code error}, with {@code output}, {@code message}, {@code level}, {@code errorClass}).
   */
  public static String agent(String node) {
    return "robogrid.runner." + node + ".agent";
  }
}
