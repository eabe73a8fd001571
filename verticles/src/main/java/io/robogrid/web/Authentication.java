package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.auth.Tokens;
import io.robogrid.core.ErrorCode;
import io.robogrid.store.TokenStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code /api/v1} request carries a bearer token ({@code Authorization: Bearer rgt_…}; the WebSocket stream may
 * give it as {@code ?access_token=}, which browsers can send). No valid token: 401 UNAUTHORIZED in the API's error
 * shape. What a role may do is decided by each route ({@link ApiRoutes}). {@code /health} and the static pages are outside and open.
 * <p>
 * A token found valid is remembered for {@link #CACHE_MS}: a revoked one stops working within that.
 */
final class Authentication {
  static final long CACHE_MS = 10_000;
  static final String ROLE = "robogrid.role";

  private final TokenStore tokens;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  private record Known(String name, Role role, long until) {}

  Authentication(TokenStore tokens) {
    this.tokens = tokens;
  }

  void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null) {
      deny(ctx, ErrorCode.UNAUTHORIZED, "this API needs a token: send 'Authorization: Bearer <token>'");
      return;
    }
    String hash = Tokens.hash(token);
    Known k = known.get(hash);
    if (k != null && k.until > System.currentTimeMillis()) {
      check(ctx, k);
      return;
    }
    // the lookup is asynchronous: a request left flowing meanwhile would be read to its end, and a WebSocket
    // upgrade (the stream) refuses a request already read ("Request has already been read")
    boolean paused = !ctx.request().isEnded();
    if (paused) ctx.request().pause();
    tokens.find(token).onComplete(ar -> {
      try {
        decide(ctx, hash, ar);
      } finally {
        if (paused) ctx.request().resume();
      }
    });
  }

  private void decide(RoutingContext ctx, String hash, io.vertx.core.AsyncResult<JsonObject> ar) {
    if (ar.failed()) {
      ctx.fail(ar.cause());
      return;
    }
    JsonObject who = ar.result();
    Role role = who == null ? null : Role.of(who.getString("role"));
    if (role == null) {
      known.remove(hash);
      deny(ctx, ErrorCode.UNAUTHORIZED, "the token is not valid (unknown or revoked)");
      return;
    }
    Known fresh = new Known(who.getString("name"), role, System.currentTimeMillis() + CACHE_MS);
    known.put(hash, fresh);
    check(ctx, fresh);
  }

  /** Forgets what was remembered about tokens (a token was revoked on this node: it stops working at once here). */
  void forget() {
    known.clear();
  }

  /** Leaves who calls in the context; whether that role may call the route is the route's own decision ({@link ApiRoutes}). */
  private static void check(RoutingContext ctx, Known k) {
    ctx.put(JobsApi.CALLER, k.name);
    ctx.put(ROLE, k.role);
    ctx.next();
  }

  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).strip();
    String query = ctx.request().getParam("access_token");
    return query != null && ctx.normalizedPath().endsWith("/stream") ? query : null;
  }

  private static void deny(RoutingContext ctx, ErrorCode code, String message) {
    if (code == ErrorCode.UNAUTHORIZED) ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"robogrid\"");
    ApiErrors.send(ctx, code, message);
  }
}
