package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every API error as {@code {"error": {"code", "message"}}} with the status of its code: never an HTML page, never a bare 500. */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static void send(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", code.name()).put("message", message)).encode());
  }

  /** A connection to PostgreSQL could not be made or was lost: the service is unavailable, the request was not wrong. */
  private static boolean databaseUnreachable(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof io.netty.channel.ConnectTimeoutException
          || t instanceof io.vertx.core.VertxException && String.valueOf(t.getMessage()).contains("closed")) return true;
    }
    return false;
  }

  /** The router's failure handler: maps what went wrong to a code. */
  static void handle(RoutingContext ctx) {
    Throwable f = ctx.failure();
    int status = ctx.statusCode();
    if (f instanceof RoboGridException e) send(ctx, e.code(), e.getMessage());
    else if (f instanceof DecodeException) send(ctx, ErrorCode.MALFORMED_JSON, "the body is not valid JSON");
    else if (status == 413 || f instanceof HttpException he && he.getStatusCode() == 413) {
      send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than this server accepts");
    } else if (status == 404) send(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path());
    else if (status == 405) send(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.request().path());
    else if (f instanceof HttpException he && he.getStatusCode() < 500) send(ctx, ErrorCode.INVALID_REQUEST, he.getMessage());
    else if (databaseUnreachable(f)) {
      log.warn("database unreachable on {} {}: {}", ctx.request().method(), ctx.request().path(), f.toString());
      send(ctx, ErrorCode.UNAVAILABLE, "the database cannot be reached; try again shortly");
    }
    else {
      log.error("unexpected error on {} {}", ctx.request().method(), ctx.request().path(), f);
      send(ctx, ErrorCode.INTERNAL, "internal error; see the node log");
    }
  }
}
