package io.robogrid.grid;

/** Event-bus addresses about the nodes of the grid. */
public final class GridAddresses {
  private GridAddresses() {}

  /** Publish: a {@link NodeStatus}. */
  public static final String NODE_STATUS = "robogrid.nodes.status";
  /** Publish: {@code {"node"}}: a node started watching the grid; every node answers by announcing itself at once. */
  public static final String HELLO = "robogrid.nodes.hello";
  /**
   * Local only (each node hears it from its own cluster manager): {@code {"clusterId"}} of a member that left the
   * cluster, whether it stopped, died or stopped answering heartbeats.
   */
  public static final String MEMBER_LEFT = "robogrid.local.member-left";
}
