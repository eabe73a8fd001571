package io.robogrid.node;

import static io.robogrid.node.KubernetesManifests.at;
import static io.robogrid.node.KubernetesManifests.container;
import static io.robogrid.node.KubernetesManifests.containerPort;
import static io.robogrid.node.KubernetesManifests.list;
import static io.robogrid.node.KubernetesManifests.map;
import static io.robogrid.node.KubernetesManifests.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.robogrid.runner.RunnerOptions;
import io.robogrid.secrets.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Kubernetes cluster here, so docker/k8s is kept right by construction, as the compose file is: each container's
 * environment (image ENV, ConfigMap, Secret, downward API) loads as a real node configuration, selects Hazelcast's
 * Kubernetes DNS discovery of the headless Service that exists beside it, binds the pod's own address, is probed on a
 * port and path the node serves with that configuration, and gets more time to stop than its runner's grace.
 */
class KubernetesManifestsTest {
  /** What a stopping runner needs beyond its grace: hand back, undeploy, leave the cluster (KubernetesDiscoveryGridTest measures it). */
  static final Duration STOP_MARGIN = Duration.ofSeconds(20);

  private final KubernetesManifests k8s = new KubernetesManifests();

  KubernetesManifestsTest() throws Exception {}

  @Test
  void theManifestsAreAHubAScalableRunnerPoolAndTheirServicesInNoNamespaceInParticular() {
    assertEquals(Set.of("robogrid-hub", "robogrid-runner"), names("Deployment"));
    assertEquals(Set.of("robogrid-cluster", "robogrid-api"), names("Service"));
    assertEquals(Set.of("robogrid-cluster"), names("ConfigMap"));
    assertTrue(k8s.ofKind("Secret").isEmpty(), "the Secret is the operator's: kubectl apply -f docker/k8s/ must not overwrite it");
    assertEquals(Set.of("ConfigMap", "Deployment", "Service"), Set.copyOf(k8s.documents.stream().map(d -> (String) d.get("kind")).toList()));
    for (Map<String, Object> d : k8s.documents) {
      assertNull(at(d, "metadata", "namespace"), at(d, "metadata", "name") + ": applied into the namespace the operator chooses");
    }
    assertEquals(1, at(k8s.get("Deployment", "robogrid-hub"), "spec", "replicas"));
    assertTrue((Integer) at(k8s.get("Deployment", "robogrid-runner"), "spec", "replicas") >= 2, "a runner pool that survives one pod");
  }

  @Test
  void everyContainerLoadsAsANodeThatFindsTheOthersThroughTheHeadlessService() throws Exception {
    Map<String, Object> headless = k8s.get("Service", "robogrid-cluster");
    assertEquals("None", at(headless, "spec", "clusterIP"));
    assertEquals(true, at(headless, "spec", "publishNotReadyAddresses"), "starting pods must find each other before they are ready");
    Map<String, Object> hzPort = map(list(at(headless, "spec", "ports")).get(0));
    assertEquals(5701, hzPort.get("port"));
    Set<String> scripts = Set.of("ROBOGRID_JAVA_OPTS", "ROBOGRID_PREBUILT"); // read by scripts/run and scripts/lib.sh, not by the node
    String runScripts = Files.readString(KubernetesManifests.REPO.resolve("scripts/run")) + Files.readString(KubernetesManifests.REPO.resolve("scripts/lib.sh"));
    for (String v : scripts) assertTrue(runScripts.contains(v), v);

    for (Map<String, Object> workload : k8s.ofKind("Deployment")) {
      String name = (String) at(workload, "metadata", "name");
      Map<String, Object> podLabels = map(at(workload, "spec", "template", "metadata", "labels"));
      assertTrue(podLabels.entrySet().containsAll(map(at(headless, "spec", "selector")).entrySet()), name + ": not listed by the headless Service");
      assertEquals(podLabels, at(workload, "spec", "selector", "matchLabels"), name);
      Map<String, Object> container = container(workload);
      assertEquals(false, podSpec(workload).get("automountServiceAccountToken"), name + ": DNS discovery needs no API token");
      Map<String, String> env = k8s.environment(container);
      for (String k : env.keySet()) {
        assertTrue(NodeConfig.environmentVariables().contains(k) || scripts.contains(k), name + ": a node does not read " + k);
      }

      NodeConfig config = NodeConfig.load(KubernetesManifests.REPO.resolve("conf"), env); // throws on a bad value
      RunnerOptions.fromJson(config.nodeId(), NodeConfig.VERSION, config.section("runner")); // throws on bad capabilities
      assertEquals(KubernetesManifests.POD_FIELDS.get("metadata.name"), config.nodeId(), name + ": the node is named after its pod");
      String podIp = KubernetesManifests.POD_FIELDS.get("status.podIP");
      Config hz = ClusterSetup.hazelcastConfig(config.confDir(), config.cluster());
      JoinConfig join = hz.getNetworkConfig().getJoin();
      assertTrue(join.getKubernetesConfig().isEnabled(), name);
      assertEquals(at(headless, "metadata", "name"), join.getKubernetesConfig().getProperty("service-dns"), name + ": resolves the headless Service");
      assertEquals(String.valueOf(containerPort(container, hzPort.get("targetPort"))), join.getKubernetesConfig().getProperty("service-port"), name);
      assertEquals(config.clusterPort(), hz.getNetworkConfig().getPort(), name);
      assertEquals(5701, config.clusterPort(), name);
      assertFalse(join.getTcpIpConfig().isEnabled(), name + ": TCP-IP off");
      assertFalse(join.getMulticastConfig().isEnabled(), name + ": multicast off");
      assertFalse(join.getAutoDetectionConfig().isEnabled(), name + ": auto-detection off");
      assertEquals(List.of(podIp), List.copyOf(hz.getNetworkConfig().getInterfaces().getInterfaces()), name + ": Hazelcast binds the pod's address");
      assertEquals(podIp, hz.getProperty("hazelcast.local.localAddress"), name);
      assertEquals("false", hz.getProperty("hazelcast.socket.bind.any"), name + ": the pod's address only");
      assertEquals("1", hz.getProperty("hazelcast.wait.seconds.before.join"), name + ": time for a discovered member's connection");
      assertEquals(podIp, ClusterSetup.vertxOptions(config.cluster()).getEventBusOptions().getHost(), name + ": the event bus too, or members cannot answer");
      assertEquals("robogrid", hz.getClusterName());
      assertEquals("0.0.0.0", config.section("http").getString("host"), name + ": probes come from outside the pod");

      // the master key every node must share comes from the Secret, as a file the node can read
      String keyFile = env.get("ROBOGRID_MASTER_KEY_FILE");
      assertNotNull(keyFile, name);
      Map<String, Object> mount = list(container.get("volumeMounts")).stream().map(KubernetesManifests::map)
          .filter(m -> keyFile.startsWith(m.get("mountPath") + "/")).findFirst().orElseThrow(() -> new AssertionError(name + ": " + keyFile + " is mounted from nowhere"));
      Map<String, Object> volume = list(podSpec(workload).get("volumes")).stream().map(KubernetesManifests::map)
          .filter(v -> v.get("name").equals(mount.get("name"))).findFirst().orElseThrow();
      assertEquals("robogrid", at(volume, "secret", "secretName"), name);
      String item = keyFile.substring(((String) mount.get("mountPath")).length() + 1);
      assertTrue(list(at(volume, "secret", "items")).stream().anyMatch(i -> item.equals(at(i, "path")) && k8s.secret.containsKey((String) at(i, "key"))), name);
      Path key = Files.createTempFile("master", ".key");
      Files.writeString(key, k8s.secret.get("master.key"));
      MasterKey.read(key); // 64 hex digits, as the node reads it

      Map<String, Object> limits = map(at(container, "resources", "limits"));
      Map<String, Object> requests = map(at(container, "resources", "requests"));
      assertNotNull(limits.get("memory"), name);
      assertNotNull(requests.get("memory"), name);
      assertNotNull(requests.get("cpu"), name);
      assertEquals(compose().get("image"), container.get("image"), name + ": the image docker/Dockerfile builds, as the compose file names it");

      if (config.has("runner")) {
        assertFalse(config.needsDatabase() || env.containsKey("ROBOGRID_DB_URL"), name + ": a runner needs no database");
        Duration grace = RunnerOptions.fromJson(config.nodeId(), NodeConfig.VERSION, config.section("runner")).shutdownGrace();
        int podGrace = (Integer) podSpec(workload).get("terminationGracePeriodSeconds");
        assertTrue(Duration.ofSeconds(podGrace).compareTo(grace.plus(STOP_MARGIN)) >= 0,
            name + ": terminationGracePeriodSeconds " + podGrace + " leaves no time to hand jobs back after runner.shutdownGrace " + grace);
      }
      if (config.needsDatabase()) assertEquals(k8s.secret.get("ROBOGRID_DB_URL"), env.get("ROBOGRID_DB_URL"), name + ": the external PostgreSQL");
    }
  }

  @Test
  void probesAskPortsAndPathsTheNodeServesWithThatConfiguration() throws Exception {
    for (Map<String, Object> workload : k8s.ofKind("Deployment")) {
      String name = (String) at(workload, "metadata", "name");
      Map<String, Object> container = container(workload);
      NodeConfig config = NodeConfig.load(KubernetesManifests.REPO.resolve("conf"), k8s.environment(container));
      Set<Integer> served = new HashSet<>();
      if (config.healthPort() > 0) served.add(config.healthPort());
      Integer api = config.has("web") ? config.section("http").getInteger("port") : null;
      if (api != null) served.add(api);
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        Object get = at(container, probe, "httpGet");
        assertNotNull(get, name + ": " + probe);
        assertEquals("/health", at(get, "path"), name + ": " + probe);
        int port = containerPort(container, at(get, "port"));
        assertTrue(served.contains(port), name + ": " + probe + " asks port " + port + ", the node serves " + served);
        if (probe.equals("livenessProbe")) {
          // the API's /health is 503 while the database is away: a liveness probe there would restart a node that waits it out
          assertEquals(config.healthPort(), port, name + ": liveness on the health port, which never asks the database");
        }
      }
      if (api != null) {
        assertEquals(api, containerPort(container, at(container, "readinessProbe", "httpGet", "port")), name + ": ready when the API can answer");
        Map<String, Object> apiService = k8s.get("Service", "robogrid-api");
        assertTrue(map(at(workload, "spec", "template", "metadata", "labels")).entrySet().containsAll(map(at(apiService, "spec", "selector")).entrySet()));
        assertEquals(api, containerPort(container, at(list(at(apiService, "spec", "ports")).get(0), "targetPort")));
      }
    }
    // only the hub's pods serve the API
    assertTrue(!map(at(k8s.get("Deployment", "robogrid-runner"), "spec", "template", "metadata", "labels")).entrySet()
        .containsAll(map(at(k8s.get("Service", "robogrid-api"), "spec", "selector")).entrySet()));
  }

  private static Map<String, Object> compose() throws Exception {
    Map<String, Object> c = map(new Yaml().load(Files.readString(KubernetesManifests.REPO.resolve("docker/compose.yaml"))));
    return map(map(c.get("services")).get("hub"));
  }

  private Set<String> names(String kind) {
    return Set.copyOf(k8s.ofKind(kind).stream().map(d -> (String) at(d, "metadata", "name")).toList());
  }
}
