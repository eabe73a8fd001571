package io.robogrid.testing;

import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.EmbeddedDatabase;
import io.robogrid.store.Migrations;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for tests: one embedded server per test JVM (started on first use, stopped when the JVM exits),
 * and a fresh database for each caller, so test classes never see each other's rows.
 */
public final class TestDatabase {
  private static EmbeddedDatabase server;

  private TestDatabase() {}

  private static synchronized EmbeddedDatabase server() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("robogrid-test-pg");
      server = EmbeddedDatabase.start(dir.resolve("data"), FreePorts.next()); // not 0: zonky probes then releases an ephemeral port
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (Exception ignored) {
          // the JVM is ending anyway
        }
      }));
    }
    return server;
  }

  /** Creates an empty database and returns the {@code db} config section that points at it. */
  public static JsonObject newDatabase() {
    try {
      EmbeddedDatabase pg = server();
      String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=postgres");
           Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      return new JsonObject().put("host", "127.0.0.1").put("port", pg.port()).put("database", name).put("user", "postgres").put("poolSize", 4);
    } catch (Exception e) {
      throw new IllegalStateException("test database unavailable", e);
    }
  }

  public static DatabaseOptions newDatabaseOptions() {
    return DatabaseOptions.fromJson(newDatabase());
  }

  /** A pool on a new database with the schema applied: what a store test starts from (8 connections, so claims can race). */
  public static Pool newMigratedPool(Vertx vertx) {
    Pool pool = DatabaseOptions.fromJson(newDatabase().put("poolSize", 8)).pool(vertx);
    Await.result(Migrations.apply(pool));
    return pool;
  }
}
