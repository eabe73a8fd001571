package io.robogrid.runner.goal;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.browser.BrowserSession;
import io.robogrid.runner.steps.BrowserStep;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One goal run, an action per iteration: read the page, stop if the goal indicators hold, ask the router for the next
 * action, carry it out with the ordinary browser steps (so their recovery applies: modals closed, logins, rate
 * limits), let the page settle, and go round again. It ends when the indicators hold (the output says how it got
 * there), or with MAX_STEPS_EXCEEDED, LOOP_DETECTED (the same page state a third time), GAVE_UP, BUDGET_EXCEEDED,
 * an unrecoverable error of the site (SITE_DOWN, ACCESS_DENIED, INVALID_URL), a crashed browser, or the step's timeout.
 * Each iteration is a {@code goal.decision} event. Page work runs on the slot's thread, deciding on a worker.
 */
final class GoalRun {
  /** Classes an action's failure ends the run with: trying something else on the page cannot help. */
  private static final Set<ErrorClass> FATAL = Set.of(ErrorClass.SITE_DOWN, ErrorClass.ACCESS_DENIED, ErrorClass.INVALID_URL,
      ErrorClass.BROWSER_CRASHED, ErrorClass.MAX_STEPS_EXCEEDED, ErrorClass.CANCELLED);
  // not LOOP_DETECTED: a browser step's own check (three unchanged pages in a row) is too strict for a run that tries
  // things on purpose; the run's own (a state seen three times, and no action tried twice on one state) decides
  static final int LOOP_LIMIT = 3;

  private final StepContext ctx;
  private final GoalSpec spec;
  private final DecisionRouter router;
  private final CacheDecider cache;
  private final WorkerExecutor deciders;
  private final GoalOptions options;
  private final GoalMetrics metrics;
  private final GoalState state;
  private final Map<Integer, Integer> seen = new HashMap<>();
  private final Map<Decider.Level, Integer> byLevel = new java.util.EnumMap<>(Decider.Level.class);
  private final JsonArray path = new JsonArray();
  /** The last click or key press, until the next reading shows whether it changed the page (one that did not is no part of the way). */
  private JsonObject pendingStep;
  private int pendingBefore;
  private final long t0 = System.nanoTime();

  GoalRun(StepContext ctx, GoalSpec spec, DecisionRouter router, CacheDecider cache, WorkerExecutor deciders, GoalOptions options, GoalMetrics metrics) {
    this.ctx = ctx;
    this.spec = spec;
    this.router = router;
    this.cache = cache;
    this.deciders = deciders;
    this.options = options;
    this.metrics = metrics;
    this.state = new GoalState(spec);
  }

  /** The actions that reached the goal, as the path cache keeps them (once the run succeeded). */
  JsonArray path() {
    return path;
  }

  long tookMs() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  Future<JsonObject> run() {
    return browserAction(BrowserStep.Action.GOTO, new JsonObject().put("url", spec.startUrl()))
        .compose(v -> settle())
        .compose(v -> loop())
        .andThen(ar -> keepLog(ar.succeeded()));
  }

  private Future<JsonObject> loop() {
    if (ctx.cancellation().isCancelled()) return Future.failedFuture(new StepFailure(ErrorClass.CANCELLED, ctx.cancellation().reason()));
    return onSlot(page -> {
      PageDigest digest = PageDigest.read(page);
      return Map.entry(digest, BrowserStep.holdsNow(page, spec.success()));
    }).compose(read -> {
      PageDigest digest = read.getKey();
      if (pendingStep != null && digest.fingerprint() != pendingBefore) path.add(pendingStep);
      pendingStep = null;
      state.onPage(digest);
      if (read.getValue()) return Future.succeededFuture(reached(digest));
      if (seen.merge(digest.fingerprint(), 1, Integer::sum) >= LOOP_LIMIT) {
        return Future.failedFuture(new StepFailure(ErrorClass.LOOP_DETECTED, "the page came back to the same state " + LOOP_LIMIT + " times ("
            + digest.url() + "): the run is going round in circles"));
      }
      if (state.history().size() >= spec.maxSteps()) {
        return Future.failedFuture(new StepFailure(ErrorClass.MAX_STEPS_EXCEEDED, "the goal was not reached in " + spec.maxSteps()
            + " actions (maxSteps); last page " + digest.url()));
      }
      return deciders.<DecisionRouter.Routed>executeBlocking(() -> router.decide(state), false).compose(this::act).compose(v -> loop());
    });
  }

  /** Carries out one decision and records how it went; fails the run only when going on cannot help. */
  private Future<Void> act(DecisionRouter.Routed routed) {
    Decision d = routed.decision();
    int step = state.nextStep();
    long decideMs = routed.costs().stream().mapToLong(Decision.Cost::ms).sum();
    metrics.decided(d.level(), routed.usd(), decideMs);
    byLevel.merge(d.level(), 1, Integer::sum);
    if (d.action() == Decision.Action.GIVE_UP) {
      state.record(d, false, null);
      emit(step, d, routed, true, null);
      return Future.failedFuture(new StepFailure(ErrorClass.GAVE_UP, "the " + d.level().label() + " level gave up: " + d.reason()));
    }
    if (d.action() == Decision.Action.DONE) {
      state.record(d, true, null);
      state.note("after step " + step + " the " + d.level().label() + " level said the goal was reached, but its indicators do not hold: "
          + spec.success().encode());
      emit(step, d, routed, true, null);
      return Future.succeededFuture();
    }
    return execute(d).transform(ar -> {
      boolean ok = ar.succeeded();
      StepFailure failure = ok ? null : StepFailure.of(ar.cause());
      String error = failure == null ? null : failure.errorClass() + ": " + failure.getMessage();
      state.record(d, ok, error);
      if (d.level() == Decider.Level.CACHE && cache != null) cache.outcome(ok);
      if (ok && (d.action() == Decision.Action.CLICK || d.action() == Decision.Action.PRESS)) {
        pendingStep = GoalPath.step(d); // kept if the page changed: a click that did nothing would only slow replays down
        pendingBefore = state.page().fingerprint();
      } else if (ok) {
        path.add(GoalPath.step(d)); // what was typed or picked is kept even when the page showed it already: the next data may differ
      }
      emit(step, d, routed, ok, error);
      if (!ok && (FATAL.contains(failure.errorClass()) || ctx.cancellation().isCancelled())) return Future.failedFuture(failure);
      return settle();
    });
  }

  /** The decision as ordinary browser steps: the element by its reference on the page read just now. */
  private Future<JsonObject> execute(Decision d) {
    String target = d.target() == null ? null : "[data-robogrid-ref=\"" + d.target().ref() + "\"]";
    String typed = d.value() != null ? d.value() : d.dataKey() == null ? null : spec.data().get(d.dataKey());
    return switch (d.action()) {
      case CLICK -> browserAction(BrowserStep.Action.CLICK, new JsonObject().put("selector", target));
      case FILL -> browserAction(BrowserStep.Action.FILL, new JsonObject().put("selector", target).put("value", typed == null ? "" : typed));
      case SELECT -> browserAction(BrowserStep.Action.SELECT, new JsonObject().put("selector", target).put("value", option(d.target(), typed)));
      // a box styled away is ticked by clicking its label, as a person does
      case CHECK -> "label".equals(d.target().tag()) ? browserAction(BrowserStep.Action.CLICK, new JsonObject().put("selector", target))
          : browserAction(BrowserStep.Action.CHECK, new JsonObject().put("selector", target));
      case PRESS -> browserAction(BrowserStep.Action.PRESS, new JsonObject().put("selector", target == null ? "body" : target)
          .put("key", d.key() == null ? "Enter" : d.key()));
      case GOTO -> browserAction(BrowserStep.Action.GOTO, new JsonObject().put("url", d.url()));
      case DONE, GIVE_UP -> Future.succeededFuture(new JsonObject());
    };
  }

  /** The option of a list that a data value names: the same text, or one that contains it. */
  private static String option(Element list, String value) {
    if (list == null || value == null) return value;
    return list.options().stream().filter(o -> o.equalsIgnoreCase(value)).findFirst()
        .or(() -> list.options().stream().filter(o -> o.toLowerCase().contains(value.toLowerCase())).findFirst()).orElse(value);
  }

  private Future<JsonObject> browserAction(BrowserStep.Action action, JsonObject with) {
    String page = ctx.with().getString("page");
    if (page != null) with.put("page", page);
    return new BrowserStep(action).execute(ctx.withParameters(with));
  }

  private Future<Void> settle() {
    return onSlot(page -> {
      PageDigest.settle(page, options.settleQuiet().toMillis(), options.settleMax().toMillis());
      return (Void) null;
    });
  }

  private <T> Future<T> onSlot(java.util.function.Function<com.microsoft.playwright.Page, T> work) {
    BrowserSession session = ctx.browser().session();
    String page = ctx.with().getString("page");
    return session.call(ctx.vertx(), () -> work.apply(session.page(page)));
  }

  private JsonObject reached(PageDigest digest) {
    JsonObject levels = new JsonObject();
    byLevel.forEach((l, n) -> levels.put(l.label(), n));
    return new JsonObject().put("reached", true).put("url", digest.url()).put("steps", state.history().size()).put("decisions", levels)
        .put("costUsd", Costs.round(state.spentUsd())).put("ms", tookMs());
  }

  private void emit(int step, Decision d, DecisionRouter.Routed routed, boolean ok, String error) {
    Decision.Cost cost = d.cost() == null ? Decision.Cost.free(0) : d.cost();
    JsonObject e = d.toJson().put("stepNumber", step).put("ok", ok).put("ms", routed.costs().stream().mapToLong(Decision.Cost::ms).sum())
        .put("costUsd", Costs.exact(routed.usd())).put("totalCostUsd", Costs.round(state.spentUsd()));
    if (cost.provider() != null) e.put("provider", cost.provider()).put("model", cost.model());
    if (cost.tokensIn() > 0 || cost.tokensOut() > 0) e.put("tokensIn", cost.tokensIn()).put("tokensOut", cost.tokensOut());
    if (error != null) e.put("error", error);
    if (state.page() != null) e.put("url", state.page().url());
    ctx.events().event(io.robogrid.store.JobEvent.GOAL_DECISION, e);
  }

  /** The decision log, kept with the job however the run ended (a person reviewing a give-up reads it first). */
  private void keepLog(boolean reachedGoal) {
    JsonObject log = new JsonObject().put("goal", spec.goal()).put("startUrl", spec.startUrl()).put("success", spec.success())
        .put("data", spec.shownData()).put("reached", reachedGoal).put("spentUsd", Costs.round(state.spentUsd()))
        .put("levels", new JsonArray(router.levels().stream().map(Decider.Level::label).toList())).put("decisions", state.log())
        .put("notes", new JsonArray(state.notes()));
    String name = StepContext.failurePrefix(ctx.stepId(), ctx.attempt(), ctx.tries()).replace("-failure", "") + "-decisions.json";
    ctx.artifacts().save(name, "application/json", log.encodePrettily().getBytes(StandardCharsets.UTF_8));
  }

  GoalState state() {
    return state;
  }
}
