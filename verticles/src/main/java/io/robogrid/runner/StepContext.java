package io.robogrid.runner;

import io.robogrid.runner.browser.BrowserSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What a step executor gets for one try of one step.
 *
 * @param with the step's parameters, placeholders already resolved
 * @param tries which try of this step this is, from 1
 * @param log where the step's own log lines go (the node log and the job's event stream)
 * @param browser the job's browser context and page, or null when the job leased no browser slot
 * @param artifacts where the step leaves files for the job (screenshots, page HTML)
 */
public record StepContext(Vertx vertx, UUID jobId, int attempt, String stepId, String type, int tries, JsonObject with,
                          Cancellation cancellation, StepLog log, BrowserSession browser, Artifacts artifacts) {

  @FunctionalInterface
  public interface StepLog {
    void log(String level, String message);
  }

  @FunctionalInterface
  public interface Artifacts {
    void save(String name, String contentType, byte[] data);
  }
}
