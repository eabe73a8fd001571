package io.robogrid.runner.steps;

import io.robogrid.core.Durations;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** {@code wait}: waits {@code duration} on a timer (no thread held), and stops at once when cancelled. */
public final class WaitStep implements StepExecutor {
  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    Duration d;
    try {
      d = Durations.parse(String.valueOf(ctx.with().getValue("duration")));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new StepFailure(ErrorClass.BAD_WORKFLOW, "duration: " + e.getMessage()));
    }
    Promise<JsonObject> done = Promise.promise();
    long timer = ctx.vertx().setTimer(Math.max(1, d.toMillis()), t -> done.tryComplete(new JsonObject().put("waitedMs", d.toMillis())));
    ctx.cancellation().onCancel(() -> {
      ctx.vertx().cancelTimer(timer);
      done.tryFail(new StepFailure(ErrorClass.CANCELLED, ctx.cancellation().reason()));
    });
    return done.future();
  }
}
