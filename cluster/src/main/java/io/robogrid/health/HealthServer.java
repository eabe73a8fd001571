package io.robogrid.health;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's own {@code GET /health} on a port of its own ({@code ROBOGRID_HEALTH_PORT}): what a Kubernetes probe asks a
 * node that has no web role, and the hub's liveness probe, since it never asks the database (a database outage is
 * waited out by the node; restarting it would not bring the database back). The answer is computed on the event loop
 * from what the node already knows, so a probe that times out means the event loop is stuck.
 */
public final class HealthServer extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

  /** What the node says of itself; {@code status} {@code DOWN} answers 503, anything else 200. */
  private final Supplier<JsonObject> status;
  private final String host;
  private final int port;
  private HttpServer server;

  public HealthServer(String host, int port, Supplier<JsonObject> status) {
    this.host = host;
    this.port = port;
    this.status = status;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer();
    return server.requestHandler(this::handle).listen(port, host).onSuccess(s -> log.info("health on http://{}:{}/health", host, s.actualPort()));
  }

  private void handle(HttpServerRequest req) {
    if (!"/health".equals(req.path())) {
      answer(req, 404, error("NOT_FOUND", "this port serves /health only"));
    } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().putHeader("allow", "GET, HEAD");
      answer(req, 405, error("METHOD_NOT_ALLOWED", "GET or HEAD"));
    } else {
      JsonObject h = status.get();
      answer(req, "DOWN".equals(h.getString("status")) ? 503 : 200, h);
    }
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
  }

  private static void answer(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(body.encode());
  }

  /** The port it listens on (useful when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
