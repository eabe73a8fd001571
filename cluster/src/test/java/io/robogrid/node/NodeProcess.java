package io.robogrid.node;

import io.robogrid.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real node in its own JVM, started as {@code scripts/run} starts it, with its own data directory, ports and cluster
 * name, so that tests can kill it ({@code kill -9}), stop it (SIGTERM) and start it again on the same data.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  /** Every test node's admin token (ROBOGRID_ADMIN_TOKEN): the tests' API clients send it. */
  public static final String ADMIN_TOKEN = "rgt_node-test-admin-token";
  public final Path home;
  public final int httpPort;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private Process process;
  private int starts;

  /** @param extraRobots the text of a robots.d file added beside the repository's own conf/robots.json, or null */
  public NodeProcess(String extraRobots, String runnerJson) throws IOException {
    home = Files.createTempDirectory("robogrid-node");
    Path conf = Files.createDirectories(home.resolve("conf"));
    Files.copy(REPO.resolve("conf/cluster.xml"), conf.resolve("cluster.xml"));
    Files.copy(REPO.resolve("conf/robots.json"), conf.resolve("robots.json"));
    String config = Files.readString(REPO.resolve("conf/robogrid.json"));
    // the test's runner section instead of the shipped one (read as JSON: the shipped one nests objects)
    if (runnerJson != null) config = new io.vertx.core.json.JsonObject(config).put("runner", new io.vertx.core.json.JsonObject(runnerJson)).encodePrettily();
    Files.writeString(conf.resolve("robogrid.json"), config);
    if (extraRobots != null) {
      Files.createDirectories(conf.resolve("robots.d"));
      Files.writeString(conf.resolve("robots.d/test.json"), extraRobots);
    }
    httpPort = FreePorts.next();
    env.put("ROBOGRID_CONF_DIR", conf.toString());
    env.put("ROBOGRID_DATA_DIR", home.resolve("data").toString());
    env.put("ROBOGRID_HTTP_PORT", Integer.toString(httpPort));
    env.put("ROBOGRID_DB_PORT", Integer.toString(FreePorts.next()));
    env.put("ROBOGRID_CLUSTER_PORT", Integer.toString(FreePorts.next()));
    env.put("ROBOGRID_CLUSTER_NAME", "test-" + UUID.randomUUID());
    env.put("ROBOGRID_NODE_ID", "node-" + httpPort);
    env.put("ROBOGRID_WEB_ROOT", REPO.resolve("web").toString());
    env.put("ROBOGRID_ADMIN_TOKEN", ADMIN_TOKEN);
  }

  /** Sets (or, with null, removes) an environment variable for the next start. */
  public NodeProcess env(String name, String value) {
    if (value == null) env.remove(name);
    else env.put(name, value);
    return this;
  }

  /** The value a variable will have at the next start. */
  public String envValue(String name) {
    return env.get(name);
  }

  /** Adds an option to the node's JVM command line for the next start (a system property, say). */
  public NodeProcess jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** The port of the embedded PostgreSQL this node starts. */
  public int dbPort() {
    return Integer.parseInt(env.get("ROBOGRID_DB_PORT"));
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public Path log() {
    return home.resolve("node-" + starts + ".log");
  }

  public String logText() throws IOException {
    return Files.readString(log());
  }

  public String nodeId() {
    return env.get("ROBOGRID_NODE_ID");
  }

  public int clusterPort() {
    return Integer.parseInt(env.get("ROBOGRID_CLUSTER_PORT"));
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** Freezes the JVM with SIGSTOP, as a hung machine would: no heartbeat, no answer, nothing released. */
  public void freeze() throws Exception {
    signal("STOP");
  }

  /** Wakes a frozen JVM with SIGCONT. */
  public void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
  }

  private boolean hasWebRole() {
    String roles = env.get("ROBOGRID_ROLES");
    return roles == null || roles.contains("web");
  }

  /**
   * Starts the JVM and waits until it is up: {@code /health} answers UP, or, for a node without the web role, its log
   * says so.
   */
  public NodeProcess start() throws Exception {
    starts++;
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeMain.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log().toFile());
    pb.environment().putAll(env);
    process = pb.start();
    try {
      awaitUp();
      return this;
    } catch (Exception | AssertionError e) {
      // a node that did not come up is not left running (nor its PostgreSQL): the test that started it may never get
      // to close it, and on two cores a stray JVM slows every test after it
      close();
      throw e;
    }
  }

  private void awaitUp() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("node exited with " + process.exitValue() + ":\n" + Files.readString(log()));
      if (!hasWebRole()) {
        if (Files.exists(log()) && Files.readString(log()).contains(" up in ")) return;
        Thread.sleep(100);
        continue;
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("node did not come up:\n" + Files.readString(log()));
  }

  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code (or -1 when it did not exit in time). */
  public int terminate(Duration within) throws InterruptedException {
    process.destroy();
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** Whether a PostgreSQL server still runs on this node's data directory. */
  public boolean postgresRunning() {
    String dir = home.resolve("data").toString();
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(dir)).orElse(false));
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) terminate(Duration.ofSeconds(30));
    if (process != null && process.isAlive()) kill9();
    // a node killed with -9 leaves its postgres behind: stop it the way the next start would
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(home.toString())).orElse(false))
        .forEach(ProcessHandle::destroy);
  }
}
