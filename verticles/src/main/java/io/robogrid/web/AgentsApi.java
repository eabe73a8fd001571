package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.core.Durations;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.RoboGridException;
import io.robogrid.runner.RunnerAddresses;
import io.robogrid.store.AgentStore;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The pull-mode agent endpoints. {@code GET /agents/{agentId}/work?capability=…&wait=…} long-polls for a piece of
 * work, {@code POST /agents/{agentId}/heartbeat} keeps the agent's claims, {@code POST /jobs/{id}/events} takes its
 * reports. Every report that the store accepts is passed on to the runner whose step waits for it.
 *
 * <p>A waiting request is woken when a coordinator announces open work for one of its capabilities, and looks again
 * every {@link #RECHECK_MS} in case an announcement was missed.
 */
final class AgentsApi {
  static final long RECHECK_MS = 2_000;
  private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  /** The operations whose bodies the OpenAPI document's schemas check ({@link RequestBodies}). */
  private static final String REPORT = "postJobsIdEvents", HEARTBEAT = "postAgentsAgentIdHeartbeat";
  /** The longest an agent may say its work waits (a person's answer, a batch window): beyond it, say so again. */
  static final Duration MAX_BLOCKED = Duration.ofDays(30);
  private static final int MAX_REASON = 500;
  /**
   * The classes an agent may give its error: what says something about the work. Those the grid keeps for itself
   * (a lost node, a cancel, a timeout, a rejection…) would tell a false story.
   */
  static final Set<ErrorClass> AGENT_CLASSES = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(ErrorClass.AGENT_ERROR,
      ErrorClass.ELEMENT_NOT_FOUND, ErrorClass.PAGE_TIMEOUT, ErrorClass.RATE_LIMITED, ErrorClass.HTTP_5XX, ErrorClass.CONNECTION_FAILED,
      ErrorClass.WINDOW_NOT_FOUND, ErrorClass.DESKTOP_ERROR, ErrorClass.UNKNOWN, ErrorClass.ACCESS_DENIED, ErrorClass.SITE_DOWN,
      ErrorClass.UNEXPECTED_STATUS, ErrorClass.INVALID_COORDINATES, ErrorClass.LAUNCH_FAILED, ErrorClass.FAILED));

  private final Vertx vertx;
  private final AgentStore store;
  private final AgentOptions options;
  private final Clock clock;
  /** The requests for work waiting here (used on this verticle's event loop only). */
  private final List<Waiter> waiters = new ArrayList<>();

  private final RequestBodies bodies;

  AgentsApi(Vertx vertx, AgentStore store, AgentOptions options, Clock clock, RequestBodies bodies) {
    this.bodies = bodies;
    this.vertx = vertx;
    this.store = store;
    this.options = options;
    this.clock = clock;
  }

  Future<Void> mount(ApiRoutes api) {
    api.get("/agents/:agentId/work", Role.AGENT, this::work);
    api.post("/agents/:agentId/heartbeat", Role.AGENT, ctx -> JobsApi.answer(ctx, 200, heartbeat(ctx)));
    api.post("/jobs/:id/events", Role.AGENT, ctx -> JobsApi.answer(ctx, 200, report(ctx)));
    vertx.setPeriodic(RECHECK_MS, t -> recheck());
    return vertx.eventBus().<JsonObject>consumer(CoordinatorAddresses.AGENT_WORK_OPEN, m -> {
      String capability = m.body().getString("capability");
      List.copyOf(waiters).stream().filter(w -> w.capabilities.contains(capability)).forEach(this::look);
    }).completion();
  }

  /**
   * Looks again for every waiting request, and keeps a long-waiting agent shown as connected (on every web node,
   * not only this one, which is why it is written down rather than known here).
   */
  private void recheck() {
    Instant now = clock.instant();
    for (Waiter w : List.copyOf(waiters)) {
      if (Duration.between(w.seenAt, now).compareTo(options.heartbeatTimeout().dividedBy(2)) > 0) {
        w.seenAt = now;
        store.seen(w.agent, w.capabilities, JobsApi.caller(w.ctx), now);
      }
      look(w);
    }
  }

  /** A request for work that found none yet. */
  private static final class Waiter {
    final RoutingContext ctx;
    final String agent;
    final List<String> capabilities;
    long timer;
    Instant seenAt;
    boolean looking;
    /** Woken while a look was under way: look again when it ends (the news may be newer than the look). */
    boolean again;
    boolean done;

    Waiter(RoutingContext ctx, String agent, List<String> capabilities) {
      this.ctx = ctx;
      this.agent = agent;
      this.capabilities = capabilities;
    }
  }

  private void work(RoutingContext ctx) {
    String agent = agentId(ctx);
    List<String> capabilities = capabilities(ctx);
    Duration wait = waitParam(ctx);
    Waiter w = new Waiter(ctx, agent, capabilities);
    w.seenAt = clock.instant();
    store.seen(agent, capabilities, JobsApi.caller(ctx), w.seenAt).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (!wait.isZero()) {
        waiters.add(w);
        w.timer = vertx.setTimer(wait.toMillis(), t -> end(w, true));
        ctx.response().closeHandler(v -> end(w, false));
      }
      look(w);
    });
  }

  /** Tries to claim work for a waiting request; without any, a request that does not wait is answered 204. */
  private void look(Waiter w) {
    if (w.done) return;
    if (w.looking) {
      w.again = true;
      return;
    }
    w.looking = true;
    Instant now = clock.instant();
    store.claim(w.agent, JobsApi.caller(w.ctx), w.capabilities, now, now.plus(options.heartbeatTimeout())).onComplete(ar -> {
      w.looking = false;
      if (ar.failed()) {
        end(w, false);
        if (!w.ctx.response().ended()) w.ctx.fail(ar.cause());
        return;
      }
      if (ar.result() != null) {
        handOut(w, ar.result());
      } else if (!waiters.contains(w)) {
        end(w, true);
      } else if (w.again) {
        w.again = false;
        look(w);
      }
    });
  }

  /** Gives the claimed work to the agent, or back to the store when the agent is gone. */
  private void handOut(Waiter w, AgentStore.Work work) {
    if (w.done || w.ctx.response().closed()) {
      release(work);
      end(w, false);
      return;
    }
    end(w, false);
    JsonObject body = work.forAgent().put("heartbeatTimeoutMs", options.heartbeatTimeout().toMillis());
    w.ctx.response().putHeader("content-type", "application/json").end(JobsApi.encode(body)).onComplete(ar -> {
      if (ar.failed()) {
        release(work);
        return;
      }
      vertx.eventBus().send(RunnerAddresses.agent(work.node()), work.key().toJson().put("type", "claimed").put("agent", w.agent)
          .put("attempt", work.handout()));
    });
  }

  /** Gives work whose answer never reached its agent back at once, and wakes the agents waiting for such work. */
  private void release(AgentStore.Work work) {
    store.release(work).onSuccess(v -> vertx.eventBus().publish(CoordinatorAddresses.AGENT_WORK_OPEN,
        new JsonObject().put("capability", work.capability())));
  }

  /** Ends a request's wait; {@code empty}: it is answered 204, there being no work (unless the agent went away). */
  private void end(Waiter w, boolean empty) {
    if (w.done) return;
    w.done = true;
    waiters.remove(w);
    vertx.cancelTimer(w.timer);
    if (empty && !w.ctx.response().closed() && !w.ctx.response().ended()) w.ctx.response().setStatusCode(204).end();
  }

  /**
   * Keeps the agent's claims: those listed in {@code {"claims": [{"jobId", "step", "attempt"}]}}, or all it holds
   * without a body. Listing them is what an agent that may restart under the same id should do: a claim of its
   * former life is then not kept alive by the new one.
   */
  private Future<JsonObject> heartbeat(RoutingContext ctx) {
    String agent = agentId(ctx);
    String text = ctx.body().asString();
    List<AgentStore.Held> only = null;
    if (text != null && !text.isBlank()) {
      JsonObject body = bodies.check(HEARTBEAT, JobsApi.body(ctx));
      if (body.getValue("claims") != null) only = held(body.getJsonArray("claims"));
    }
    Instant now = clock.instant();
    List<AgentStore.Held> listed = only;
    return store.seen(agent, List.of(), JobsApi.caller(ctx), now).compose(v -> store.keepAlive(agent, now.plus(options.heartbeatTimeout()), listed))
        .map(claims -> {
          JsonArray held = new JsonArray();
          claims.forEach(c -> held.add(new JsonObject().put("jobId", c.key().jobId().toString()).put("step", c.key().step())
              .put("attempt", c.handout()).put("claimExpiresAt", String.valueOf(c.expiresAt()))));
          return new JsonObject().put("agent", agent).put("claims", held).put("heartbeatTimeoutMs", options.heartbeatTimeout().toMillis());
        });
  }

  /** The claims a heartbeat names, its body already checked against the document. */
  private static List<AgentStore.Held> held(JsonArray list) {
    List<AgentStore.Held> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject c = list.getJsonObject(i);
      out.add(new AgentStore.Held(JobsApi.jobIdIn(c.getString("jobId"), "claims[" + i + "].jobId"), c.getString("step"), c.getInteger("attempt")));
    }
    return out;
  }

  /**
   * An agent's report: {@code {"type": "progress|log|result|error|blocked", "step", "attempt", "output", "message"}} (and
   * {@code level} for a log line, {@code errorClass} for an error, {@code reason} and {@code maxWait} for blocked). Any
   * report keeps the claim alive.
   */
  private Future<JsonObject> report(RoutingContext ctx) {
    UUID job = JobsApi.jobId(ctx);
    // fields, types, enums and lengths are the document's (AgentReport); which fields go with which type is checked here
    JsonObject body = bodies.check(REPORT, JobsApi.body(ctx));
    body.getMap().values().removeIf(java.util.Objects::isNull); // a null field is one left out
    String type = body.getString("type");
    String step = body.getString("step");
    int attempt = body.getInteger("attempt");
    Object output = body.getValue("output");
    if ("log".equals(type) && body.getValue("message") == null) throw RoboGridException.invalidRequest("message: a log report needs one");
    if (body.getValue("level") != null && !"log".equals(type)) throw RoboGridException.invalidRequest("level: only a log report has one");
    if (body.getValue("errorClass") != null && !"error".equals(type)) throw RoboGridException.invalidRequest("errorClass: only an error report has one");
    Instant now = clock.instant();
    Instant until = blocked(type, body, now);
    JsonObject outcome = body.copy();
    outcome.remove("step");
    outcome.remove("attempt");
    outcome.remove("maxWait");
    if (until != null) outcome.put("until", until.toString());
    if ("result".equals(type) && output == null) outcome.put("output", new JsonObject());
    return store.report(job, step, attempt, outcome, JobsApi.caller(ctx), now, now.plus(options.heartbeatTimeout())).map(work -> {
      vertx.eventBus().send(RunnerAddresses.agent(work.node()), work.key().toJson().mergeIn(outcome).put("agent", work.agent()).put("attempt", attempt));
      return new JsonObject().put("accepted", true).put("jobId", job.toString()).put("step", step).put("attempt", attempt)
          .put("state", work.state());
    });
  }

  /**
   * Checks a {@code blocked} report ({@code reason} required, {@code maxWait} optional) and gives the time it may
   * wait until (null: no bound but a cancel); {@code reason} and {@code maxWait} belong to a blocked report only.
   */
  private static Instant blocked(String type, JsonObject body, Instant now) {
    Object reason = body.getValue("reason"), maxWait = body.getValue("maxWait");
    if (!"blocked".equals(type)) {
      if (reason != null || maxWait != null) throw RoboGridException.invalidRequest("reason, maxWait: only a blocked report has them");
      return null;
    }
    if (!(reason instanceof String r) || r.isBlank() || r.length() > MAX_REASON) {
      throw RoboGridException.invalidRequest("reason: a blocked report says what it waits for, in 1 to " + MAX_REASON + " characters");
    }
    if (maxWait == null) return null;
    Duration d;
    try {
      d = maxWait instanceof String m ? Durations.parse(m) : null;
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_BLOCKED) > 0) {
      throw RoboGridException.invalidRequest("maxWait: '" + maxWait + "' must be a duration from 1s to 30d (\"2h\", \"3d\")");
    }
    return now.plus(d);
  }

  private static String agentId(RoutingContext ctx) {
    String id = ctx.pathParam("agentId");
    if (!AGENT_ID.matcher(id).matches()) {
      throw RoboGridException.invalidRequest("agentId: '" + id + "' must be 1 to 128 letters, digits, '.', '_', ':', '@' or '-'");
    }
    return id;
  }

  /** {@code capability} repeated or comma-separated: at least one. */
  private static List<String> capabilities(RoutingContext ctx) {
    Set<String> caps = new LinkedHashSet<>();
    for (String v : ctx.queryParams().getAll("capability")) {
      for (String c : v.split(",")) {
        c = c.strip();
        if (c.isEmpty()) continue;
        if (!StepCatalog.CAPABILITY.matcher(c).matches()) throw RoboGridException.invalidRequest("capability: '" + c + "' is not a capability name");
        caps.add(c);
      }
    }
    if (caps.isEmpty()) throw RoboGridException.invalidRequest("capability: name at least one (?capability=crm)");
    return List.copyOf(caps);
  }

  private Duration waitParam(RoutingContext ctx) {
    String s = Params.one(ctx, "wait");
    if (s == null || s.isBlank()) return Duration.ZERO;
    Duration d;
    try {
      d = s.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(s)) : Durations.parse(s);
    } catch (RuntimeException e) {
      throw RoboGridException.invalidRequest("wait: '" + s + "' is not a duration (30s, 1m)");
    }
    if (d.isNegative() || d.compareTo(options.maxWait()) > 0) {
      throw RoboGridException.invalidRequest("wait: must be from 0s to " + options.maxWait().toSeconds() + "s");
    }
    return d;
  }

  /** The agents seen lately for the cluster status: {@code connected} when heard from within the heartbeat timeout. */
  Future<JsonArray> agents() {
    Instant now = clock.instant();
    Instant connectedSince = now.minus(options.heartbeatTimeout());
    return store.agents(now.minus(Duration.ofHours(1))).map(list -> {
      for (Object o : list) {
        JsonObject a = (JsonObject) o;
        a.put("connected", !Instant.parse(a.getString("lastSeen")).isBefore(connectedSince));
      }
      return list;
    });
  }
}
