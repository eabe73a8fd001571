package io.robogrid.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts later (node JVMs, their PostgreSQL and Hazelcast, SMTP servers).
 *
 * <p>Two things went wrong with {@code new ServerSocket(0)}: the kernel handed the same port out twice in a row (a
 * node's PostgreSQL and Hazelcast then fought over it, and CI failed), and a port from the ephemeral range can be taken
 * by any outgoing connection before the server binds it. So ports come from below the ephemeral range (32768 and up
 * on Linux), are checked free on the wildcard and loopback addresses, and are never handed out twice by this JVM.
 */
public final class FreePorts {
  private static final int LOW = 20000;
  private static final int HIGH = 32000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** A port nothing listens on now that this JVM has not handed out before. */
  public static synchronized int next() {
    for (int tries = 0; tries < 1000; tries++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (HANDED_OUT.contains(port) || !bindable(port)) continue;
      HANDED_OUT.add(port);
      return port;
    }
    throw new IllegalStateException("no free port between " + LOW + " and " + HIGH + " after 1000 tries");
  }

  private static boolean bindable(int port) {
    try (ServerSocket any = new ServerSocket(); ServerSocket loopback = new ServerSocket()) {
      any.setReuseAddress(false);
      any.bind(new InetSocketAddress(port));
      any.close();
      loopback.setReuseAddress(false);
      loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
