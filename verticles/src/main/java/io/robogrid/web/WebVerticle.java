package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.grid.ClusterView;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Submissions;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.JobStore;
import io.robogrid.workflow.StepCatalog;
import io.robogrid.workflow.WorkflowParser;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The web role: REST API under {@code /api/v1}, the event stream, {@code /health}, and the dashboard's static files. */
public final class WebVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebVerticle.class);
  /** How often keys older than a day are deleted (by every web node: a delete twice does no harm). */
  private static final Duration KEYS_PRUNED_EVERY = Duration.ofMinutes(10);

  private final WebOptions options;
  private final DatabaseOptions db;
  private final Supplier<RobotCatalog> robots;
  private final io.robogrid.secrets.Keyring keys;
  private final StepCatalog steps;
  private final Clock clock;
  private final JsonObject nodeInfo;
  private final Duration staleAfter;
  private Pool pool;
  private HttpServer server;
  private Supplier<JsonObject> databaseStatus;
  private io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metrics;
  private ApiRoutes routes;
  private Router router;

  /**
   * @param nodeInfo what {@code /health} tells about this node (id, roles, version)
   * @param staleAfter a node not heard from for this long is shown as unresponsive
   */
  public WebVerticle(WebOptions options, DatabaseOptions db, Supplier<RobotCatalog> robots, StepCatalog steps, Clock clock, JsonObject nodeInfo,
                     Duration staleAfter, io.robogrid.secrets.Keyring keys) {
    this.keys = keys;
    this.staleAfter = staleAfter;
    this.options = options;
    this.db = db;
    this.robots = robots;
    this.steps = steps;
    this.clock = clock;
    this.nodeInfo = nodeInfo;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx);
    JobStore store = new JobStore(pool);
    Submissions submissions = new Submissions(robots, new WorkflowParser(steps), clock);
    ClusterView view = new ClusterView(clock, staleAfter, new EventStream.GridEvents(vertx.eventBus(), clock));
    RequestBodies schemas = new RequestBodies(); // the document's schemas for request bodies, loaded before the server listens
    AgentsApi agents = new AgentsApi(vertx, new io.robogrid.store.AgentStore(pool), options.agents(), clock, schemas);
    ClusterApi cluster = new ClusterApi(view, store, nodeInfo.getString("node"), clock, agents::agents);
    io.robogrid.store.IdempotencyStore idempotencyKeys = new io.robogrid.store.IdempotencyStore(pool);
    vertx.setPeriodic(KEYS_PRUNED_EVERY.toMillis(), t -> idempotencyKeys.prune(clock.instant())
        .onFailure(e -> log.warn("could not forget old idempotency keys (tried again in {}): {}", KEYS_PRUNED_EVERY, e.toString())));
    JobsApi jobs = new JobsApi(store, idempotencyKeys, submissions, new JobLifecycle(RandomGenerator.getDefault()), clock, vertx.eventBus(),
        cluster::withWaitingFor, schemas);

    Router router = Router.router(vertx);
    router.route().handler(RequestGate::handle); // first: a request target that reads two ways goes no further
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(options.maxBodyBytes());
    // every request is read whole before anything acts on it (a body that breaks off is refused, not half-acted on),
    // except a WebSocket upgrade, which must not be read
    router.route().handler(ctx -> {
      if (ctx.request().canUpgradeToWebSocket()) ctx.next();
      else bodies.handle(ctx);
    });
    router.get("/health").handler(ctx -> pool.query("SELECT 1").execute().onComplete(ar -> {
      JsonObject h = nodeInfo.copy().put("status", ar.succeeded() ? "UP" : "DOWN").put("db", ar.succeeded() ? "UP" : "DOWN");
      if (databaseStatus != null) h.put("database", databaseStatus.get());
      ctx.response().setStatusCode(ar.succeeded() ? 200 : 503).putHeader("content-type", "application/json").end(h.encode());
    }));
    io.robogrid.store.TokenStore tokenStore = new io.robogrid.store.TokenStore(pool);
    Authentication auth = new Authentication(tokenStore);
    if (metrics != null) {
      // outside the API (Prometheus' usual path), behind a token all the same: role metrics, or admin
      router.get("/metrics").handler(auth::handle).handler(ctx -> ApiRoutes.authorize(ctx, HttpMethod.GET, "/metrics", Role.METRICS)).handler(metrics);
    }
    Router apiRouter = Router.router(vertx);
    ApiRoutes api = new ApiRoutes(apiRouter, auth::handle); // every API route below needs a token, and declares its role
    routes = api;
    jobs.mount(api);
    Future<Void> agentNews = agents.mount(api);
    new TokensApi(tokenStore, auth, clock, schemas).mount(api);
    new RobotsApi(robots, new io.robogrid.store.ScheduleStore(pool), clock, vertx.eventBus()).mount(api);
    new SecretsApi(vertx, store.secrets(), keys, clock, schemas).mount(api);
    api.get("/cluster", Role.VIEWER, ctx -> JobsApi.answer(ctx, 200, cluster.cluster()));
    io.robogrid.store.OverviewStore overview = new io.robogrid.store.OverviewStore(pool);
    new OverviewApi(overview, store.grid(), view, clock).mount(api);
    QueueSampler sampler = new QueueSampler(overview, store.grid(), clock);
    vertx.setPeriodic(0, QueueSampler.CHECK_EVERY.toMillis(), t -> sampler.tick());
    new NotificationsApi(new io.robogrid.store.NotificationStore(pool)).mount(api);
    new GoalsApi(new io.robogrid.store.GoalPathStore(pool), new io.robogrid.store.CostStore(pool), clock).mount(api);
    EventStream stream = new EventStream(vertx, store);
    api.get("/stream", Role.VIEWER, stream::handle);
    api.finish(ApiErrors::handle);
    // the API's description is open (a client generator has no token yet), so it is mounted before the API's authentication
    OpenApiDocument openApi = new OpenApiDocument();
    router.get(OpenApiDocument.PATH).handler(openApi::serve);
    router.route("/api/v1/*").subRouter(apiRouter);
    if (options.webRoot() != null && Files.isDirectory(Path.of(options.webRoot()))) {
      // GET and HEAD only: another method on an API path must still end as the API's 405, not fall through to a 404 here
      // the dashboard's files are small and change with every upgrade: browsers check them each time (no-cache
      // revalidates) rather than keep last version's scripts for a day, StaticHandler's default
      router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
        ctx.response().putHeader("cache-control", "no-cache");
        ctx.next();
      }).handler(StaticHandler.create(FileSystemAccess.ROOT, Path.of(options.webRoot()).toAbsolutePath().toString()).setCachingEnabled(false));
    }
    router.route().failureHandler(ApiErrors::handle);
    // what the router refuses before any handler runs (a path it cannot decode, no Host header) in the API's shape too
    for (int status : List.of(400, 404, 405, 406, 413, 415, 417, 500)) router.errorHandler(status, ApiErrors::handle);

    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
        .setMaxWebSocketFrameSize(65536).setCompressionSupported(true));
    server.invalidRequestHandler(ApiErrors::invalidRequest).connectionHandler(HttpVersions::install);
    this.router = router;
    return agentNews.compose(v -> openApi.load(vertx))
        .compose(v -> schemas.load(vertx, openApi.parsed())).compose(v -> firstAdminToken(tokenStore)).compose(v -> view.follow(vertx, nodeInfo.getString("node"))).compose(v -> server.requestHandler(router).listen()).onSuccess(s -> log.info("web API on http://{}:{}/api/v1", options.host(), s.actualPort()));
  }

  /**
   * The grid's first admin token: the configured one ({@code ROBOGRID_ADMIN_TOKEN}) is set as token "admin" at every
   * start; without one, a grid that has no admin token yet gets a generated one, written to the data directory
   * (owner-only) and named in the log. A database that cannot be reached is not this step's problem: it is retried
   * at the next start, and the API answers 503 meanwhile.
   */
  private Future<Void> firstAdminToken(io.robogrid.store.TokenStore tokens) {
    java.time.Instant now = clock.instant();
    if (options.adminToken() != null && !options.adminToken().isBlank()) {
      return tokens.upsert("admin", io.robogrid.auth.Role.ADMIN, options.adminToken().strip(), now).otherwiseEmpty();
    }
    if (options.adminTokenFile() == null) return Future.succeededFuture();
    return tokens.anyAdmin().compose(any -> {
      if (any) return Future.succeededFuture();
      String token = io.robogrid.auth.Tokens.newToken();
      return tokens.create("admin", io.robogrid.auth.Role.ADMIN, token, "first start", now).compose(created -> !created ? Future.<Void>succeededFuture()
          : vertx.executeBlocking(() -> {
            java.nio.file.Path file = options.adminTokenFile();
            io.robogrid.core.PrivateFiles.replace(file, token + "\n"); // a revoked token's old file may be there
            log.info("the grid had no admin token: one was created and written to {} (readable by this user only)", file);
            return null;
          }, false));
    }).otherwiseEmpty();
  }

  /** Serves {@code GET /metrics} with {@code scrape}, to tokens with role {@code metrics} or {@code admin}. */
  public WebVerticle withMetrics(io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> scrape) {
    this.metrics = scrape;
    return this;
  }

  /** What {@code /health} says of the node's embedded database beside whether it answers (its supervisor's view). */
  public WebVerticle withDatabaseStatus(Supplier<JsonObject> status) {
    this.databaseStatus = status;
    return this;
  }

  /** The API's routes with the role each needs, as mounted (the role model, for tests and documentation). */
  List<ApiRoutes.Declared> routes() {
    return routes.declared();
  }

  /** The node's router as built (the API under {@code /api/v1/*} as its sub-router): what the OpenAPI test compares the document with. */
  Router router() {
    return router;
  }

  /** The port the server listens on (useful when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return Future.join(server == null ? Future.succeededFuture() : server.close(), pool.close());
  }

}
