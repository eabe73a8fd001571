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
    waiting.put(key, news -> news(ctx, news, done));
    listen(vertx)
        .compose(v -> vertx.eventBus().<JsonObject>request(CoordinatorAddresses.AGENT_OFFER,
            key.toJson().put("capability", capability).put("parameters", parameters).put("node", node), REQUEST))
        .onSuccess(v -> ctx.log().log("info", "waiting for an agent offering '" + capability + "'"))
        .onFailure(e -> done.tryFail(new StepFailure(ErrorClass.UNKNOWN, "the work could not be offered to agents: " + e.getMessage())));
    long checker = vertx.setPeriodic(CHECK_MS, t -> check(vertx, key, ctx, done));
    ctx.cancellation().onCancel(() -> done.tryFail(new StepFailure(ErrorClass.CANCELLED, ctx.cancellation().reason())));
    done.future().onComplete(ar -> {
      waiting.remove(key);
      vertx.cancelTimer(checker);
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
  private void check(Vertx vertx, AgentStore.Key key, StepContext ctx, Promise<JsonObject> done) {
    vertx.eventBus().<JsonObject>request(CoordinatorAddresses.AGENT_CHECK, key.toJson(), REQUEST).onSuccess(reply -> {
      JsonObject w = reply.body();
      String state = w.getString("state");
      if (AgentStore.DONE.equals(state) && w.getJsonObject("outcome") != null) {
        news(ctx, w.getJsonObject("outcome").copy().put("agent", w.getString("agent")).put("attempt", w.getInteger("attempt")), done);
      } else if (AgentStore.WITHDRAWN.equals(state)) {
        JsonObject why = w.getJsonObject("outcome", new JsonObject());
        done.tryFail(new StepFailure(ErrorClass.UNKNOWN, "the agent work was withdrawn: " + why.getString("withdrawn", "unknown reason")));
      }
    }); // no answer: the next check asks again
  }

  private void news(StepContext ctx, JsonObject news, Promise<JsonObject> done) {
    if (done.future().isComplete()) return;
    String agent = "agent " + news.getString("agent", "?");
    int attempt = news.getInteger("attempt", 0);
    String message = news.getString("message");
    switch (news.getString("type", "")) {
      case "claimed" -> ctx.log().log("info", agent + " claimed the work (attempt " + attempt + ")");
      case "lost" -> ctx.log().log("warn", agent + " lost its claim (attempt " + attempt + "): no heartbeat in time; the work is offered again");
      case "progress" -> ctx.log().log("info", agent + " progress" + (news.getValue("output") == null ? "" : " " + news.getValue("output"))
          + (message == null ? "" : ": " + message));
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

  /** A failure the agent reported: its work is done, so there is no offer to withdraw. */
  private static final class AgentFailure extends StepFailure {
    AgentFailure(ErrorClass cls, String message) {
      super(cls, message);
    }
  }
}
