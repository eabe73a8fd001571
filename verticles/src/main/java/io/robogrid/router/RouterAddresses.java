package io.robogrid.router;

/** Event-bus addresses of the router role. */
public final class RouterAddresses {
  private RouterAddresses() {}

  /** Publish: a runner's {@link RunnerStatus}, sent every few seconds and whenever its load changes. */
  public static final String RUNNER_STATUS = "robogrid.runners.status";
  /** Request: {@code {}} → {@code {"groups": [{"free": n, "capabilities": [...]}]}}: how much work the live runners can take now, and of what kind. */
  public static final String OFFER = "robogrid.router.offer";
  /** Request: {@code {"jobs": [{"jobId", "requires": [...]}]}} → {@code {"nodes": {jobId: node}}}, reserving a slot for each job placed. */
  public static final String ASSIGN = "robogrid.router.assign";
}
