package io.robogrid.runner.steps;

import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code log}: writes {@code message} at {@code level} (default info) to the node log and the job's event stream. */
public final class LogStep implements StepExecutor {
  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    String message = String.valueOf(ctx.with().getValue("message"));
    ctx.log().log(ctx.with().getString("level", "info"), message);
    return Future.succeededFuture(new JsonObject().put("message", message));
  }
}
