package io.robogrid.node;

import io.robogrid.runner.desktop.DesktopOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A node's configuration: {@code <conf>/robogrid.json}, then environment variables on top. Each role later reads
 * only its own section. This is the one place that reads the environment; business code gets typed options.
 */
public final class NodeConfig {
  public static final Set<String> ROLES = Set.of("coordinator", "router", "runner", "notifier", "web");
  public static final String VERSION = "0.1.0";

  /** Environment variable → where it goes in the JSON config, and how it is parsed. */
  private static final Map<String, BiConsumer<JsonObject, String>> ENV = Map.ofEntries(
      Map.entry("ROBOGRID_NODE_ID", (c, v) -> section(c, "node").put("id", v)),
      Map.entry("ROBOGRID_ROLES", (c, v) -> section(c, "node").put("roles", list(v))),
      Map.entry("ROBOGRID_DATA_DIR", (c, v) -> section(c, "node").put("dataDir", v)),
      Map.entry("ROBOGRID_HTTP_PORT", (c, v) -> section(c, "http").put("port", integer("ROBOGRID_HTTP_PORT", v))),
      Map.entry("ROBOGRID_HTTP_HOST", (c, v) -> section(c, "http").put("host", v)),
      Map.entry("ROBOGRID_WEB_ROOT", (c, v) -> section(c, "http").put("webRoot", v)),
      Map.entry("ROBOGRID_DB_URL", (c, v) -> section(c, "db").put("url", v)),
      Map.entry("ROBOGRID_DB_PORT", (c, v) -> section(c, "db").put("embeddedPort", integer("ROBOGRID_DB_PORT", v))),
      Map.entry("ROBOGRID_CLUSTER_NAME", (c, v) -> section(c, "cluster").put("name", v)),
      Map.entry("ROBOGRID_CLUSTER_HOST", (c, v) -> section(c, "cluster").put("host", v)),
      Map.entry("ROBOGRID_CLUSTER_PORT", (c, v) -> section(c, "cluster").put("port", integer("ROBOGRID_CLUSTER_PORT", v))),
      Map.entry("ROBOGRID_CLUSTER_MEMBERS", (c, v) -> section(c, "cluster").put("members", list(v))),
      Map.entry("ROBOGRID_CLUSTER_DISCOVERY", (c, v) -> section(c, "cluster").put("discovery", v)),
      Map.entry("ROBOGRID_CLUSTER_SERVICE_DNS", (c, v) -> section(c, "cluster").put("serviceDns", v)),
      Map.entry("ROBOGRID_HEALTH_PORT", (c, v) -> section(c, "health").put("port", integer("ROBOGRID_HEALTH_PORT", v))),
      Map.entry("ROBOGRID_CAPABILITIES", (c, v) -> section(c, "runner").put("capabilities", list(v))),
      // with Kubernetes' terminationGracePeriodSeconds above it, running jobs finish or are handed back before SIGKILL
      Map.entry("ROBOGRID_SHUTDOWN_GRACE", (c, v) -> section(c, "runner").put("shutdownGrace", v)),
      Map.entry("ROBOGRID_RUNNER_SLOTS", (c, v) -> section(c, "runner").put("slots", integer("ROBOGRID_RUNNER_SLOTS", v))),
      // desk1=:99,desk2=:100 → runner.desktops; each desktop is offered as desktop:<name>
      Map.entry("ROBOGRID_DESKTOPS", (c, v) -> section(c, "runner").put("desktops", DesktopOptions.parseList(v))),
      Map.entry("ROBOGRID_MASTER_KEY_FILE", (c, v) -> section(c, "secrets").put("masterKeyFile", v)),
      Map.entry("ROBOGRID_ADMIN_TOKEN", (c, v) -> section(c, "http").put("adminToken", v)),
      Map.entry("ROBOGRID_SMTP_HOST", (c, v) -> smtp(c).put("host", v)),
      Map.entry("ROBOGRID_SMTP_PORT", (c, v) -> smtp(c).put("port", integer("ROBOGRID_SMTP_PORT", v))),
      Map.entry("ROBOGRID_SMTP_USER", (c, v) -> smtp(c).put("user", v)),
      Map.entry("ROBOGRID_SMTP_PASSWORD", (c, v) -> smtp(c).put("password", v)),
      Map.entry("ROBOGRID_SMTP_FROM", (c, v) -> smtp(c).put("from", v)),
      Map.entry("ROBOGRID_SMTP_STARTTLS", (c, v) -> smtp(c).put("startTls", v)),
      Map.entry("ROBOGRID_WEBHOOK_SECRET", (c, v) -> section(c, "notifier").put("webhookSecret", v)),
      Map.entry("ROBOGRID_DASHBOARD_URL", (c, v) -> section(c, "notifier").put("dashboardUrl", v)),
      Map.entry("ROBOGRID_AGENT_TIMEOUT", (c, v) -> section(c, "agents").put("heartbeatTimeout", v)),
      Map.entry("ROBOGRID_AGENTS_UNREACHABLE_AFTER", (c, v) -> section(c, "agents").put("unreachableAfter", v)),
      Map.entry("ROBOGRID_HEARTBEAT_TIMEOUT", (c, v) -> section(c, "coordinator").put("heartbeatTimeout", v)),
      Map.entry("ROBOGRID_METRICS_ENABLED", (c, v) -> section(c, "metrics").put("enabled", bool("ROBOGRID_METRICS_ENABLED", v))),
      Map.entry("ROBOGRID_METRICS_PORT", (c, v) -> section(c, "metrics").put("port", integer("ROBOGRID_METRICS_PORT", v))),
      Map.entry("ROBOGRID_METRICS_HOST", (c, v) -> section(c, "metrics").put("host", v)),
      Map.entry("ROBOGRID_LOG_FORMAT", (c, v) -> section(c, "log").put("format", v)),
      Map.entry("ROBOGRID_LOG_LEVEL", (c, v) -> section(c, "log").put("level", v)));

  /** The ROBOGRID_* variables a node reads. */
  public static Set<String> environmentVariables() {
    return ENV.keySet();
  }

  private final JsonObject json;
  private final Path confDir;

  private NodeConfig(JsonObject json, Path confDir) {
    this.json = json;
    this.confDir = confDir;
  }

  /** Reads {@code robogrid.json} from {@code confDir} (optional) and applies the ROBOGRID_* variables of {@code env}. */
  public static NodeConfig load(Path confDir, Map<String, String> env) {
    JsonObject json = new JsonObject();
    Path file = confDir.resolve("robogrid.json");
    if (Files.exists(file)) {
      try {
        json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      } catch (DecodeException e) {
        throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
      }
    }
    for (var e : ENV.entrySet()) {
      String v = env.get(e.getKey());
      if (v != null && !v.isBlank()) e.getValue().accept(json, v.trim());
    }
    NodeConfig c = new NodeConfig(json, confDir);
    c.validate();
    return c;
  }

  private void validate() {
    for (String r : roles()) {
      if (!ROLES.contains(r)) throw new IllegalArgumentException("node.roles: unknown role '" + r + "' (known: " + String.join(", ", ROLES.stream().sorted().toList()) + ")");
    }
    if (roles().isEmpty()) throw new IllegalArgumentException("node.roles: a node needs at least one role");
    String format = section("log").getString("format", "text");
    if (!format.equals("text") && !format.equals("json")) throw new IllegalArgumentException("log.format: must be text or json, not '" + format + "'");
    cluster(); // throws on a bad discovery, a missing service name, a port range
    healthPort();
  }

  /** How this node joins the grid: the {@code cluster} section, checked. */
  ClusterOptions cluster() {
    return ClusterOptions.fromJson(section("cluster"));
  }

  /**
   * The port of the node's own health server ({@code health.port}, {@code ROBOGRID_HEALTH_PORT}), or -1 for none:
   * a probe for nodes without the web role, and one that does not ask the database.
   */
  public int healthPort() {
    Integer port = section("health").getInteger("port");
    if (port == null) return -1;
    if (port < 0 || port > 65535) throw new IllegalArgumentException("health.port (ROBOGRID_HEALTH_PORT): " + port + " is not a port");
    return port;
  }

  public JsonObject section(String name) {
    return json.getJsonObject(name, new JsonObject());
  }

  public Path confDir() {
    return confDir;
  }

  public List<String> roles() {
    return section("node").getJsonArray("roles", new JsonArray(List.copyOf(ROLES))).stream().map(String::valueOf).distinct().toList();
  }

  public boolean has(String role) {
    return roles().contains(role);
  }

  /** Roles that read and write PostgreSQL; a node with neither (a runner, a router) needs no database. */
  public boolean needsDatabase() {
    return has("coordinator") || has("web") || has("notifier");
  }

  public Path dataDir() {
    return Path.of(section("node").getString("dataDir", "./data")).toAbsolutePath().normalize();
  }

  public int clusterPort() {
    return section("cluster").getInteger("port", 5701);
  }

  /** The configured id, or {@code <host>-<cluster port>}: stable across restarts, so a restarted node's old attempts are recognised. */
  public String nodeId() {
    String id = section("node").getString("id");
    if (id != null && !id.isBlank()) return id;
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "node";
    }
    return host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-") + "-" + clusterPort();
  }

  public String logFormat() {
    return section("log").getString("format", "text");
  }

  public String logLevel() {
    return section("log").getString("level", "INFO");
  }

  private static JsonObject smtp(JsonObject c) {
    JsonObject notifier = section(c, "notifier");
    JsonObject smtp = notifier.getJsonObject("smtp");
    if (smtp == null) notifier.put("smtp", smtp = new JsonObject());
    return smtp;
  }

  private static JsonObject section(JsonObject c, String name) {
    JsonObject s = c.getJsonObject(name);
    if (s == null) {
      s = new JsonObject();
      c.put(name, s);
    }
    return s;
  }

  private static JsonArray list(String v) {
    return new JsonArray(Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
  }

  private static boolean bool(String name, String v) {
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException(name + ": '" + v + "' is neither true nor false");
  }

  private static int integer(String name, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number");
    }
  }
}
