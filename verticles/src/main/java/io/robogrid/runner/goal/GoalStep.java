package io.robogrid.runner.goal;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.robogrid.runner.browser.BrowserJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code browser.goal} step: reaches a goal on a site by itself, in the job's browser slot. It asks the
 * coordinators for the path that reached this goal on this site before (level 0), builds the router of the levels the
 * step allows and this runner has (rules always; the local model unless switched off; a language model when one is
 * configured), runs the loop ({@link GoalRun}), and reports the path it took when it got there (or that the cached
 * one failed), so that the next run replays it.
 */
public final class GoalStep implements StepExecutor {
  private static final Logger log = LoggerFactory.getLogger(GoalStep.class);
  public static final String TYPE = "browser.goal";
  /** The type of the step event that carries a run's path to the coordinators (a report, not a stream event). */
  public static final String PATH_REPORT = "goal.path";
  private static final DeliveryOptions ASK = new DeliveryOptions().setSendTimeout(2_000);

  private final GoalOptions options;
  private final GoalModels models;
  private WorkerExecutor deciders;

  /** @param models the model levels this runner has (the local model, a language model) */
  public GoalStep(GoalOptions options, GoalModels models) {
    this.options = options;
    this.models = models;
  }

  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    BrowserJob job = ctx.browser();
    if (job == null) return Future.failedFuture(new StepFailure(ErrorClass.BAD_WORKFLOW, TYPE + " needs a browser: the job holds no browser slot"));
    GoalSpec spec = GoalSpec.from(ctx.with(), v -> isSecret(ctx, v));
    String site = BrowserJob.site(spec.startUrl());
    String goalKey = spec.normalisedGoal();
    Future<GoalPath> cached = spec.allows(Decider.Level.CACHE) ? cachedPath(ctx.vertx(), site, goalKey) : Future.succeededFuture(null);
    return Future.all(cached, models.forStep(ctx, spec)).compose(both -> {
      GoalPath path = cached.result();
      CacheDecider cache = path == null ? null : new CacheDecider(path);
      List<Decider> levels = new ArrayList<>();
      if (cache != null) levels.add(cache);
      if (spec.allows(Decider.Level.RULES)) levels.add(new RulesDecider());
      levels.addAll(both.<List<Decider>>resultAt(1));
      GoalRun run = new GoalRun(ctx, spec, new DecisionRouter(levels, options.thresholds()), cache, deciders(ctx.vertx()), options,
          job.goalMetrics());
      if (path != null) ctx.log().log("info", "replaying the cached path of this goal on " + site + " (" + path.steps().size() + " actions, "
          + path.successes() + " successes)");
      return run.run().andThen(ar -> finished(ctx, job, spec, site, goalKey, run, cache, ar.succeeded()))
          .map(out -> out.put("cache", cache == null ? "miss" : cache.completed() ? "replayed" : "partial")
              .put("timeSavedMs", savedMs(cache, run)));
    });
  }

  /** What the run taught the path cache, and the job's goal metrics. */
  private void finished(StepContext ctx, BrowserJob job, GoalSpec spec, String site, String goalKey, GoalRun run, CacheDecider cache, boolean reached) {
    job.goalMetrics().ran(reached, run.state().history().size(), cache != null, reached && cache != null && cache.completed(), reached ? savedMs(cache, run) : 0);
    if (reached) {
      ctx.events().event(PATH_REPORT, new JsonObject().put("site", site).put("goalKey", goalKey).put("goal", spec.goal()).put("outcome", "succeeded")
          .put("path", new JsonObject().put("steps", run.path()).put("runMs", run.tookMs())));
    } else if (cache != null && !ctx.cancellation().isCancelled()) {
      ctx.events().event(PATH_REPORT, new JsonObject().put("site", site).put("goalKey", goalKey).put("outcome", "failed"));
    }
  }

  private static long savedMs(CacheDecider cache, GoalRun run) {
    return cache == null || !cache.completed() ? 0 : Math.max(0, cache.path().firstRunMs() - run.tookMs());
  }

  /** The cached path of (site, goal), or null: none, or no coordinator answered in time (then the run decides afresh). */
  private static Future<GoalPath> cachedPath(Vertx vertx, String site, String goalKey) {
    return vertx.eventBus().<JsonObject>request(CoordinatorAddresses.GOAL_PATH, new JsonObject().put("site", site).put("goalKey", goalKey), ASK)
        .map(reply -> reply.body().getJsonObject("path") == null ? null : GoalPath.fromJson(reply.body().getJsonObject("path")))
        .recover(e -> {
          log.warn("no path cache for goal '{}' on {}: {}", goalKey, site, e.getMessage());
          return Future.succeededFuture(null);
        });
  }

  /** A data value came from a secret when the attempt's redaction changes it. */
  private static boolean isSecret(StepContext ctx, String value) {
    JsonObject probe = new JsonObject().put("v", value);
    return !ctx.redact().apply(probe.copy()).equals(probe);
  }

  /** Deciding may take a while (a model): a small pool of its own, so that it never holds up other blocking work. */
  private synchronized WorkerExecutor deciders(Vertx vertx) {
    if (deciders == null) deciders = vertx.createSharedWorkerExecutor("robogrid-goal-deciders", 4, 2, TimeUnit.MINUTES);
    return deciders;
  }
}
