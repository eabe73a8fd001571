package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.cli.RoboGridCli;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two node JVMs re-read their robot files without a restart: through the API (and the CLI) of one of them, and on
 * SIGHUP. A node whose files are broken says which file and field, and keeps the robots it runs with.
 */
class ConfigReloadTest {
  private static final String ROBOT = """
      {"robots": [{"name": "%s", "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";

  private static void write(NodeProcess node, String file, String text) throws Exception {
    Path dir = Files.createDirectories(node.home.resolve("conf/robots.d"));
    Files.writeString(dir.resolve(file), text);
  }

  private static List<String> robots(NodeProcess node) throws Exception {
    return new Api(node.url()).get("/api/v1/robots").getJsonArray("robots").stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static HttpResponse<String> reload(NodeProcess node) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url() + "/api/v1/config/reload"))
        .header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void robotFilesAreReloadedOnEveryNodeAndABrokenFileChangesNothingThere() throws Exception {
    try (TestCluster cluster = new TestCluster(null).sharedDatabase()) {
      NodeProcess a = cluster.node("coordinator,web", null).start();
      NodeProcess b = cluster.node("web", null).start();
      assertTrue(!robots(a).contains("extra") && robots(b).contains("sample"));

      for (NodeProcess n : List.of(a, b)) write(n, "extra.json", ROBOT.formatted("extra"));
      HttpResponse<String> ok = reload(a);
      assertEquals(200, ok.statusCode(), ok.body());
      JsonObject answer = new JsonObject(ok.body());
      assertEquals(2, answer.getJsonArray("nodes").size(), "both nodes answered: " + answer);
      assertTrue(robots(a).contains("extra") && robots(b).contains("extra"), "reloaded on both");

      write(b, "broken.json", """
          {"robots": [{"name": "broken", "steps": [{"id": "s", "type": "teleport"}]}]}""");
      write(b, "extra.json", ROBOT.formatted("renamed"));
      HttpResponse<String> refused = reload(a);
      assertEquals(400, refused.statusCode(), refused.body());
      JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
      assertEquals("INVALID_WORKFLOW", error.getString("code"));
      assertTrue(error.getString("message").contains("node " + b.nodeId() + ": ") && error.getString("message").contains(
          "robots.d/broken.json: robots[0] (broken).steps[0] (s).type: unknown step type 'teleport'"), error.getString("message"));
      assertTrue(robots(b).contains("extra") && !robots(b).contains("renamed"), "b keeps the robots it ran with: " + robots(b));

      Files.delete(b.home.resolve("conf/robots.d/broken.json"));
      for (NodeProcess n : List.of(a, b)) write(n, "hup.json", ROBOT.formatted("hup"));
      new ProcessBuilder("kill", "-HUP", Long.toString(a.pid())).start().waitFor();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!(robots(a).contains("hup") && robots(b).contains("hup")) && System.nanoTime() < deadline) Thread.sleep(100);
      assertTrue(robots(a).contains("hup") && robots(b).contains("hup"), "SIGHUP to a reloaded both: " + robots(a) + " " + robots(b));
      assertTrue(robots(b).contains("renamed"));

      ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
      int exit = RoboGridCli.run(new String[] {"--url", b.url(), "--token", NodeProcess.ADMIN_TOKEN, "reload"}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
      String printed = out.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains(a.nodeId() + ": ") && printed.contains(b.nodeId() + ": "), printed);
    }
  }
}
