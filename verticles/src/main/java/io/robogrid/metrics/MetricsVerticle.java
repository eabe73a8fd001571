package io.robogrid.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.robogrid.core.ErrorCode;
import io.robogrid.grid.RunnerStatus;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.JobStore;
import io.robogrid.store.OutboxReads;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployed on every node with metrics on: counts what this node wrote and ran ({@link MetricsAddresses}), shows its
 * runner's capacity, reads the database gauges on a timer on a node with the database, and, with
 * {@code metrics.port} set, serves an open {@code /metrics} on that port (a web node otherwise serves it, behind a token).
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MetricsVerticle.class);
  /** A refresh may use at most about this share of the time: a slow read (a huge backlog) is read less often. */
  private static final int REFRESH_DUTY = 20;

  private final MetricsOptions options;
  private final PrometheusMeterRegistry registry;
  private final DatabaseOptions db;
  private final Supplier<RunnerStatus> runner;
  private Pool pool;
  private HttpServer server;
  private DatabaseGauges gauges;
  private volatile boolean stopped;
  private boolean failing;

  /**
   * @param db the grid's database, or null on a node without one (no database gauges)
   * @param runner this node's runner status, or null on a node without the runner role
   */
  public MetricsVerticle(MetricsOptions options, PrometheusMeterRegistry registry, DatabaseOptions db, Supplier<RunnerStatus> runner) {
    this.options = options;
    this.registry = registry;
    this.db = db;
    this.runner = runner;
  }

  @Override
  public Future<?> start() {
    JobMeters jobs = new JobMeters(registry);
    var bus = vertx.eventBus();
    Future<Void> consumers = Future.all(
        bus.<JsonObject>localConsumer(MetricsAddresses.JOB_WRITTEN, safely(jobs::jobWritten)).completion(),
        bus.<JsonObject>localConsumer(MetricsAddresses.STEP_DONE, safely(jobs::stepDone)).completion(),
        bus.<JsonObject>localConsumer(MetricsAddresses.GOAL_DECISION, safely(jobs::goalDecision)).completion()).mapEmpty();
    if (runner != null) RunnerGauges.register(registry, runner);
    if (db != null) {
      pool = new DatabaseOptions(db.connect(), 1).pool(vertx); // one connection: the gauges' reads never compete with the grid's work
      gauges = new DatabaseGauges(registry, new JobStore(pool).grid(), new OutboxReads(pool));
      refresh();
    }
    if (options.port() == null) return consumers;
    Router router = Router.router(vertx);
    router.get("/metrics").handler(GridMetrics.scrape(registry));
    router.route("/metrics").handler(ctx -> error(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " /metrics: only GET is served"));
    router.route().handler(ctx -> error(ctx, ErrorCode.NOT_FOUND, "this port serves GET /metrics only"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port()));
    return consumers.compose(v -> server.requestHandler(router).listen())
        .onSuccess(s -> log.info("metrics on http://{}:{}/metrics (no token)", options.host(), s.actualPort()));
  }

  /** The port of the open {@code /metrics}, or -1 without one. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** Reads the database gauges, then again after {@code metrics.refresh}, or later when a read took long. */
  private void refresh() {
    if (stopped) return;
    gauges.refresh().onComplete(ar -> {
      long next = options.refresh().toMillis();
      if (ar.succeeded()) {
        if (failing) log.info("database gauges read again");
        failing = false;
        next = Math.max(next, REFRESH_DUTY * ar.result());
      } else if (!failing) {
        failing = true; // logged once per outage: the last values stay shown meanwhile
        log.warn("database gauges not read (the last values stay; tried again every {} ms): {}", next, ar.cause().toString());
      }
      if (!stopped) vertx.setTimer(next, t -> refresh());
    });
  }

  /** A summary that cannot be read is a bug of its writer: logged, and it never stops the consumer. */
  private static io.vertx.core.Handler<Message<JsonObject>> safely(Consumer<JsonObject> meter) {
    return m -> {
      try {
        meter.accept(m.body());
      } catch (RuntimeException e) {
        log.warn("a metrics summary was not counted: {} ({})", m.body(), e.toString());
      }
    };
  }

  private static void error(RoutingContext ctx, ErrorCode code, String message) {
    ctx.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", code.name()).put("message", message)).encode());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.join(server == null ? Future.succeededFuture() : server.close(), pool == null ? Future.succeededFuture() : pool.close());
  }
}
