package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.store.CostStore;
import io.robogrid.store.GoalPathStore;
import io.vertx.core.json.JsonObject;
import io.robogrid.auth.Role;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What goal runs learnt and spent: the path cache ({@code GET /paths}, {@code DELETE /paths/{id}}, {@code DELETE
 * /paths?site=}) and the cost of their decisions per robot and for the grid ({@code GET /costs?robot=&since=}).
 */
final class GoalsApi {
  /** What {@code /costs} sums when no {@code since} is given. */
  static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  private final GoalPathStore paths;
  private final CostStore costs;
  private final Clock clock;

  GoalsApi(GoalPathStore paths, CostStore costs, Clock clock) {
    this.paths = paths;
    this.costs = costs;
    this.clock = clock;
  }

  /** Reading needs a viewer; forgetting a path an operator (it changes what the next run does, nothing else). */
  void mount(ApiRoutes api) {
    api.get("/paths", Role.VIEWER, ctx -> JobsApi.answer(ctx, 200, paths.list(blankToNull(Params.one(ctx, "site")),
        "true".equals(Params.one(ctx, "retired")), Params.intParam(ctx, "limit", 100, 1, 1000)).map(l -> new JsonObject().put("paths", l))));
    api.delete("/paths/:id", Role.OPERATOR, ctx -> JobsApi.answer(ctx, 200, paths.delete(pathId(ctx)).map(found -> {
      if (!found) throw new RoboGridException(ErrorCode.NOT_FOUND, "no cached path " + ctx.pathParam("id"));
      return new JsonObject().put("deleted", 1);
    })));
    api.delete("/paths", Role.OPERATOR, ctx -> JobsApi.answer(ctx, 200, paths.deleteAll(blankToNull(Params.one(ctx, "site")))
        .map(n -> new JsonObject().put("deleted", n))));
    api.get("/costs", Role.VIEWER, ctx -> JobsApi.answer(ctx, 200, costs.summary(since(ctx), blankToNull(Params.one(ctx, "robot")))));
  }

  private Instant since(RoutingContext ctx) {
    String s = Params.one(ctx, "since");
    if (s == null || s.isBlank()) return clock.instant().minus(DEFAULT_WINDOW);
    try {
      Instant at = Instant.parse(s);
      if (at.isBefore(Instant.parse("1970-01-01T00:00:00Z")) || at.isAfter(clock.instant().plus(Duration.ofDays(1)))) throw new DateTimeParseException("", s, 0);
      return at;
    } catch (DateTimeParseException e) {
      throw RoboGridException.invalidRequest("since: '" + s + "' is not an ISO-8601 instant like 2030-01-01T00:00:00Z");
    }
  }

  private static long pathId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new RoboGridException(ErrorCode.NOT_FOUND, "no cached path " + ctx.pathParam("id"));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
