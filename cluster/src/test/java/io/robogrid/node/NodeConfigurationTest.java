package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings a node takes from its environment, checked on a real node process: external database, JSON logs, durability. */
class NodeConfigurationTest {

  @Test
  void withADatabaseUrlTheNodeUsesItAndStartsNoPostgresOfItsOwn() throws Exception {
    JsonObject db = TestDatabase.newDatabase();
    String url = "postgresql://postgres@127.0.0.1:" + db.getInteger("port") + "/" + db.getString("database");
    try (NodeProcess node = new NodeProcess(null, null).env("ROBOGRID_DB_URL", url).env("ROBOGRID_LOG_FORMAT", "json").start()) {
      Api api = new Api(node.url());
      String id = api.post("/api/v1/jobs", new JsonObject().put("robot", "noop")).getString("id");
      api.awaitState(id, Duration.ofSeconds(20), "SUCCEEDED");

      assertFalse(Files.exists(node.home.resolve("data/postgres")), "an embedded server was started despite ROBOGRID_DB_URL");
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + db.getInteger("port") + "/" + db.getString("database") + "?user=postgres");
           ResultSet r = c.createStatement().executeQuery("SELECT state FROM jobs WHERE id = '" + id + "'")) {
        assertTrue(r.next());
        assertEquals("SUCCEEDED", r.getString(1));
      }

      // every line is one JSON object; lines about the job carry its id as a field
      List<String> lines = Files.readAllLines(node.log()).stream().filter(l -> l.startsWith("{")).toList();
      assertFalse(lines.isEmpty(), "no JSON log lines:\n" + Files.readString(node.log()));
      List<JsonObject> logs = lines.stream().map(JsonObject::new).toList();
      assertTrue(logs.stream().anyMatch(l -> l.getString("formattedMessage", "").contains("ended: SUCCEEDED")
          && l.getJsonArray("kvpList", new io.vertx.core.json.JsonArray()).encode().contains(id)), String.join("\n", lines));
      assertTrue(logs.stream().allMatch(l -> l.containsKey("level") && l.containsKey("loggerName")));
    }
  }

  @Test
  void theEmbeddedDatabaseRunsWithFsyncOn() throws Exception {
    try (NodeProcess node = new NodeProcess(null, null).start();
         Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + node.dbPort() + "/postgres?user=postgres");
         ResultSet r = c.createStatement().executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')")) {
      assertTrue(r.next());
      assertEquals(List.of("on", "on", "on"), List.of(r.getString(1), r.getString(2), r.getString(3)));
    }
  }
}
