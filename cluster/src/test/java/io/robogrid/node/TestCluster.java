package io.robogrid.node;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Several real node JVMs forming one cluster on loopback: each new node lists every node made before it (and itself)
 * as a member, one by one, as an operator would. Closing stops them all.
 */
final class TestCluster implements AutoCloseable {
  /** Fast enough for tests, the same shape as conf/robogrid.json; capabilities come from ROBOGRID_CAPABILITIES. */
  static final String RUNNER = "{\"slots\": 4, \"heartbeatInterval\": \"1s\", \"statusInterval\": \"1s\", \"shutdownGrace\": \"1s\","
      + " \"selfFenceAfter\": \"8s\", \"leaseWait\": \"3s\"}";

  private final String name = "grid-" + UUID.randomUUID();
  private final String robots;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private String dbUrl;

  TestCluster(String robots) {
    this.robots = robots;
  }

  /** Nodes made after this share this database instead of starting their own. */
  TestCluster database(String url) {
    this.dbUrl = url;
    return this;
  }

  /** Nodes made after this share a new database of the test PostgreSQL (several coordinators on one store). */
  TestCluster sharedDatabase() {
    io.vertx.core.json.JsonObject db = io.robogrid.testing.TestDatabase.newDatabase();
    this.jdbcUrl = "jdbc:postgresql://127.0.0.1:" + db.getInteger("port") + "/" + db.getString("database") + "?user=postgres";
    return database("postgresql://postgres@127.0.0.1:" + db.getInteger("port") + "/" + db.getString("database"));
  }

  /** The shared database, for a test's own JDBC queries (after {@link #sharedDatabase()}). */
  String jdbcUrl() {
    return jdbcUrl;
  }

  private String jdbcUrl;

  /**
   * A node (not started) with the given roles and, for a runner, capabilities.
   *
   * @param roles comma-separated, like {@code coordinator,router,web}
   */
  NodeProcess node(String roles, String capabilities) throws Exception {
    NodeProcess n = new NodeProcess(robots, RUNNER);
    n.env("ROBOGRID_CLUSTER_NAME", name).env("ROBOGRID_ROLES", roles).env("ROBOGRID_CAPABILITIES", capabilities)
        .env("ROBOGRID_DB_URL", dbUrl);
    nodes.add(n);
    n.env("ROBOGRID_CLUSTER_MEMBERS", nodes.stream().map(m -> "127.0.0.1:" + m.clusterPort()).collect(Collectors.joining(",")));
    return n;
  }

  @Override
  public void close() throws Exception {
    for (NodeProcess n : nodes) {
      try {
        if (n.alive()) n.thaw();
      } catch (Exception ignored) {
        // already gone
      }
    }
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).close();
  }
}
