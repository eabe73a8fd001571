package io.robogrid.bench.compare;

import io.robogrid.store.EmbeddedDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one PostgreSQL server both sides use: the node's own {@link EmbeddedDatabase} (fsync, synchronous_commit and
 * full_page_writes on), started by the bench JVM. The RoboGrid node reaches it as an external database
 * ({@code ROBOGRID_DB_URL}), db-scheduler through JDBC.
 */
final class SharedPostgres implements AutoCloseable {
  /**
   * Write transactions begun (transaction ids handed out) and WAL bytes written, server-wide: exact at once, where
   * pg_stat_database's commit counts lag by up to the backends' flush interval.
   */
  record Counters(long xids, long walBytes) {
    Counters minus(Counters before) {
      return new Counters(xids - before.xids, walBytes - before.walBytes);
    }
  }

  private final EmbeddedDatabase server;

  private SharedPostgres(EmbeddedDatabase server) {
    this.server = server;
  }

  static SharedPostgres start(Path dataDir, int port) throws IOException {
    return new SharedPostgres(EmbeddedDatabase.start(dataDir, port));
  }

  int port() {
    return server.port();
  }

  /** For db-scheduler (pgjdbc). */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=postgres";
  }

  /** For the node ({@code ROBOGRID_DB_URL}, the Vert.x client's form). */
  String nodeUrl() {
    return "postgresql://postgres@127.0.0.1:" + port() + "/postgres";
  }

  /**
   * Row writes per table so far, {@code [inserted, updated, of them HOT, deleted]}: where the WAL of a job goes. Backends
   * send these counters when they go idle, at most every 10 s, so read them a little after the work ends.
   */
  java.util.Map<String, long[]> tableWrites() throws SQLException {
    java.util.Map<String, long[]> out = new java.util.TreeMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables")) {
      while (rs.next()) out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
    }
    return out;
  }

  /** What the output says about the server: its version and the settings that make a commit durable. */
  String describe() throws SQLException {
    StringBuilder b = new StringBuilder("PostgreSQL ");
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
      b.append(show(s, "server_version")).append(" on 127.0.0.1:").append(port());
      for (String name : new String[] {"fsync", "synchronous_commit", "full_page_writes", "wal_sync_method"}) {
        b.append(", ").append(name).append('=').append(show(s, name));
      }
    }
    return b.toString();
  }

  /** The counters now (reading them takes one transaction id itself). */
  Counters counters() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select txid_current(), pg_current_wal_lsn() - '0/0'::pg_lsn")) {
      rs.next();
      return new Counters(rs.getLong(1), rs.getLong(2));
    }
  }

  private static String show(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("show " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
