package io.robogrid.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Node JVMs that a benchmark starts with {@code scripts/run} on loopback: each with free ports, its own data
 * directory and log under one temporary folder, quiet logs (WARN), and all in one cluster, each listing the nodes
 * started before it as members.
 */
public final class BenchNodes {
  /** The admin token of the nodes a bench starts (new for each bench run): {@link NodeClient} sends it. */
  public static final String ADMIN_TOKEN = io.robogrid.auth.Tokens.newToken();
  private final Path root;
  private final Path work;
  private final String cluster;
  private final Map<String, Process> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> clusterPorts = new LinkedHashMap<>();
  /** Each node's ports (http, database, cluster), kept for a restart under the same id, as an operator's node keeps its settings. */
  private final Map<String, int[]> ports = new LinkedHashMap<>();
  /** Every port given to a node so far: the kernel may hand the same free port out twice in a row. */
  private final Set<Integer> portsGiven = new HashSet<>();

  public BenchNodes(Path root, String name) throws IOException {
    this.root = root;
    this.work = Files.createTempDirectory("robogrid-" + name);
    this.cluster = name + "-" + ProcessHandle.current().pid();
  }

  /**
   * Launches node {@code id} with {@code settings} (ROBOGRID_* variables) on top of the bench's own, and answers
   * its API's URL. A node started again under the same id keeps its data directory.
   */
  public synchronized String start(String id, Map<String, String> settings) throws IOException {
    int[] port = ports.get(id);
    if (port == null) ports.put(id, port = new int[] {freePort(), freePort(), freePort()});
    int httpPort = port[0], clusterPort = port[2];
    clusterPorts.put(id, clusterPort);
    ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/run").toString()).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(work.toFile(), id + ".log")));
    Map<String, String> env = pb.environment();
    env.put("ROBOGRID_NODE_ID", id);
    env.put("ROBOGRID_DATA_DIR", work.resolve(id).toString());
    env.put("ROBOGRID_HTTP_PORT", Integer.toString(httpPort));
    env.put("ROBOGRID_DB_PORT", Integer.toString(port[1]));
    env.put("ROBOGRID_CLUSTER_NAME", cluster);
    env.put("ROBOGRID_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("ROBOGRID_CLUSTER_MEMBERS", String.join(",", clusterPorts.values().stream().map(p -> "127.0.0.1:" + p).toList()));
    env.put("ROBOGRID_LOG_LEVEL", "WARN");
    env.put("ROBOGRID_ADMIN_TOKEN", ADMIN_TOKEN);
    env.putAll(settings);
    nodes.put(id, pb.start());
    return "http://127.0.0.1:" + httpPort;
  }

  public synchronized Process process(String id) {
    return nodes.get(id);
  }

  /** The port of node {@code id}'s embedded PostgreSQL (whether or not it uses one). */
  public synchronized int dbPort(String id) {
    return ports.get(id)[1];
  }

  /** Node {@code id}'s API address. */
  public synchronized String url(String id) {
    return "http://127.0.0.1:" + ports.get(id)[0];
  }

  /** Node {@code id}'s data directory. */
  public Path dataDir(String id) {
    return work.resolve(id);
  }

  /** A free loopback port no node of this bench has been given. */
  public synchronized int reservePort() throws IOException {
    return freePort();
  }

  /** Stops node {@code id} as an operator would (SIGTERM), waits for it, and leaves it out of later nodes' members. */
  public void stop(String id) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = nodes.remove(id);
      clusterPorts.remove(id);
    }
    if (p != null) stop(List.of(p));
  }

  /** Stops every node still running (a frozen one is woken first); safe to call again, and from a shutdown hook. */
  public void stopAll() {
    List<Process> all;
    synchronized (this) {
      all = List.copyOf(nodes.values());
      nodes.clear();
      clusterPorts.clear();
    }
    try {
      stop(all);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM to all at once, then a minute for the graceful stop (jobs handed back, browsers and PostgreSQL closed), then SIGKILL. */
  private static void stop(List<Process> processes) throws InterruptedException {
    for (Process p : processes) {
      if (p.isAlive()) {
        signal(p, "CONT");
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        System.err.println("node pid " + p.pid() + " did not stop within 60 s of SIGTERM: killing it");
        p.destroyForcibly().waitFor();
      }
    }
  }

  public static void signal(Process p, String name) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + name + " " + p.pid() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Where the nodes' logs and data are. */
  public Path work() {
    return work;
  }

  /** Deletes the logs and data directories: call it after {@link #stopAll()}, when nothing needs looking into. */
  public void delete() throws IOException {
    try (Stream<Path> all = Files.walk(work)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (portsGiven.add(s.getLocalPort())) return s.getLocalPort();
      }
    }
  }
}
