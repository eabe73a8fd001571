package io.robogrid.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.robogrid.coordinator.CoordinatorOptions;
import io.robogrid.coordinator.CoordinatorVerticle;
import io.robogrid.grid.PresenceVerticle;
import io.robogrid.grid.RunnerStatus;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.router.RouterVerticle;
import io.robogrid.runner.RunnerOptions;
import io.robogrid.runner.RunnerVerticle;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.Migrations;
import io.robogrid.web.WebOptions;
import io.robogrid.web.WebVerticle;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * All four roles of a node deployed on one (non-clustered) Vert.x against a fresh real database, with short
 * heartbeat and poll intervals, and an HTTP client for its API. What a single node does, minus the process.
 */
public final class TestGrid {
  /** The grid's admin token: every request of {@link #call} carries it. */
  public static final String ADMIN_TOKEN = "rgt_test-admin-token";
  /**
   * How long an agent's claim lasts without a heartbeat: short, so that a lost claim is seen quickly, and not shorter,
   * since the sample agent beats every third of it and a busy machine may stall its loop for a second or two.
   */
  public static final Duration AGENT_TIMEOUT = Duration.ofSeconds(5);
  public final Vertx vertx;
  public final int port;
  public final WebClient http;
  public final DatabaseOptions db;
  /** The grid's robots, as its nodes' robot catalog holds them (what a notifier deployed beside it reads). */
  public final java.util.function.Supplier<RobotCatalog> robots;

  private TestGrid(Vertx vertx, int port, DatabaseOptions db, java.util.function.Supplier<RobotCatalog> robots) {
    this.robots = robots;
    this.vertx = vertx;
    this.port = port;
    this.db = db;
    this.http = WebClient.create(vertx);
  }

  /** @param robotsJson the text of a robots.json ({@code {"robots": […]}}), or null for none */
  public static TestGrid start(Vertx vertx, String robotsJson, int slots) {
    return start(vertx, robotsJson, slots, (String[]) null);
  }

  /** @param capabilities what the runner offers (default {@code http}) */
  public static TestGrid start(Vertx vertx, String robotsJson, int slots, String... capabilities) {
    return start(vertx, robotsJson, slots, new JsonObject(), capabilities);
  }

  /**
   * @param runnerSettings more of the runner's config section ({@code desktops}, {@code desktop}…), over the test defaults
   * @param capabilities what the runner offers (default {@code http})
   */
  public static TestGrid start(Vertx vertx, String robotsJson, int slots, JsonObject runnerSettings, String... capabilities) {
    return start(vertx, TestDatabase.newDatabaseOptions(), null, robotsJson, slots, runnerSettings, capabilities);
  }

  /**
   * A grid on a database of the test's own (one it may stop and start), {@code /health} telling {@code databaseStatus}
   * (null: nothing beside whether it answers).
   */
  public static TestGrid start(Vertx vertx, DatabaseOptions db, java.util.function.Supplier<JsonObject> databaseStatus, String robotsJson,
                               int slots, JsonObject runnerSettings, String... capabilities) {
    return start(vertx, db, databaseStatus, robotsJson, slots, runnerSettings, null, capabilities);
  }

  /** A grid whose coordinator reads {@code agents} as the node config's {@code agents} section ({@code unreachableAfter}). */
  public static TestGrid startWithAgents(Vertx vertx, String robotsJson, JsonObject agents, String... capabilities) {
    return start(vertx, TestDatabase.newDatabaseOptions(), null, robotsJson, 4, new JsonObject(), agents, capabilities);
  }

  private static TestGrid start(Vertx vertx, DatabaseOptions db, java.util.function.Supplier<JsonObject> databaseStatus, String robotsJson,
                                int slots, JsonObject runnerSettings, JsonObject agents, String... capabilities) {
    Pool pool = db.pool(vertx);
    Await.result(Migrations.apply(pool));
    Await.result(pool.close());
    Path robotsDir = robotsDir(robotsJson);
    RobotCatalog robots = RobotCatalog.load(robotsDir, StepCatalog.builtIn());
    Clock clock = Clock.systemUTC();
    Random random = new Random();
    StepCatalog steps = StepCatalog.builtIn();
    CoordinatorOptions co = CoordinatorOptions.fromJson(new JsonObject()
        .put("heartbeatTimeout", "3s").put("sweepInterval", "300ms").put("pollInterval", "1s"), null, agents);
    JsonObject runner = new JsonObject().put("slots", slots).put("heartbeatInterval", "500ms").put("statusInterval", "500ms")
        .put("shutdownGrace", "2s").put("leaseWait", "500ms")
        .put("browser", new JsonObject().put("recycleAfter", 3).put("actionTimeout", "5s"));
    if (capabilities != null) runner.put("capabilities", new JsonArray(java.util.List.of((Object[]) capabilities)));
    runner.mergeIn(runnerSettings);
    RunnerOptions ro = RunnerOptions.fromJson("test-node", "test", runner);
    List<String> roles = List.of("coordinator", "router", "runner", "web");
    PresenceVerticle presence = new PresenceVerticle("test-node", "local", "127.0.0.1", roles, "test", clock.instant(), clock.instant(),
        ro.statusInterval(), clock, RunnerStatus.starting(ro.capabilities(), ro.slots()));
    Await.result(vertx.deployVerticle(presence));
    io.robogrid.robots.RobotsVerticle robotFiles = new io.robogrid.robots.RobotsVerticle("test-node", robotsDir, StepCatalog.builtIn(), robots);
    Await.result(vertx.deployVerticle(robotFiles));
    Await.result(vertx.deployVerticle(new CoordinatorVerticle(co, db, clock, random, "test-node", ro.staleAfter(), robotFiles.robots())));
    Await.result(vertx.deployVerticle(new RouterVerticle(clock, ro.staleAfter(), "test-node")));
    io.robogrid.secrets.Keyring keys = new io.robogrid.secrets.Keyring(io.robogrid.secrets.MasterKey.readOrCreate(robotsDir.resolve("master.key")));
    Await.result(vertx.deployVerticle(new RunnerVerticle(ro, clock, random, steps, presence, keys)));
    WebVerticle web = new WebVerticle(new WebOptions("127.0.0.1", 0, 64 * 1024, dashboard()).withAdminToken(ADMIN_TOKEN, null)
        .withAgents(new io.robogrid.web.AgentOptions(AGENT_TIMEOUT, Duration.ofSeconds(60))), db, robotFiles.robots(), steps, clock,
        new JsonObject().put("node", "test-node").put("roles", new JsonArray(roles)), ro.staleAfter(), keys);
    if (databaseStatus != null) web.withDatabaseStatus(databaseStatus);
    Await.result(vertx.deployVerticle(web));
    return new TestGrid(vertx, web.actualPort(), db, robotFiles.robots());
  }

  /** The repository's dashboard ({@code web/}), served at {@code /} as a node serves it. */
  private static String dashboard() {
    Path web = Path.of("..", "web").toAbsolutePath().normalize();
    return Files.isDirectory(web) ? web.toString() : null;
  }

  private static Path robotsDir(String json) {
    try {
      Path dir = Files.createTempDirectory("robogrid-conf");
      if (json != null) Files.writeString(dir.resolve("robots.json"), json);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HttpResponse<Buffer> call(HttpMethod method, String path, String body) {
    return call(method, path, body, ADMIN_TOKEN);
  }

  /** A request with {@code token} (null: none). */
  public HttpResponse<Buffer> call(HttpMethod method, String path, String body, String token) {
    var req = http.request(method, port, "127.0.0.1", path);
    if (token != null) req.bearerTokenAuthentication(token);
    return Await.result(body == null ? req.send() : req.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  public HttpResponse<Buffer> get(String path) {
    return call(HttpMethod.GET, path, null);
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, body == null ? null : body.encode());
  }

  /** An agent's claim: {@code agent} asks for work of {@code capability} with an agent token (fails the test unless some comes). */
  public JsonObject claim(String token, String agent, String capability) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/v1/agents/" + agent + "/work?capability=" + capability + "&wait=10s", null, token);
    if (r.statusCode() != 200) fail("GET work answered " + r.statusCode() + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** An agent's report on a job's work ({@code POST /jobs/{id}/events}), as it is answered. */
  public HttpResponse<Buffer> report(String token, String job, JsonObject event) {
    return call(HttpMethod.POST, "/api/v1/jobs/" + job + "/events", event.encode(), token);
  }

  /** A new API token of {@code role} named {@code name} (its value). */
  public String token(String name, String role) {
    HttpResponse<Buffer> r = post("/api/v1/tokens", new JsonObject().put("name", name).put("role", role));
    if (r.statusCode() != 201) fail("token create answered " + r.statusCode() + ": " + r.bodyAsString());
    return r.bodyAsJsonObject().getString("token");
  }

  /** Submits and returns the created job (fails the test on anything but 201). */
  public JsonObject submit(JsonObject request) {
    HttpResponse<Buffer> r = post("/api/v1/jobs", request);
    if (r.statusCode() != 201) fail("submit answered " + r.statusCode() + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  public JsonObject job(String id) {
    return get("/api/v1/jobs/" + id).bodyAsJsonObject();
  }

  /** Polls the job until it is in one of {@code states}; fails the test after {@code within}. */
  public JsonObject awaitState(String id, Duration within, String... states) {
    Set<String> wanted = Set.of(states);
    long deadline = System.nanoTime() + within.toNanos();
    JsonObject job;
    do {
      job = job(id);
      if (wanted.contains(job.getString("state"))) return job;
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } while (System.nanoTime() < deadline);
    return fail("job " + id + " still " + job.getString("state") + " after " + within + ", wanted " + wanted + ": " + job.encodePrettily());
  }

  /** Polls the job until it shows {@code blocked} (an agent's report or AGENT_UNREACHABLE); that object. Fails after {@code within}. */
  public JsonObject awaitBlocked(String id, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject j = job(id);
      if (j.getJsonObject("blocked") != null) return j.getJsonObject("blocked");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("never blocked: " + job(id).encodePrettily());
  }

  public JsonObject events(String id) {
    return get("/api/v1/jobs/" + id + "/events").bodyAsJsonObject();
  }

  /** A one-off workflow request from its steps (and optional policy fields). */
  public static JsonObject inline(JsonObject policy, JsonObject... steps) {
    JsonObject wf = policy == null ? new JsonObject() : policy.copy();
    wf.put("steps", new JsonArray(java.util.List.of((Object[]) steps)));
    return new JsonObject().put("workflow", wf);
  }

  public static JsonObject step(String id, String type, JsonObject with, String... needs) {
    JsonObject s = new JsonObject().put("id", id).put("type", type).put("with", with);
    if (needs.length > 0) s.put("needs", new JsonArray(java.util.List.of((Object[]) needs)));
    return s;
  }

}
