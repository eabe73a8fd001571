package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.robots.Robot;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.store.ScheduleStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /robots}: the robots this node knows, with their schedules as they stand (paused or not, the next fire time),
 * and pausing or resuming a schedule for the whole grid.
 */
final class RobotsApi {
  private final Supplier<RobotCatalog> robots;
  private final ScheduleStore schedules;
  private final Clock clock;
  private final io.vertx.core.eventbus.EventBus bus;

  RobotsApi(Supplier<RobotCatalog> robots, ScheduleStore schedules, Clock clock, io.vertx.core.eventbus.EventBus bus) {
    this.bus = bus;
    this.robots = robots;
    this.schedules = schedules;
    this.clock = clock;
  }

  void mount(ApiRoutes api) {
    api.get("/robots", Role.VIEWER, ctx -> JobsApi.answer(ctx, 200, schedules.all().map(states -> {
      JsonArray list = new JsonArray();
      robots.get().all().forEach(r -> list.add(describe(r, states)));
      return new JsonObject().put("robots", list);
    })));
    api.get("/robots/:name", Role.VIEWER, ctx -> {
      Robot r = robot(ctx.pathParam("name"));
      JobsApi.answer(ctx, 200, schedules.all().map(states -> describe(r, states)));
    });
    api.post("/robots/:name/schedule/pause", Role.OPERATOR, ctx -> JobsApi.answer(ctx, 200, pause(ctx.pathParam("name"), true)));
    api.post("/robots/:name/schedule/resume", Role.OPERATOR, ctx -> JobsApi.answer(ctx, 200, pause(ctx.pathParam("name"), false)));
    api.post("/config/reload", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, reload()));
  }

  /**
   * Every node re-reads its robot files. All well: 200 with each node's answer. A node refused its files (it keeps the
   * robots it runs with): 400 INVALID_WORKFLOW naming the node, the file and the field.
   */
  private Future<JsonObject> reload() {
    return bus.<JsonObject>request(io.robogrid.robots.RobotsVerticle.RELOAD_GRID, null, new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(15_000))
        .recover(e -> Future.failedFuture(new RoboGridException(ErrorCode.UNAVAILABLE, "no answer to the reload: " + e.getMessage())))
        .compose(m -> {
          JsonObject answer = m.body();
          if (answer.getBoolean("ok", false)) return Future.succeededFuture(answer);
          StringBuilder why = new StringBuilder();
          for (Object o : answer.getJsonArray("nodes", new JsonArray())) {
            JsonObject n = (JsonObject) o;
            if (!n.getBoolean("ok", false)) why.append(why.length() == 0 ? "" : "; ").append("node ").append(n.getString("node")).append(": ")
                .append(n.getString("problems"));
          }
          return Future.failedFuture(RoboGridException.invalidWorkflow(why + " (the robots running there stay as they were)"));
        });
  }

  private Robot robot(String name) {
    Robot r = robots.get().get(name);
    if (r == null) throw new RoboGridException(ErrorCode.UNKNOWN_ROBOT, "no robot named '" + name + "'");
    return r;
  }

  private Future<JsonObject> pause(String name, boolean paused) {
    Robot r = robot(name);
    if (r.schedule() == null) throw RoboGridException.invalidRequest("robot '" + name + "' has no schedule");
    return schedules.setPaused(name, paused, clock.instant()).compose(found -> found ? schedules.all().map(states -> describe(r, states))
        : Future.failedFuture(new RoboGridException(ErrorCode.UNAVAILABLE, "the schedule of '" + name + "' is not registered yet: try again in a second")));
  }

  /** The robot, and for a scheduled one {@code schedule.paused} and {@code schedule.nextFire} (null while paused). */
  private JsonObject describe(Robot r, Map<String, ScheduleStore.State> states) {
    JsonObject j = r.toJson();
    if (r.schedule() == null) return j;
    ScheduleStore.State st = states.get(r.name());
    boolean paused = st != null && st.paused();
    Instant now = clock.instant();
    Instant from = st != null && st.lastFire().isAfter(now) ? st.lastFire() : now;
    Instant next = paused ? null : r.schedule().nextAfter(from);
    j.getJsonObject("schedule").put("paused", paused).put("nextFire", next == null ? null : next.toString());
    return j;
  }
}
