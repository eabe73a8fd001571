package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub and a runner of docker/k8s as real JVMs, each with its container's environment from the manifests, finding
 * each other only by Hazelcast's Kubernetes DNS discovery: the headless Service's name resolves (through a hosts file
 * given to the JVMs, {@code jdk.net.hosts.file}) to two loopback addresses, one per "pod", both on the same cluster
 * port as in Kubernetes. What differs from a pod is only where things are: addresses, free ports, the test database.
 */
class KubernetesDiscoveryGridTest {
  private static final String ROBOTS = """
      {"robots": [
        {"name": "quick", "steps": [{"id": "hello", "type": "log", "with": {"message": "hello from ${env:ROBOGRID_NODE_ID}"}}]},
        {"name": "long", "retry": {"maxAttempts": 1}, "steps": [{"id": "nap", "type": "wait", "with": {"duration": "60s"}}]}]}""";
  private static final Duration GRACE = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  private final KubernetesManifests k8s = new KubernetesManifests();

  KubernetesDiscoveryGridTest() throws Exception {}

  private NodeProcess pod(String deployment, String id, String address, int clusterPort, String cluster, Path key, Path hosts) throws Exception {
    NodeProcess n = new NodeProcess(ROBOTS, TestCluster.RUNNER);
    Map<String, String> env = k8s.environment(KubernetesManifests.container(k8s.get("Deployment", deployment)));
    Set<String> local = Set.of("ROBOGRID_DATA_DIR", "ROBOGRID_HTTP_PORT", "ROBOGRID_ADMIN_TOKEN"); // this test's own, as NodeProcess sets them
    env.forEach((k, v) -> {
      if (!local.contains(k)) n.env(k, v);
    });
    n.env("ROBOGRID_NODE_ID", id).env("ROBOGRID_CLUSTER_HOST", address).env("ROBOGRID_HTTP_HOST", address)
        .env("ROBOGRID_CLUSTER_PORT", Integer.toString(clusterPort)).env("ROBOGRID_CLUSTER_NAME", cluster)
        .env("ROBOGRID_HEALTH_PORT", Integer.toString(FreePorts.next())).env("ROBOGRID_MASTER_KEY_FILE", key.toString())
        .jvmOption("-Djdk.net.hosts.file=" + hosts);
    if (env.containsKey("ROBOGRID_SHUTDOWN_GRACE")) n.env("ROBOGRID_SHUTDOWN_GRACE", GRACE.toSeconds() + "s");
    return n;
  }

  @Test
  void aHubAndARunnerFindEachOtherByTheServiceNameRunJobsAndTheRunnerHandsBackOnSigterm() throws Exception {
    String service = String.valueOf(k8s.get("ConfigMap", "robogrid-cluster").get("data") instanceof Map<?, ?> m ? m.get("ROBOGRID_CLUSTER_SERVICE_DNS") : null);
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + service + "\n127.0.0.2 " + service + "\n");
    Path key = Files.writeString(dir.resolve("master.key"), k8s.secret.get("master.key"));
    JsonObject db = io.robogrid.testing.TestDatabase.newDatabase();
    String cluster = "k8s-" + UUID.randomUUID();
    int clusterPort = FreePorts.next(); // one port for every pod, as in Kubernetes: the addresses differ

    try (NodeProcess hub = pod("robogrid-hub", "hub-0", "127.0.0.1", clusterPort, cluster, key, hosts)
             .env("ROBOGRID_DB_URL", "postgresql://postgres@127.0.0.1:" + db.getInteger("port") + "/" + db.getString("database"));
         NodeProcess runner = pod("robogrid-runner", "runner-0", "127.0.0.2", clusterPort, cluster, key, hosts)) {
      hub.start();
      runner.start();
      Api api = new Api(hub.url());
      JsonObject grid = awaitNodes(api, 2);
      assertEquals(Set.of("hub-0", "runner-0"), ids(grid.getJsonArray("nodes")), grid.encodePrettily());
      // found at start, not by a split-brain merge afterwards
      assertTrue(runner.logText().matches("(?s).*node runner-0 joined cluster '" + cluster + "' as member \\S+ \\(\\d+ ms, 2 members\\).*"), runner.logText());
      // nobody was told of the other: TCP-IP, multicast and auto-detection are off (KubernetesManifestsTest), no members listed
      assertEquals(null, runner.envValue("ROBOGRID_CLUSTER_MEMBERS"));
      assertEquals("kubernetes", runner.envValue("ROBOGRID_CLUSTER_DISCOVERY"));

      // the probes' answers, on the ports the manifests probe
      JsonObject runnerHealth = new Api("http://127.0.0.2:" + runner.envValue("ROBOGRID_HEALTH_PORT")).health();
      assertEquals(200, runnerHealth.getInteger("httpStatus"), String.valueOf(runnerHealth));
      assertEquals("UP", runnerHealth.getString("status"));
      assertEquals(2, runnerHealth.getInteger("members"));
      assertEquals(new JsonArray().add("runner"), runnerHealth.getJsonArray("roles"));
      assertEquals(200, new Api("http://127.0.0.1:" + hub.envValue("ROBOGRID_HEALTH_PORT")).health().getInteger("httpStatus"));
      assertEquals("UP", api.health().getString("status"), "the hub's API /health, its readiness probe");

      String quick = api.post("/api/v1/jobs", new JsonObject().put("robot", "quick")).getString("id");
      assertEquals("SUCCEEDED", api.awaitState(quick, Duration.ofSeconds(30), "SUCCEEDED", "FAILED").getString("state"));
      assertTrue(runner.logText().contains("hello from runner-0"), "run on the runner, over the event bus of the discovered cluster");

      // what terminationGracePeriodSeconds must cover: SIGTERM to exit, with a job that outlasts the grace
      String job = api.post("/api/v1/jobs", new JsonObject().put("robot", "long")).getString("id");
      api.awaitState(job, Duration.ofSeconds(30), "RUNNING");
      long t0 = System.nanoTime();
      assertEquals(0, runner.terminate(Duration.ofSeconds(60)), runner.logText());
      Duration stop = Duration.ofNanos(System.nanoTime() - t0);
      System.out.printf("runner SIGTERM to exit: %d ms with shutdownGrace %s%n", stop.toMillis(), GRACE);
      assertTrue(runner.logText().contains("attempt 1 ended: HANDED_BACK"), runner.logText());
      assertEquals("QUEUED", api.awaitState(job, Duration.ofSeconds(10), "QUEUED").getString("state"), "back in the queue, not failed");
      assertTrue(stop.minus(GRACE).compareTo(KubernetesManifestsTest.STOP_MARGIN) < 0,
          "stopping took " + stop.toMillis() + " ms beyond the grace, more than the manifests allow for");
      assertEquals(Set.of("hub-0"), ids(awaitNodes(api, 1).getJsonArray("nodes")));
    }
  }

  private static JsonObject awaitNodes(Api api, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    JsonObject grid;
    do {
      grid = api.get("/api/v1/cluster");
      if (grid.getJsonArray("nodes").size() == n) return grid;
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the grid never had " + n + " nodes: " + grid.encodePrettily());
  }

  private static Set<String> ids(JsonArray nodes) {
    return nodes.stream().map(o -> ((JsonObject) o).getString("id")).collect(Collectors.toSet());
  }
}
