package io.robogrid.runner.steps;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.RunnerAddresses;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.robogrid.store.AgentStore;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code agent}: offers the step's work ({@code with.capability} and the other fields as parameters) to pull-mode
 * agents and waits, holding no thread, until one reports a {@code result} (the step's output) or an {@code error}
 * (a failure of class {@code AGENT_ERROR}, or the class the agent names, retried under the step's policy). Claims,
 * lost claims, progress and log lines the agent sends become the step's log. The step's news comes from the web node
 * that took the agent's report; a check every few seconds reads the stored state in case a message was lost. A step
 * cancelled or timed out withdraws its offer, so a late report is refused.
 *
 * <p>One instance per runner, used on its event loop only.
 */
public final class AgentStep implements StepExecutor {
  private static final long CHECK_MS = 5_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(10_000);
  /** The reason of a step whose capability no agent asks for (agents.unreachableAfter). */
  public static final String UNREACHABLE = "AGENT_UNREACHABLE";

  private final String node;
  /** The steps waiting here, by their work's key. */
  private final Map<AgentStore.Key, Consumer<JsonObject>> waiting = new HashMap<>();
  private Future<Void> listening;

  public AgentStep(String node) {
    this.node = node;
  }

  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    // a secret cannot be named here (refused at submission), but one may come in through an earlier step's output
    JsonObject parameters = ctx.redact().apply(ctx.with().copy());
    Object cap = parameters.remove("capability");
    if (!(cap instanceof String capability) || !StepCatalog.CAPABILITY.matcher(capability).matches()) {
      return Future.failedFuture(new StepFailure(ErrorClass.BAD_WORKFLOW, "capability: '" + cap + "' is not a capability name"));
    }
    Vertx vertx = ctx.vertx();
    AgentStore.Key key = new AgentStore.Key(ctx.jobId(), ctx.attempt(), ctx.stepId(), ctx.tries());
    Promise<JsonObject> done = Promise.promise();
    Blocking blocking = new Blocking(ctx, done);
    waiting.put(key, news -> news(ctx, news, done, blocking));
    listen(vertx)
        .compose(v -> vertx.eventBus().<JsonObject>request(CoordinatorAddresses.AGENT_OFFER,
            key.toJson().put("capability", capability).put("parameters", parameters).put("node", node), REQUEST))
        .onSuccess(v -> ctx.log().log("info", "waiting for an agent offering '" + capability + "'"))
        .onFailure(e -> done.tryFail(new StepFailure(ErrorClass.UNKNOWN, "the work could not be offered to agents: " + e.getMessage())));
    long checker = vertx.setPeriodic(CHECK_MS, t -> check(vertx, key, ctx, done, blocking));
    ctx.cancellation().onCancel(() -> done.tryFail(new StepFailure(ErrorClass.CANCELLED, ctx.cancellation().reason())));
    done.future().onComplete(ar -> {
      waiting.remove(key);
      vertx.cancelTimer(checker);
      // a try that ends blocked (cancelled, timed out, past its maxWait) leaves its job blocked no longer
      blocking.unblock(ar.succeeded() ? "the agent reported its result" : "the step ended: " + ar.cause().getMessage());
      if (ar.failed() && !(ar.cause() instanceof AgentFailure)) {
        vertx.eventBus().send(CoordinatorAddresses.AGENT_WITHDRAW, key.toJson().put("reason", ar.cause().getMessage()));
      }
    });
    return done.future();
  }

  /** The runner's inbox for agent news, opened on first use (on the runner's context, like every call here). */
  private Future<Void> listen(Vertx vertx) {
    if (listening == null) {
      listening = vertx.eventBus().<JsonObject>consumer(RunnerAddresses.agent(node), this::deliver).completion();
      listening.onFailure(e -> listening = null);
    }
    return listening;
  }

  private void deliver(Message<JsonObject> m) {
    try {
      Consumer<JsonObject> to = waiting.get(AgentStore.Key.fromJson(m.body()));
      if (to != null) to.accept(m.body());
    } catch (RuntimeException e) {
      // news about work nobody here waits for any more (or malformed): nothing to do
    }
  }

  /** Reads the stored state of the work: a result whose message was lost still ends the step, and so does a withdrawal. */
  private void check(Vertx vertx, AgentStore.Key key, StepContext ctx, Promise<JsonObject> done, Blocking blocking) {
    vertx.eventBus().<JsonObject>request(CoordinatorAddresses.AGENT_CHECK, key.toJson(), REQUEST).onSuccess(reply -> {
      JsonObject w = reply.body();
      String state = w.getString("state");
      if (AgentStore.DONE.equals(state) && w.getJsonObject("outcome") != null) {
        news(ctx, w.getJsonObject("outcome").copy().put("agent", w.getString("agent")).put("attempt", w.getInteger("attempt")), done, blocking);
      } else if (AgentStore.WITHDRAWN.equals(state)) {
        JsonObject why = w.getJsonObject("outcome", new JsonObject());
        done.tryFail(new StepFailure(ErrorClass.UNKNOWN, "the agent work was withdrawn: " + why.getString("withdrawn", "unknown reason")));
      }
    }); // no answer: the next check asks again
  }

  private void news(StepContext ctx, JsonObject news, Promise<JsonObject> done, Blocking blocking) {
    if (done.future().isComplete()) return;
    String agent = "agent " + news.getString("agent", "?");
    int attempt = news.getInteger("attempt", 0);
    String message = news.getString("message");
    switch (news.getString("type", "")) {
      case "claimed" -> {
        ctx.log().log("info", agent + " claimed the work (attempt " + attempt + ")");
        if (blocking.unreachable()) blocking.unblock(agent + " claimed the work");
      }
      case "lost" -> {
        ctx.log().log("warn", agent + " lost its claim (attempt " + attempt + "): no heartbeat in time; the work is offered again");
        blocking.unblock(agent + " lost its claim"); // what it waited for went with it; the work waits for an agent again
      }
      case "progress" -> {
        ctx.log().log("info", agent + " progress" + (news.getValue("output") == null ? "" : " " + news.getValue("output"))
            + (message == null ? "" : ": " + message));
        blocking.unblock(agent + " reported progress");
      }
      case "blocked" -> blocking.blockedByAgent(news.getString("agent", "?"), news.getString("reason"), message, news.getString("until"));
      case "unreachable" -> blocking.unreachable(news.getString("capability"), news.getLong("afterMs", 0L));
      case "log" -> ctx.log().log(news.getString("level", "info"), agent + ": " + message);
      case "result" -> done.tryComplete(news.getJsonObject("output", new JsonObject()));
      case "error" -> {
        ErrorClass cls = ErrorClass.fromName(news.getString("errorClass"));
        done.tryFail(new AgentFailure(cls == null ? ErrorClass.AGENT_ERROR : cls,
            agent + " reported an error (attempt " + attempt + "): " + (message == null ? "no message" : message)));
      }
      default -> { } // a kind of news this runner does not know: nothing to do
    }
  }

  /**
   * Whether this try's job shows as blocked, and why. An agent's {@code blocked} report holds the step's own timeout
   * (its {@code maxWait} bounds the wait instead: past it the step fails with BLOCKED_TOO_LONG); work no agent asks
   * for is shown blocked as AGENT_UNREACHABLE but keeps its timeout. Progress, a result, an error, a lost claim (and,
   * for AGENT_UNREACHABLE, a claim) end it. Each change goes to the job as a {@code job.blocked} or {@code job.unblocked}
   * event, which sets or clears the job's {@code blocked}.
   */
  private static final class Blocking {
    private final StepContext ctx;
    private final Promise<JsonObject> done;
    private JsonObject blocked;
    private long maxWaitTimer = -1;

    Blocking(StepContext ctx, Promise<JsonObject> done) {
      this.ctx = ctx;
      this.done = done;
    }

    boolean unreachable() {
      return blocked != null && UNREACHABLE.equals(blocked.getString("reason"));
    }

    void blockedByAgent(String agent, String reason, String message, String until) {
      if (reason == null || done.future().isComplete()) return;
      if (blocked != null && reason.equals(blocked.getString("reason")) && java.util.Objects.equals(until, blocked.getString("until"))) return;
      String since = blocked != null && !unreachable() ? blocked.getString("since") : java.time.Instant.now().toString();
      JsonObject b = new JsonObject().put("reason", reason).put("since", since).put("until", until).put("agent", agent);
      if (message != null) b.put("message", message);
      cancelMaxWait();
      ctx.timeout().hold();
      if (until != null) {
        long ms = java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse(until)).toMillis();
        maxWaitTimer = ctx.vertx().setTimer(Math.max(1, ms), t -> done.tryFail(new StepFailure(ErrorClass.BLOCKED_TOO_LONG,
            "agent " + agent + " reported the step blocked (" + reason + ") since " + since + " and it did not go on before " + until)));
      }
      ctx.log().log("warn", "agent " + agent + " is blocked: " + reason + (until == null ? "" : " (waiting until " + until + " at most)"));
      set(b);
    }

    void unreachable(String capability, long afterMs) {
      if (blocked != null || done.future().isComplete()) return; // an agent's own report says more
      String message = "no agent offering '" + capability + "' has asked for work for " + java.time.Duration.ofMillis(afterMs).toMinutes() + " min";
      ctx.log().log("warn", "blocked: " + message);
      set(new JsonObject().put("reason", UNREACHABLE).put("message", message).put("since", java.time.Instant.now().toString()).put("capability", capability));
    }

    void unblock(String by) {
      if (blocked == null) return;
      cancelMaxWait();
      JsonObject was = blocked;
      blocked = null;
      if (!done.future().isComplete()) {
        if (!UNREACHABLE.equals(was.getString("reason"))) ctx.timeout().restart();
        ctx.log().log("info", "no longer blocked: " + by);
      }
      ctx.events().event(io.robogrid.store.JobEvent.JOB_UNBLOCKED, new JsonObject().put("reason", was.getString("reason"))
          .put("since", was.getString("since")).put("by", by));
    }

    private void set(JsonObject b) {
      blocked = b;
      ctx.events().event(io.robogrid.store.JobEvent.JOB_BLOCKED, b.copy());
    }

    private void cancelMaxWait() {
      if (maxWaitTimer >= 0) ctx.vertx().cancelTimer(maxWaitTimer);
      maxWaitTimer = -1;
    }
  }

  /** A failure the agent reported: its work is done, so there is no offer to withdraw. */
  private static final class AgentFailure extends StepFailure {
    AgentFailure(ErrorClass cls, String message) {
      super(cls, message);
    }
  }
}
