package io.robogrid.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.robogrid.grid.GridAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.List;

/**
 * Hazelcast and event-bus settings of a node: {@code conf/cluster.xml} for what rarely changes, the {@code cluster}
 * section of the node config for what differs per node (name, interface, port, how to find the members). Every node is clustered,
 * even alone, so that another JVM can join it later.
 */
final class ClusterSetup {
  private ClusterSetup() {}

  static HazelcastClusterManager clusterManager(Path confDir, ClusterOptions cluster) {
    return new HazelcastClusterManager(hazelcastConfig(confDir, cluster));
  }

  /**
   * {@code conf/cluster.xml} with this node's settings on top. Exactly one join method is on: TCP-IP with the listed
   * members, or Hazelcast's Kubernetes discovery in DNS lookup mode (no API access, so no RBAC): every address the
   * headless service resolves to, on this node's cluster port, which is the same in every pod.
   */
  static Config hazelcastConfig(Path confDir, ClusterOptions cluster) {
    Path xml = confDir.resolve("cluster.xml");
    Config config;
    try {
      config = new FileSystemXmlConfig(xml.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(xml + " is missing: a node needs its Hazelcast settings");
    }
    String host = cluster.host();
    int port = cluster.port();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.local.localAddress", host);
    NetworkConfig net = config.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.discovery() == ClusterOptions.Discovery.KUBERNETES) {
      join.getTcpIpConfig().setEnabled(false);
      // bind the pod's address only, the one the service resolves to (Hazelcast binds 0.0.0.0 by default)
      config.setProperty("hazelcast.socket.bind.any", "false");
      // cluster.xml's 0 s suits a listed member; a discovered one is given up before its connection is made, and the
      // node starts alone, merging about 10 s later (measured: 1 member at start with 0, 2 with 1 s, for 1 s more)
      config.setProperty("hazelcast.wait.seconds.before.join", "1");
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.serviceDns())
          .setProperty("service-port", Integer.toString(port));
    } else {
      join.getKubernetesConfig().setEnabled(false);
      List<String> members = cluster.members();
      join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host + ":" + port) : members);
    }
    join.verify(); // Hazelcast's own check: one join method at a time
    return config;
  }

  /**
   * Tells this node's verticles (on the local address {@link GridAddresses#MEMBER_LEFT}) when a member leaves the
   * cluster: stopped, died, or frozen past the heartbeat timeout. Registered on Hazelcast directly: the Vert.x cluster
   * manager has a single node listener, which Vert.x itself uses.
   */
  static void reportMembersLeaving(HazelcastClusterManager cluster, Vertx vertx) {
    cluster.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        Object id = event.getMember().getAttribute(VERTX_NODE_ID);
        String clusterId = id != null ? id.toString() : event.getMember().getUuid().toString();
        vertx.eventBus().publish(GridAddresses.MEMBER_LEFT, new JsonObject().put("clusterId", clusterId), new DeliveryOptions().setLocalOnly(true));
      }
    });
  }

  /** The member attribute under which vertx-hazelcast keeps a member's Vert.x node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  /** The event bus listens on the same interface as Hazelcast, on a port of the system's choosing. */
  static VertxOptions vertxOptions(ClusterOptions cluster) {
    VertxOptions options = new VertxOptions();
    // the address other members dial back: in a pod, the pod's own IP (ROBOGRID_CLUSTER_HOST from status.podIP)
    options.getEventBusOptions().setHost(cluster.host()).setPort(0);
    return options;
  }
}
