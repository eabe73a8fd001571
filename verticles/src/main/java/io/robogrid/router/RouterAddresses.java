package io.robogrid.router;

/**
 * Event-bus addresses of the router role. A coordinator asks the router of its own node when there is one (its
 * promises then stay consistent between offer and assignment), any router otherwise.
 */
public final class RouterAddresses {
  private RouterAddresses() {}

  /**
   * Request: {@code {}} → {@code {"groups": [{"free": n, "capabilities": [...], "needs": c|null}]}}: how much work the
   * live runners can take now, and of what kind, scarce capabilities first.
   */
  public static final String OFFER = "robogrid.router.offer";
  /** Request: {@code {"jobs": [{"jobId", "requires": [...]}]}} → {@code {"nodes": {jobId: node}}}, reserving slots for each job placed. */
  public static final String ASSIGN = "robogrid.router.assign";
}
