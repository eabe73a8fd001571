package io.robogrid.runner;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Does one try of one step type and returns its output. Called on the runner's event loop: an executor that
 * blocks (a browser, a desktop) must hand its work to a worker thread. It fails with a
 * {@link io.robogrid.core.StepFailure} whose class decides retries, and stops its work when {@link StepContext#cancellation()} fires.
 */
@FunctionalInterface
public interface StepExecutor {
  Future<JsonObject> execute(StepContext ctx);
}
