package io.robogrid.store;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Where the database is and how many connections a verticle may hold. Read from the {@code db} section that
 * the node fills in: either an external URL, or host and port of the embedded server it started.
 */
public record DatabaseOptions(PgConnectOptions connect, int poolSize) {
  public static final int DEFAULT_POOL_SIZE = 4;

  public static DatabaseOptions fromJson(JsonObject db) {
    if (db == null) throw new IllegalArgumentException("db: the node did not configure a database for this role");
    PgConnectOptions connect;
    String url = db.getString("url");
    if (url != null && !url.isBlank()) {
      try {
        connect = PgConnectOptions.fromUri(url);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("db.url: '" + redactPassword(url) + "' is not a postgresql:// URL (" + e.getMessage() + ")");
      }
    } else {
      connect = new PgConnectOptions()
          .setHost(db.getString("host", "127.0.0.1"))
          .setPort(db.getInteger("port", 5432))
          .setDatabase(db.getString("database", "postgres"))
          .setUser(db.getString("user", "postgres"))
          .setPassword(db.getString("password", ""));
    }
    connect.setCachePreparedStatements(true).setPipeliningLimit(256);
    return new DatabaseOptions(connect, db.getInteger("poolSize", DEFAULT_POOL_SIZE));
  }

  public PoolOptions poolOptions() {
    return new PoolOptions().setMaxSize(poolSize);
  }

  /** A connection pool for this database on {@code vertx}; each verticle holds its own. */
  public Pool pool(Vertx vertx) {
    return PgBuilder.pool().with(poolOptions()).connectingTo(connect).using(vertx).build();
  }

  /** A URL fit for a log line: the password replaced. */
  public static String redactPassword(String url) {
    return url.replaceAll("(//[^:/@]+:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
