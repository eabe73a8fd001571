package io.robogrid.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a database that is away (down, restarting, out of disk, unreachable) from a request it refused. The first
 * is nobody's mistake and passes: callers answer "unavailable, try again" and keep what they were asked to write;
 * the second is an answer.
 */
public final class DatabaseErrors {
  private DatabaseErrors() {}

  /**
   * Whether {@code failure} (or a cause of it) says the database cannot serve now: no connection could be made, the
   * connection was lost, or the server said it is starting, stopping, recovering or out of resources.
   */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof io.netty.channel.ConnectTimeoutException
          || t instanceof ClosedConnectionException || t instanceof java.nio.channels.ClosedChannelException) return true;
      if (t instanceof PgException pg && unavailableState(pg.getSqlState())) return true;
      if (t instanceof io.vertx.core.VertxException && !(t instanceof PgException) && closedMessage(t.getMessage())) return true;
    }
    return false;
  }

  /**
   * SQLSTATE classes of a server that is away rather than of a bad request: 08 connection exceptions, 53 insufficient
   * resources (a full disk, too many connections), 57P01–57P03 (administrator or crash shutdown, cannot connect
   * now: starting up or in recovery), 58 system errors (I/O).
   */
  static boolean unavailableState(String state) {
    if (state == null || state.length() != 5) return false;
    return state.startsWith("08") || state.startsWith("53") || state.startsWith("58")
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
  }

  private static boolean closedMessage(String message) {
    if (message == null) return false;
    String m = message.toLowerCase(java.util.Locale.ROOT);
    return m.contains("connection closed") || m.contains("connection is closed") || m.contains("connection was closed")
        || m.contains("pool closed") || m.contains("connection reset");
  }
}
