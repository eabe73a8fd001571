package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.auth.Tokens;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.store.TokenStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.regex.Pattern;

/** {@code /tokens} (admin): create a token (its value is in this one answer only), list them, revoke one. */
final class TokensApi {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

  private final TokenStore tokens;
  private final Authentication auth;
  private final Clock clock;

  TokensApi(TokenStore tokens, Authentication auth, Clock clock) {
    this.tokens = tokens;
    this.auth = auth;
    this.clock = clock;
  }

  void mount(ApiRoutes api) {
    api.post("/tokens", Role.ADMIN, ctx -> JobsApi.answer(ctx, 201, create(ctx)));
    api.get("/tokens", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, tokens.list().map(l -> new JsonObject().put("tokens", l))));
    api.delete("/tokens/:name", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, tokens.revoke(ctx.pathParam("name"), clock.instant()).compose(found -> {
      if (!found) return Future.failedFuture(new RoboGridException(ErrorCode.NOT_FOUND, "no token named '" + ctx.pathParam("name") + "' to revoke"));
      auth.forget();
      return Future.succeededFuture(new JsonObject().put("name", ctx.pathParam("name")).put("revoked", true));
    })));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject body = JobsApi.only(JobsApi.body(ctx), "name", "role");
    if (!(body.getValue("name") instanceof String name) || !NAME.matcher(name).matches()) {
      throw RoboGridException.invalidRequest("'name' must be letters, digits, '_', '.', '@' or '-' (64 at most)");
    }
    Role role = body.getValue("role") instanceof String r ? Role.of(r) : null;
    if (role == null) throw RoboGridException.invalidRequest("'role' must be one of admin, operator, viewer, agent, metrics");
    String token = Tokens.newToken();
    return tokens.create(name, role, token, JobsApi.caller(ctx), clock.instant()).compose(created -> created
        ? Future.succeededFuture(new JsonObject().put("name", name).put("role", role.label()).put("token", token))
        : Future.failedFuture(RoboGridException.invalidRequest("a token named '" + name + "' exists already")));
  }
}
