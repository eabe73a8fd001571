package io.robogrid.node;

import io.robogrid.core.RoboGridException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts a node in the foreground ({@code scripts/run}, {@code robogrid node}) and stops it gracefully on SIGTERM or
 * Ctrl-C. The signals are taken over rather than left to shutdown hooks: the embedded database library stops
 * PostgreSQL from a hook of its own, which would race the hand-back of running jobs.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "slf4j"); // before any Hazelcast class logs through JUL
    NodeConfig config;
    try {
      config = NodeConfig.load(Path.of(envOr("ROBOGRID_CONF_DIR", "./conf")).toAbsolutePath().normalize(), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("robogrid: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logging.configure(config.logFormat(), config.logLevel());
    Logger log = LoggerFactory.getLogger(NodeMain.class);
    Node node = new Node(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable shutdown = () -> new Thread(() -> {
      node.stop();
      stopped.countDown();
    }, "robogrid-shutdown").start();
    Signal.handle(new Signal("TERM"), s -> shutdown.run());
    Signal.handle(new Signal("INT"), s -> shutdown.run());
    // SIGHUP: re-read the robot files of every node, as POST /api/v1/config/reload does
    Signal.handle(new Signal("HUP"), s -> node.reload());
    Path pidFile = config.dataDir().resolve("node.pid");
    try {
      node.start();
      Files.createDirectories(config.dataDir());
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    } catch (RoboGridException e) {
      log.error("node cannot start: {}", e.getMessage());
      node.stop();
      System.exit(2);
    } catch (Exception e) {
      log.error("node cannot start: {}", e.toString(), e);
      node.stop();
      System.exit(1);
    }
    try {
      stopped.await();
      Files.deleteIfExists(pidFile);
    } catch (InterruptedException | IOException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(0);
  }

  private static String envOr(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
