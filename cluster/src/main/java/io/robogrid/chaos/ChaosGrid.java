package io.robogrid.chaos;

import io.robogrid.bench.BenchNodes;
import io.robogrid.store.EmbeddedDatabase;
import io.vertx.core.json.JsonObject;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The real grid one scenario runs on: node JVMs started by {@code scripts/run} (through {@link BenchNodes}) with a
 * configuration folder of the scenario's own, the target site and, where asked, a PostgreSQL shared by several
 * coordinators or a tmpfs under a node's data directory. Every process it starts has the scenario's folder on its
 * command line or in its temporary directory (TMPDIR, java.io.tmpdir: Playwright puts Chromium's profile there), so
 * that what outlives the grid can be found by that folder alone.
 */
final class ChaosGrid implements AutoCloseable {
  final BenchNodes nodes;
  final Target target;
  final Path conf;
  private final Path tmp;
  private final Map<String, String> roles = new LinkedHashMap<>();
  private final List<Path> mounts = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private EmbeddedDatabase shared;
  private int browserSlots;
  /** The nodes' log level: INFO for scenarios (the story of each attempt), WARN for the soak (its log would grow by design). */
  String logLevel = "INFO";

  /** @param config changes to conf/robogrid.json for this scenario (the notifier's, say); the rest stays as shipped */
  ChaosGrid(Path root, String name, Consumer<JsonObject> config) throws IOException {
    nodes = new BenchNodes(root, "chaos-" + name + "-");
    conf = Files.createDirectories(nodes.work().resolve("conf"));
    tmp = Files.createDirectories(nodes.work().resolve("tmp"));
    Files.copy(root.resolve("conf/cluster.xml"), conf.resolve("cluster.xml"));
    Files.copy(root.resolve("conf/robots.json"), conf.resolve("robots.json"));
    JsonObject c = new JsonObject(Files.readString(root.resolve("conf/robogrid.json")));
    config.accept(c);
    Files.writeString(conf.resolve("robogrid.json"), c.encodePrettily());
    target = new Target();
  }

  /** A PostgreSQL of the chaos JVM's own that nodes share with {@code ROBOGRID_DB_URL} (several coordinators). */
  String sharedDatabase() throws IOException {
    shared = EmbeddedDatabase.start(nodes.work().resolve("shared-postgres"), nodes.reservePort());
    return "postgresql://postgres@127.0.0.1:" + shared.port() + "/postgres";
  }

  /** The JDBC address of the database the audit reads: the shared one, else node {@code id}'s embedded one. */
  String jdbc(String id) {
    return shared != null ? Audit.embedded(shared.port()) : Audit.embedded(nodes.dbPort(id));
  }

  /** Mounts a tmpfs of {@code megabytes} as node {@code id}'s data directory (root only). */
  void tmpfsDataDir(String id, int megabytes) throws Exception {
    Path dir = Files.createDirectories(nodes.dataDir(id));
    run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "chaos-" + id, dir.toString());
    mounts.add(dir);
  }

  /** Starts node {@code id} and waits until it is up; roles as ROBOGRID_ROLES, capabilities as ROBOGRID_CAPABILITIES (null: none). */
  String start(String id, String roles, String capabilities, Map<String, String> more) throws Exception {
    Map<String, String> env = new HashMap<>(more);
    env.put("ROBOGRID_ROLES", roles);
    if (capabilities != null) env.put("ROBOGRID_CAPABILITIES", capabilities);
    env.put("ROBOGRID_CONF_DIR", conf.toString());
    env.put("TMPDIR", tmp.toString());
    env.put("ROBOGRID_JAVA_OPTS", "-Xmx768m -Djava.io.tmpdir=" + tmp);
    env.put("ROBOGRID_LOG_LEVEL", logLevel); // INFO: a node's log says what happened to each attempt, for the defect hunt
    synchronized (this) { // runners start side by side
      if (!this.roles.containsKey(id) && capabilities != null && capabilities.contains("browser:")) {
        browserSlots += Integer.parseInt(capabilities.replaceAll(".*browser:(\\d+).*", "$1"));
      }
      this.roles.put(id, roles);
    }
    long logStart = Files.exists(log(id)) ? Files.size(log(id)) : 0;
    String url = nodes.start(id, env);
    awaitUp(id, logStart, Duration.ofSeconds(120));
    return url;
  }

  String start(String id, String roles, String capabilities) throws Exception {
    return start(id, roles, capabilities, Map.of());
  }

  /** Up: /health answers 200 (a web node), or the log says "up in" since this start (a runner-only node). */
  void awaitUp(String id, long logFrom, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = nodes.process(id);
      if (p != null && !p.isAlive()) throw new IllegalStateException("node " + id + " exited with " + p.exitValue() + "; see " + log(id));
      if (roleOf(id).contains("web") ? healthy(nodes.url(id)) : logSince(id, logFrom).contains(" up in ")) return;
      Thread.sleep(100);
    }
    throw new IllegalStateException("node " + id + " did not come up within " + within + "; see " + log(id));
  }

  boolean healthy(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private synchronized String roleOf(String id) {
    return roles.get(id);
  }

  /** The API addresses of the web nodes whose JVM is alive (the load sends to these). */
  synchronized List<String> webUrls() {
    List<String> out = new ArrayList<>();
    roles.forEach((id, r) -> {
      Process p = nodes.process(id);
      if (r.contains("web") && p != null && p.isAlive()) out.add(nodes.url(id));
    });
    return out;
  }

  /** Runner nodes whose JVM is alive: all of them must be back in the grid at the end. */
  synchronized int runners() {
    return (int) roles.entrySet().stream().filter(e -> e.getValue().contains("runner"))
        .filter(e -> nodes.process(e.getKey()) != null && nodes.process(e.getKey()).isAlive()).count();
  }

  synchronized int browserSlots() {
    return browserSlots;
  }

  Path log(String id) {
    return nodes.work().resolve(id + ".log");
  }

  String logSince(String id, long from) throws IOException {
    if (!Files.exists(log(id))) return "";
    byte[] all = Files.readAllBytes(log(id));
    return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Processes whose command line names this scenario's folder: PostgreSQL, Chromium, Playwright's driver, nodes. */
  List<String> processesOfThisScenario() {
    String work = nodes.work().toString();
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses().filter(h -> h.pid() != self)
        .filter(h -> h.info().commandLine().map(c -> c.contains(work)).orElse(false) || environHas(h.pid(), work))
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
  }

  /** Whether {@code TMPDIR} of process {@code pid} is this scenario's (Chromium's command line need not name it). */
  private boolean environHas(long pid, String work) {
    try {
      byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      return new String(env, java.nio.charset.StandardCharsets.ISO_8859_1).contains("TMPDIR=" + tmp);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Stops the nodes (SIGTERM, as an operator), the shared database and the mounts, and answers what was left running
   * afterwards (after a moment for processes that are on their way out).
   */
  List<String> stop() throws Exception {
    nodes.stopAll();
    if (shared != null) shared.close();
    shared = null;
    target.close();
    List<String> left = List.of();
    for (int i = 0; i < 20; i++) {
      left = processesOfThisScenario();
      if (left.isEmpty()) break;
      Thread.sleep(250);
    }
    return left;
  }

  /** Stops everything, leftovers included (after {@link #stop()} reported them), and unmounts. */
  @Override
  public void close() throws Exception {
    nodes.stopAll();
    if (shared != null) shared.close();
    target.close();
    for (String p : processesOfThisScenario()) ProcessHandle.of(Long.parseLong(p.substring(0, p.indexOf(' ')))).ifPresent(ProcessHandle::destroyForcibly);
    for (Path m : mounts) run("umount", "-l", m.toString());
    mounts.clear();
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
  }
}
