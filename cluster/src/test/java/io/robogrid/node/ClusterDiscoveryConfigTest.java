package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.JoinConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a node finds the grid, from the shipped conf/ and the environment: TCP-IP unless told otherwise, Kubernetes DNS
 * discovery when asked, and a start refused with the setting's name when the two are mixed up.
 */
class ClusterDiscoveryConfigTest {
  private static final Path CONF = Path.of("..", "conf").toAbsolutePath().normalize();

  private static JoinConfig join(Map<String, String> env) {
    NodeConfig config = NodeConfig.load(CONF, env);
    return ClusterSetup.hazelcastConfig(CONF, config.cluster()).getNetworkConfig().getJoin();
  }

  private static String refusal(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(CONF, env)).getMessage();
  }

  @Test
  void tcpIsTheDefaultWithThisNodeAloneOrTheListedMembers() {
    JoinConfig alone = join(Map.of());
    assertTrue(alone.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5701"), alone.getTcpIpConfig().getMembers());
    assertFalse(alone.getKubernetesConfig().isEnabled());
    assertFalse(alone.getMulticastConfig().isEnabled());

    JoinConfig listed = join(Map.of("ROBOGRID_CLUSTER_DISCOVERY", "TCP", "ROBOGRID_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701"));
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), listed.getTcpIpConfig().getMembers());
    assertFalse(listed.getKubernetesConfig().isEnabled());
  }

  @Test
  void kubernetesDiscoveryLooksUpTheServiceOnTheClusterPort() {
    JoinConfig k = join(Map.of("ROBOGRID_CLUSTER_DISCOVERY", "kubernetes", "ROBOGRID_CLUSTER_SERVICE_DNS", "robogrid-cluster.grid.svc",
        "ROBOGRID_CLUSTER_PORT", "5801", "ROBOGRID_CLUSTER_HOST", "10.244.0.9"));
    assertTrue(k.getKubernetesConfig().isEnabled());
    assertEquals(Map.of("service-dns", "robogrid-cluster.grid.svc", "service-port", "5801"), k.getKubernetesConfig().getProperties());
    assertFalse(k.getTcpIpConfig().isEnabled());
    assertFalse(k.getMulticastConfig().isEnabled());
    assertFalse(k.getAutoDetectionConfig().isEnabled());
  }

  @Test
  void anUnknownDiscoveryIsRefusedWithTheChoices() {
    assertEquals("cluster.discovery (ROBOGRID_CLUSTER_DISCOVERY): must be tcp or kubernetes, not 'multicast'",
        refusal(Map.of("ROBOGRID_CLUSTER_DISCOVERY", "multicast")));
  }

  @Test
  void kubernetesWithoutAServiceNameIsRefused() {
    assertTrue(refusal(Map.of("ROBOGRID_CLUSTER_DISCOVERY", "kubernetes"))
        .startsWith("cluster.discovery is kubernetes but cluster.serviceDns (ROBOGRID_CLUSTER_SERVICE_DNS) is not set"));
  }

  @Test
  void kubernetesWithListedMembersIsRefused() {
    assertTrue(refusal(Map.of("ROBOGRID_CLUSTER_DISCOVERY", "kubernetes", "ROBOGRID_CLUSTER_SERVICE_DNS", "robogrid-cluster",
        "ROBOGRID_CLUSTER_MEMBERS", "10.0.0.1:5701")).startsWith("cluster.members (ROBOGRID_CLUSTER_MEMBERS) is for tcp discovery"));
  }

  @Test
  void aServiceNameWithoutKubernetesDiscoveryIsRefusedRatherThanIgnored() {
    assertTrue(refusal(Map.of("ROBOGRID_CLUSTER_SERVICE_DNS", "robogrid-cluster"))
        .startsWith("cluster.serviceDns (ROBOGRID_CLUSTER_SERVICE_DNS) is set but cluster.discovery is tcp"));
  }

  @Test
  void aHealthPortThatIsNoPortIsRefused() {
    assertEquals("health.port (ROBOGRID_HEALTH_PORT): 70000 is not a port", refusal(Map.of("ROBOGRID_HEALTH_PORT", "70000")));
    assertEquals(-1, NodeConfig.load(CONF, Map.of()).healthPort(), "no health server unless asked for");
  }

  @Test
  void aNodeStartedWithABadDiscoveryExitsWithTheMessage() throws Exception {
    try (NodeProcess node = new NodeProcess(null, null)) {
      node.env("ROBOGRID_CLUSTER_DISCOVERY", "kubernetes").env("ROBOGRID_ROLES", "runner");
      IllegalStateException e = assertThrows(IllegalStateException.class, node::start);
      assertTrue(e.getMessage().startsWith("node exited with 2:"), e.getMessage());
      assertTrue(e.getMessage().contains("robogrid: bad configuration: cluster.discovery is kubernetes but cluster.serviceDns (ROBOGRID_CLUSTER_SERVICE_DNS) is not set"),
          e.getMessage());
    }
  }
}
