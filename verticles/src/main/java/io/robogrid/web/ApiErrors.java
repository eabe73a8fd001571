package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.pgclient.PgException;
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
    if (ctx.response().ended() || ctx.response().closed()) return;
    ctx.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/json").end(json(code, message));
  }

  /** The error shape: {@code {"error": {"code", "message"}}}. */
  static String json(ErrorCode code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code.name()).put("message", message)).encode();
  }

  /**
   * For the request's exception handler: reading it failed in HTTP itself (a malformed chunk in a body no handler
   * reads). Answered at once, before the connection closes under it.
   */
  static void broken(RoutingContext ctx, Throwable t) {
    if (!brokenHttp(t)) return;
    log.info("{} {}: the request broke off or is not valid HTTP: {}", ctx.request().method(), ctx.request().path(), t.toString());
    send(ctx, ErrorCode.INVALID_REQUEST, "the request is not valid HTTP: " + t.getMessage());
  }

  /** PostgreSQL's "data exception" (SQLSTATE class 22: NUL in text 22021, 22P05, a date out of range 22008…), or null. */
  private static PgException dataError(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) return pg;
    }
    return null;
  }

  /**
   * Whether reading the request failed in HTTP itself: Netty's decoder refused the bytes (thrown by the decoder, not
   * by a handler it called) or the connection closed before the body was in.
   */
  private static boolean brokenHttp(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause()) {
      if (t instanceof DecoderException || t instanceof PrematureChannelClosureException || t instanceof HttpClosedException) return true;
      StackTraceElement[] at = t.getStackTrace();
      if (at.length > 0 && at[0].getClassName().startsWith("io.netty.handler.codec.http.")) return true;
    }
    return false;
  }

  /**
   * The server's answer to a request whose head is not valid HTTP (no router runs for it): Vert.x's default status
   * (414 for a long request line, 431 for large headers, else 400), in the API's error shape, then the connection closes.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ErrorCode code = cause instanceof TooLongHttpLineException ? ErrorCode.URI_TOO_LONG
        : cause instanceof TooLongHttpHeaderException ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.INVALID_REQUEST;
    String message = code == ErrorCode.URI_TOO_LONG ? "the request line is too long"
        : code == ErrorCode.HEADERS_TOO_LARGE ? "the request's headers are too large" : "the request is not valid HTTP";
    request.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/json").putHeader("connection", "close")
        .end(json(code, message)).onComplete(v -> request.connection().close());
  }

  /** The router's failure handler: maps what went wrong to a code. */
  static void handle(RoutingContext ctx) {
    Throwable f = ctx.failure();
    int status = ctx.statusCode();
    PgException pg = dataError(f);
    if (f instanceof RoboGridException e) send(ctx, e.code(), e.getMessage());
    else if (f instanceof DecodeException) send(ctx, ErrorCode.MALFORMED_JSON, "the body is not valid JSON");
    else if (status == 413 || f instanceof HttpException he && he.getStatusCode() == 413) {
      send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than this server accepts");
    } else if (status == 404) send(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path());
    else if (status == 405) send(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.request().path());
    else if (status == 417) send(ctx, ErrorCode.EXPECTATION_FAILED, "Expect: only '100-continue' is understood here");
    else if (brokenHttp(f)) {
      // the client's bytes are not HTTP (a malformed chunk) or it went away mid-body: its fault, and often unanswerable
      log.info("{} {}: the request broke off or is not valid HTTP: {}", ctx.request().method(), ctx.request().path(), f.toString());
      send(ctx, ErrorCode.INVALID_REQUEST, "the request is not valid HTTP: " + f.getMessage());
      ctx.request().connection().close();
    } else if (f instanceof HttpException he && he.getStatusCode() >= 400 && he.getStatusCode() < 500) {
      send(ctx, ErrorCode.INVALID_REQUEST, he.getMessage());
    } else if (status >= 400 && status < 500) {
      // refused by Vert.x itself before any route ran: no Host header, a path it cannot decode
      send(ctx, ErrorCode.INVALID_REQUEST, f == null || f.getMessage() == null ? "the request is not valid" : f.getMessage());
    } else if (pg != null) {
      // a safety net: a value that validation let through and PostgreSQL refuses was the request's, not a server error
      log.warn("PostgreSQL refused a value on {} {} ({}): {}", ctx.request().method(), ctx.request().path(), pg.getSqlState(), pg.getErrorMessage());
      send(ctx, ErrorCode.INVALID_REQUEST, "a value in the request cannot be stored: " + pg.getErrorMessage());
    } else if (io.robogrid.store.DatabaseErrors.unavailable(f)) {
      log.warn("database unreachable on {} {}: {}", ctx.request().method(), ctx.request().path(), f.toString());
      send(ctx, ErrorCode.UNAVAILABLE, "the database cannot be reached; try again shortly");
    }
    else {
      log.error("unexpected error on {} {}", ctx.request().method(), ctx.request().path(), f);
      send(ctx, ErrorCode.INTERNAL, "internal error; see the node log");
    }
  }
}
