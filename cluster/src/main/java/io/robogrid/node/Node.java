package io.robogrid.node;

import io.robogrid.coordinator.CoordinatorOptions;
import io.robogrid.coordinator.CoordinatorVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.robogrid.grid.PresenceVerticle;
import io.robogrid.metrics.GridMetrics;
import io.robogrid.metrics.MetricsOptions;
import io.robogrid.metrics.MetricsVerticle;
import io.robogrid.grid.RunnerStatus;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.robots.RobotsVerticle;
import io.robogrid.router.RouterVerticle;
import io.robogrid.runner.RunnerOptions;
import io.robogrid.runner.RunnerVerticle;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.EmbeddedSupervisor;
import io.robogrid.store.Migrations;
import io.robogrid.web.WebOptions;
import io.robogrid.web.WebVerticle;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RoboGrid node: its database (embedded or external), its Hazelcast-clustered Vert.x, and the verticles of its
 * roles. {@link #start()} and {@link #stop()} block: they run on the main thread or a signal handler, never on an event loop.
 */
public final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  private static final long STEP_TIMEOUT_S = 120;

  private final NodeConfig config;
  private final Clock clock = Clock.systemUTC();
  private final Deque<String> deployments = new ArrayDeque<>();
  private EmbeddedSupervisor embedded;
  private Vertx vertx;
  private CoordinatorVerticle coordinator;
  private String runnerDeployment;
  private WebVerticle web;
  private RobotsVerticle robotsVerticle;
  private io.robogrid.health.HealthServer health;
  private volatile boolean stopped;

  public Node(NodeConfig config) {
    this.config = config;
  }

  /** Synchronized with {@link #stop()}: a SIGTERM during start-up waits for the start to finish, then stops cleanly. */
  public synchronized void start() throws Exception {
    long t0 = System.nanoTime();
    Instant startedAt = clock.instant();
    String id = config.nodeId();
    StepCatalog steps = StepCatalog.builtIn();
    RobotCatalog robots = RobotCatalog.load(config.confDir(), steps); // refuse a bad config before starting anything
    RunnerOptions runner = RunnerOptions.fromJson(id, NodeConfig.VERSION, config.section("runner")); // refuse bad capabilities early too
    DatabaseOptions db = config.needsDatabase() ? database() : null;

    MetricsOptions metrics = MetricsOptions.fromJson(config.section("metrics"));
    ClusterOptions clusterOptions = config.cluster();
    HazelcastClusterManager cluster = ClusterSetup.clusterManager(config.confDir(), clusterOptions);
    io.vertx.core.VertxOptions vertxOptions = ClusterSetup.vertxOptions(clusterOptions);
    io.vertx.core.VertxBuilder builder = Vertx.builder();
    PrometheusMeterRegistry registry = null;
    if (metrics.enabled()) { // off, Vert.x has no metrics SPI at all: what a comparison of the cost needs
      registry = GridMetrics.newRegistry(id);
      vertxOptions.setMetricsOptions(GridMetrics.vertxOptions());
      builder.withMetrics(new MicrometerMetricsFactory(registry));
    }
    vertx = await(builder.with(vertxOptions).withClusterManager(cluster).buildClustered());
    Instant joinedAt = clock.instant();
    log.info("node {} joined cluster '{}' as member {} ({} ms, {} members)", id, config.section("cluster").getString("name", "robogrid"),
        cluster.getNodeId(), ms(t0), cluster.getNodes().size());
    ClusterSetup.reportMembersLeaving(cluster, vertx);

    if (db != null) {
      Pool pool = db.pool(vertx);
      try {
        await(Migrations.apply(pool));
      } finally {
        await(pool.close());
      }
    }
    RandomGenerator random = RandomGenerator.getDefault();
    Duration staleAfter = runner.staleAfter();
    PresenceVerticle presence = new PresenceVerticle(id, cluster.getNodeId(), config.section("cluster").getString("host", "127.0.0.1"),
        config.roles(), NodeConfig.VERSION, startedAt, joinedAt, runner.statusInterval(), clock,
        config.has("runner") ? RunnerStatus.starting(runner.capabilities(), runner.slots()) : null);
    deploy(presence);
    if (registry != null) deploy(new MetricsVerticle(metrics, registry, db, config.has("runner") ? () -> presence.status().runner() : null));
    robotsVerticle = new RobotsVerticle(id, config.confDir(), steps, robots);
    deploy(robotsVerticle);
    if (config.has("coordinator")) {
      coordinator = new CoordinatorVerticle(CoordinatorOptions.fromJson(config.section("coordinator"), config.section("retention"),
          config.section("agents")), db, clock, random, id, staleAfter,
          robotsVerticle.robots());
      deploy(coordinator);
    }
    if (config.has("router")) deploy(new RouterVerticle(clock, staleAfter, id));
    io.robogrid.secrets.Keyring keys = keyring();
    if (config.has("runner")) runnerDeployment = deploy(new RunnerVerticle(runner, clock, random, steps, presence, keys));
    if (config.has("notifier")) deploy(new io.robogrid.notifier.NotifierVerticle(notifierOptions(), db, robotsVerticle.robots(), clock));
    if (config.has("web")) {
      JsonObject info = new JsonObject().put("node", id).put("roles", new JsonArray(config.roles())).put("version", NodeConfig.VERSION);
      WebOptions webOptions = WebOptions.fromJson(config.section("http"))
          .withAdminToken(config.section("http").getString("adminToken"), config.dataDir().resolve("admin.token"))
          .withAgents(io.robogrid.web.AgentOptions.fromJson(config.section("agents")));
      web = new WebVerticle(webOptions, db, robotsVerticle.robots(), steps, clock, info, staleAfter, keys);
      if (embedded != null) web.withDatabaseStatus(embedded::status);
      if (metrics.onWebPort()) web.withMetrics(GridMetrics.scrape(registry));
      deploy(web);
    }
    if (config.healthPort() >= 0) {
      // last, so that a probe says UP only once every role is deployed; not in deployments: it answers until the end
      health = new io.robogrid.health.HealthServer(config.section("http").getString("host", "127.0.0.1"), config.healthPort(), () -> health(cluster));
      await(vertx.deployVerticle(health));
    }
    log.info("node {} up in {} ms: roles {}, {} robots{}", id, ms(t0), config.roles(), robots.all().size(),
        web == null ? "" : ", API on port " + web.actualPort());
  }

  /**
   * What the health port says: UP once started, STOPPING while jobs are handed back (still 200: a liveness probe must
   * not cut the hand-back short), DOWN (503) when this node's Hazelcast member no longer runs.
   */
  private JsonObject health(HazelcastClusterManager cluster) {
    boolean member = cluster.getHazelcastInstance().getLifecycleService().isRunning();
    String status = !member ? "DOWN" : stopped ? "STOPPING" : "UP";
    return new JsonObject().put("status", status).put("node", config.nodeId()).put("roles", new JsonArray(config.roles()))
        .put("version", NodeConfig.VERSION).put("members", member ? cluster.getNodes().size() : 0);
  }

  /** The health server's port, or -1 when there is none. */
  public int healthPort() {
    return health == null ? -1 : health.actualPort();
  }

  /**
   * The master key secrets are sealed with: {@code secrets.masterKeyFile} ({@code ROBOGRID_MASTER_KEY_FILE}), else
   * {@code <data dir>/master.key}. A node that stores secrets (web) creates it there on first start; a runner only
   * reads one, since a key of its own could not open what the grid sealed.
   */
  private io.robogrid.secrets.Keyring keyring() {
    String configured = config.section("secrets").getString("masterKeyFile");
    java.nio.file.Path file = configured != null ? java.nio.file.Path.of(configured) : config.dataDir().resolve("master.key");
    if (config.has("web")) return new io.robogrid.secrets.Keyring(io.robogrid.secrets.MasterKey.readOrCreate(file));
    if (java.nio.file.Files.exists(file)) return new io.robogrid.secrets.Keyring(io.robogrid.secrets.MasterKey.read(file));
    log.info("no master key at {}: this node's jobs cannot use secrets (set ROBOGRID_MASTER_KEY_FILE)", file);
    return new io.robogrid.secrets.Keyring(null);
  }

  /**
   * The notifier's settings. Webhooks are signed with {@code notifier.webhookSecret} ({@code ROBOGRID_WEBHOOK_SECRET});
   * without one, with a secret generated into {@code <data dir>/webhook.secret} (owner-only) on first start, which
   * receivers are given. Job links point at {@code notifier.dashboardUrl}, else at this node's own API address.
   */
  private io.robogrid.notifier.NotifierOptions notifierOptions() throws java.io.IOException {
    JsonObject section = config.section("notifier");
    String secret = section.getString("webhookSecret");
    if (secret == null || secret.isBlank()) {
      java.nio.file.Path file = config.dataDir().resolve("webhook.secret");
      if (!java.nio.file.Files.exists(file)) {
        io.robogrid.core.PrivateFiles.create(file, io.robogrid.auth.Tokens.newToken().replace("rgt_", "whs_") + "\n");
        log.info("webhooks are signed with a new secret in {} (set ROBOGRID_WEBHOOK_SECRET to choose one)", file);
      }
      secret = java.nio.file.Files.readString(file).strip();
    }
    JsonObject http = config.section("http");
    String host = http.getString("host", "127.0.0.1");
    String dashboard = "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + http.getInteger("port", 8080) + "/";
    return io.robogrid.notifier.NotifierOptions.fromJson(section, secret, dashboard);
  }

  /** Reloads the robots of every node (SIGHUP): logs what each node said. */
  public void reload() {
    RobotsVerticle r = robotsVerticle;
    if (r == null || stopped) return;
    r.reloadGrid().onSuccess(answer -> {
      if (answer.getBoolean("ok")) log.info("robots reloaded on {} nodes", answer.getJsonArray("nodes").size());
      else log.warn("robot reload refused, the running robots stay: {}", answer.encode());
    });
  }

  private DatabaseOptions database() throws Exception {
    JsonObject section = config.section("db").copy();
    String url = section.getString("url");
    if (url == null || url.isBlank()) {
      embedded = EmbeddedSupervisor.start(config.dataDir().resolve("postgres"), section.getInteger("embeddedPort", 15432));
      section.put("host", "127.0.0.1").put("port", embedded.port()).put("database", "postgres").put("user", "postgres");
    } else {
      log.info("using external PostgreSQL {}", DatabaseOptions.redactPassword(url));
    }
    return DatabaseOptions.fromJson(section);
  }

  private String deploy(Deployable verticle) throws Exception {
    String id = await(vertx.deployVerticle(verticle));
    deployments.push(id);
    return id;
  }

  /**
   * Graceful stop: stop claiming; let the runner finish or hand back its jobs while the coordinator still records
   * their ends; then undeploy the rest, leave the cluster and stop the embedded database.
   */
  public synchronized void stop() {
    if (stopped) return;
    stopped = true;
    long t0 = System.nanoTime();
    log.info("node {} stopping", config.nodeId());
    try {
      if (coordinator != null) await(coordinator.stopClaiming());
      if (runnerDeployment != null) {
        deployments.remove(runnerDeployment);
        await(vertx.undeploy(runnerDeployment));
      }
      while (!deployments.isEmpty()) await(vertx.undeploy(deployments.pop()));
    } catch (Exception e) {
      log.warn("while stopping the roles: {}", e.toString());
    }
    try {
      if (vertx != null) await(vertx.close());
    } catch (Exception e) {
      log.warn("while leaving the cluster: {}", e.toString());
    }
    try {
      if (embedded != null) embedded.close();
    } catch (Exception e) {
      log.warn("while stopping the embedded database: {}", e.toString());
    }
    log.info("node {} stopped in {} ms", config.nodeId(), ms(t0));
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer within " + Duration.ofSeconds(STEP_TIMEOUT_S));
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
