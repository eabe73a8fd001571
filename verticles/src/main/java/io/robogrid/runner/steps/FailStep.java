package io.robogrid.runner.steps;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code fail}: fails with {@code message} and {@code errorClass} (default FAILED, unrecoverable). With {@code times: n}
 * it fails only its first n tries within an attempt and then succeeds: a stand-in for a flaky system when trying out retry policies.
 */
public final class FailStep implements StepExecutor {
  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    Integer times = ctx.with().getInteger("times");
    if (times != null && ctx.tries() > times) {
      return Future.succeededFuture(new JsonObject().put("failedTries", times));
    }
    ErrorClass cls = ErrorClass.fromName(ctx.with().getString("errorClass", "FAILED"));
    return Future.failedFuture(new StepFailure(cls == null ? ErrorClass.FAILED : cls, ctx.with().getString("message", "failed on purpose")));
  }
}
