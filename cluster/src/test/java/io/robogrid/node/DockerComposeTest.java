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
    assertEquals(new TreeSet<>(List.of("postgres", "hub", "runner-1", "runner-2")), new TreeSet<>(services.keySet()));
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
