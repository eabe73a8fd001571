package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.runner.RunnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * There is no Docker engine here, so docker/compose.yaml and the Dockerfile are kept right by construction: every node
 * service's environment must load as a node configuration (known variables, roles and capabilities), bind the cluster
 * to its own fixed address, list every node as a member one by one, and use the ports the node uses by default.
 */
class DockerComposeTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void theComposeGridIsAHubTwoRunnersAndPostgresWithConsistentSettings() throws Exception {
    Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker/compose.yaml")));
    Map<String, Object> services = map(compose.get("services"));
    assertEquals(new TreeSet<>(List.of("postgres", "hub", "runner-1", "runner-2", "prometheus", "grafana")), new TreeSet<>(services.keySet()));
    String pgAddress = address(services, "postgres");
    Map<String, Object> pgEnv = map(map(services.get("postgres")).get("environment"));

    List<String> nodeAddresses = new ArrayList<>();
    int runners = 0;
    for (String name : List.of("hub", "runner-1", "runner-2")) {
      Map<String, Object> service = map(services.get(name));
      assertEquals("docker/Dockerfile", map(service.get("build")).get("dockerfile"), name);
      Map<String, String> env = new HashMap<>();
      map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
      for (String k : env.keySet()) assertTrue(NodeConfig.environmentVariables().contains(k), name + ": a node does not read " + k);

      NodeConfig config = NodeConfig.load(REPO.resolve("conf"), env); // throws on unknown roles or bad values
      RunnerOptions.fromJson(config.nodeId(), NodeConfig.VERSION, config.section("runner")); // throws on bad capabilities
      String address = address(services, name);
      nodeAddresses.add(address);
      assertEquals(address, env.get("ROBOGRID_CLUSTER_HOST"), name + " must bind the cluster to its own address");
      assertEquals(name, config.nodeId());
      assertEquals(5701, config.clusterPort(), name);
      if (config.has("runner")) {
        runners++;
        assertTrue(!config.needsDatabase() && !env.containsKey("ROBOGRID_DB_URL"), name + ": a runner node needs no database");
      }
      if (config.needsDatabase()) {
        String url = env.get("ROBOGRID_DB_URL");
        assertEquals("postgresql://" + pgEnv.get("POSTGRES_USER") + ":" + pgEnv.get("POSTGRES_PASSWORD") + "@" + pgAddress + ":5432/"
            + pgEnv.get("POSTGRES_DB"), url, name);
      }
      io.robogrid.metrics.MetricsOptions metrics = io.robogrid.metrics.MetricsOptions.fromJson(config.section("metrics"));
      assertTrue(metrics.enabled(), name);
      assertEquals(9100, metrics.port(), name + " serves /metrics open on 9100, where Prometheus scrapes");
      assertEquals(address, metrics.host(), name + " serves /metrics on its own address");
      if (config.has("web")) {
        int port = config.section("http").getInteger("port");
        assertEquals(List.of(port + ":" + port), service.get("ports"), name + " publishes the API port");
      }
    }
    assertEquals(2, runners);
    for (String name : List.of("hub", "runner-1", "runner-2")) {
      String members = String.valueOf(map(map(services.get(name)).get("environment")).get("ROBOGRID_CLUSTER_MEMBERS"));
      assertEquals(String.join(",", nodeAddresses.stream().map(a -> a + ":5701").toList()), members, name);
    }
  }

  /** Prometheus scrapes each node's metrics port, Grafana reads that Prometheus and provisions the grid's dashboard. */
  @Test
  void prometheusScrapesEveryNodeAndGrafanaShowsTheDashboard() throws Exception {
    Map<String, Object> services = map(new Yaml().<Map<String, Object>>load(Files.readString(REPO.resolve("docker/compose.yaml"))).get("services"));
    Map<String, Object> prometheus = map(services.get("prometheus"));
    String configFile = ((List<?>) prometheus.get("command")).stream().map(String::valueOf).filter(c -> c.startsWith("--config.file="))
        .findFirst().orElseThrow().substring("--config.file=".length());
    assertTrue(((List<?>) prometheus.get("volumes")).contains("./prometheus/prometheus.yml:" + configFile + ":ro"), prometheus.toString());
    Map<String, Object> scrape = map(new Yaml().<Map<String, Object>>load(Files.readString(REPO.resolve("docker/prometheus/prometheus.yml"))));
    List<String> targets = new ArrayList<>();
    for (Object job : (List<?>) scrape.get("scrape_configs")) {
      assertEquals("/metrics", map(job).get("metrics_path"));
      for (Object sc : (List<?>) map(job).get("static_configs")) ((List<?>) map(sc).get("targets")).forEach(t -> targets.add(String.valueOf(t)));
    }
    List<String> expected = new ArrayList<>();
    for (String name : List.of("hub", "runner-1", "runner-2")) {
      Map<String, String> env = new HashMap<>();
      map(map(services.get(name)).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
      io.robogrid.metrics.MetricsOptions m = io.robogrid.metrics.MetricsOptions.fromJson(NodeConfig.load(REPO.resolve("conf"), env).section("metrics"));
      expected.add(m.host() + ":" + m.port());
    }
    assertEquals(expected, targets, "Prometheus scrapes every node, where it serves /metrics");

    Map<String, Object> grafana = map(services.get("grafana"));
    Map<String, String> mounts = new HashMap<>();
    for (Object v : (List<?>) grafana.get("volumes")) {
      String[] parts = String.valueOf(v).split(":");
      mounts.put(parts[1], parts[0]);
      assertTrue(Files.isDirectory(REPO.resolve("docker").resolve(parts[0]).normalize()), v + ": no such directory in docker/");
    }
    Map<String, Object> source = map(((List<?>) map(new Yaml().load(Files.readString(REPO.resolve("docker/grafana/provisioning/datasources/prometheus.yaml"))))
        .get("datasources")).get(0));
    assertEquals("http://" + address(services, "prometheus") + ":9090", source.get("url"));
    Map<String, Object> provider = map(((List<?>) map(new Yaml().load(Files.readString(REPO.resolve("docker/grafana/provisioning/dashboards/robogrid.yaml"))))
        .get("providers")).get(0));
    String dashboards = String.valueOf(map(provider.get("options")).get("path"));
    assertEquals("./grafana/dashboards", mounts.get(dashboards), "the dashboards Grafana loads are docker/grafana/dashboards");
    assertEquals("./grafana/provisioning", mounts.get("/etc/grafana/provisioning"));
    io.vertx.core.json.JsonObject board = new io.vertx.core.json.JsonObject(Files.readString(REPO.resolve("docker/grafana/dashboards/robogrid-grid.json")));
    assertTrue(board.getJsonArray("panels").size() > 0);
  }

  @Test
  void theImageStartsTheNodeWithScriptsRunLikeAMachineDoes() throws Exception {
    String dockerfile = Files.readString(REPO.resolve("docker/Dockerfile"));
    String entrypoint = Files.readString(REPO.resolve("docker/entrypoint.sh"));
    assertTrue(dockerfile.contains("COPY scripts scripts") && dockerfile.contains("COPY conf conf") && dockerfile.contains("ROBOGRID_PREBUILT=1"));
    assertTrue(dockerfile.contains("EXPOSE 8080 5701"));
    // the browser slots' default executable must exist in the image
    assertTrue(dockerfile.contains("chromium") && dockerfile.contains("FROM debian:"), "the runtime image needs Debian's Chromium");
    assertTrue(entrypoint.contains("exec /opt/robogrid/scripts/run"), entrypoint);
    assertTrue(Files.readString(REPO.resolve("scripts/lib.sh")).contains("ROBOGRID_PREBUILT"));
  }

  private static String address(Map<String, Object> services, String name) {
    return String.valueOf(map(map(map(map(services.get(name)).get("networks")).get("grid"))).get("ipv4_address"));
  }
}
