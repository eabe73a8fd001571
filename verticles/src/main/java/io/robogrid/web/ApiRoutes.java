package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.core.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The only way to add a route to the API: each one says, where it is mounted, the least role that may call it, and
 * that role is checked by the route itself, on the route that runs (never on a path pattern, which a normalising
 * router can read differently). Authentication runs first for every request; a route mounted past this class has
 * no declared role, and {@link #finish} refuses to start a web node that has one.
 */
final class ApiRoutes {
  /** The route metadata key of a route's required role. */
  static final String ROLE = "robogrid.required-role";

  /** A declared route: its method, path (under {@code /api/v1}) and the least role it needs. */
  record Declared(HttpMethod method, String path, Role role) {}

  private final Router api;
  private final Route authentication;
  private final List<Declared> declared = new ArrayList<>();

  /** @param authenticate runs first for every API request: it finds who calls (or answers 401) and leaves the role in the context */
  ApiRoutes(Router api, Handler<RoutingContext> authenticate) {
    this.api = api;
    this.authentication = api.route().handler(authenticate);
  }

  /** Mounts {@code handler} on {@code method path}, for callers whose role allows {@code role}. */
  Route route(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
    declared.add(new Declared(method, path, role));
    return api.route(method, path).putMetadata(ROLE, role).handler(ctx -> authorize(ctx, method, path, role)).handler(handler);
  }

  /**
   * As {@link #route}, for a path with a ':' that is no parameter ({@code /jobs:batch}): matched literally, as a whole.
   */
  Route literal(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
    declared.add(new Declared(method, path, role));
    // named after its path: a regex route has no getPath(), and the name lets the route be read back as declared
    return api.routeWithRegex(method, java.util.regex.Pattern.quote(path)).setName(path).putMetadata(ROLE, role)
        .handler(ctx -> authorize(ctx, method, path, role)).handler(handler);
  }

  Route get(String path, Role role, Handler<RoutingContext> handler) {
    return route(HttpMethod.GET, path, role, handler);
  }

  Route post(String path, Role role, Handler<RoutingContext> handler) {
    return route(HttpMethod.POST, path, role, handler);
  }

  Route put(String path, Role role, Handler<RoutingContext> handler) {
    return route(HttpMethod.PUT, path, role, handler);
  }

  Route delete(String path, Role role, Handler<RoutingContext> handler) {
    return route(HttpMethod.DELETE, path, role, handler);
  }

  /** What is mounted, in order: the role model as the server has it. */
  List<Declared> declared() {
    return List.copyOf(declared);
  }

  /**
   * Ends the API: {@code failures} answers whatever went wrong in it. Then checks that every route of the API router
   * is authentication, that failure handler or a declared route: anything else would run without a role check.
   */
  void finish(Handler<RoutingContext> failures) {
    Route failure = api.route().failureHandler(failures);
    for (Route r : api.getRoutes()) {
      if (r == authentication || r == failure || r.getMetadata(ROLE) != null) continue;
      throw new IllegalStateException("API route " + r.methods() + " " + r.getPath() + " declares no role: mount it with ApiRoutes.route");
    }
  }

  /** Lets the call on only if authentication found a role that allows {@code needed}; 401 or 403 otherwise. */
  static void authorize(RoutingContext ctx, HttpMethod method, String path, Role needed) {
    Role role = ctx.get(Authentication.ROLE);
    if (role == null) {
      // authentication always leaves a role or answers: without one, nobody is let through
      ApiErrors.send(ctx, ErrorCode.UNAUTHORIZED, "this API needs a token: send 'Authorization: Bearer <token>'");
      return;
    }
    if (!role.allows(needed)) {
      String where = path.startsWith("/metrics") ? path : "/api/v1" + path;
      ApiErrors.send(ctx, ErrorCode.FORBIDDEN, "token '" + JobsApi.caller(ctx) + "' has role " + role.label() + "; " + method + " " + where
          + " needs " + needed.label() + (needed == Role.METRICS ? " or admin" : ""));
      return;
    }
    ctx.next();
  }
}
