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

/** {@code /tokens} (admin): create a token (its value is in this one answer only), list them, revoke one. */
final class TokensApi {

  private final TokenStore tokens;
  private final Authentication auth;
  private final Clock clock;

  private final RequestBodies bodies;

  TokensApi(TokenStore tokens, Authentication auth, Clock clock, RequestBodies bodies) {
    this.bodies = bodies;
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
    JsonObject body = bodies.check("postTokens", JobsApi.body(ctx)); // name and role as the document's Token says
    String name = body.getString("name");
    Role role = Role.of(body.getString("role"));
    String token = Tokens.newToken();
    return tokens.create(name, role, token, JobsApi.caller(ctx), clock.instant()).compose(created -> created
        ? Future.succeededFuture(new JsonObject().put("name", name).put("role", role.label()).put("token", token))
        : Future.failedFuture(RoboGridException.invalidRequest("a token named '" + name + "' exists already")));
  }
}
