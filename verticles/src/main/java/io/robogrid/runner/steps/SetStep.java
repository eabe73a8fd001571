package io.robogrid.runner.steps;

import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code set}: its (interpolated) {@code with} becomes its output, for later steps to read as {@code ${steps.<id>.output.x}}. */
public final class SetStep implements StepExecutor {
  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    return Future.succeededFuture(ctx.with().copy());
  }
}
