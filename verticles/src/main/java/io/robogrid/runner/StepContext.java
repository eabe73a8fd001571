package io.robogrid.runner;

import io.robogrid.runner.browser.BrowserJob;
import io.robogrid.runner.desktop.DesktopJob;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What a step executor gets for one try of one step.
 *
 * @param with the step's parameters, placeholders already resolved
 * @param tries which try of this step this is, from 1
 * @param log where the step's own log lines go (the node log and the job's event stream)
 * @param browser the job's browser (context, pages, path cache, recoveries), or null when the job leased no browser slot
 * @param artifacts where the step leaves files for the job (screenshots, page HTML)
 * @param budget the attempt's bound on executions ({@code maxSteps}): a step that acts more than once spends from it
 * @param resolver resolves the placeholders of parameters the step runs besides its own (a login sub-flow's steps)
 * @param desktops the desktops the job holds, by name (empty when it leased none)
 * @param redact takes the values of the secrets the attempt used out of JSON that leaves the runner other than through
 *     its reports (which are redacted anyway): what an agent step hands to an agent
 * @param events where a step sends events of its own to the job's stream (a goal run's decisions)
 * @param secrets fetches a secret the step's workflow does not name but the runner's configuration does (a language
 *     model's key): decrypted here, taken out of every report from then on, its use audited
 * @param timeout the step's own {@code timeout}, which a step waiting on a person may hold (an agent's blocked report
 *     gives its own {@code maxWait} instead)
 */
public record StepContext(Vertx vertx, UUID jobId, int attempt, String stepId, String type, int tries, JsonObject with,
                          Cancellation cancellation, StepLog log, BrowserJob browser, Artifacts artifacts, StepBudget budget,
                          java.util.function.UnaryOperator<JsonObject> resolver, java.util.Map<String, DesktopJob> desktops,
                          java.util.function.UnaryOperator<JsonObject> redact, StepEvents events, SecretAccess secrets,
                          StepTimeout timeout) {

  /** The same try with other parameters: a step that runs another step's action on its behalf (a goal run's click). */
  public StepContext withParameters(JsonObject parameters) {
    return new StepContext(vertx, jobId, attempt, stepId, type, tries, parameters, cancellation, log, browser, artifacts, budget, resolver,
        desktops, redact, events, secrets, timeout);
  }

  /** The step's own time limit, held while it waits on something outside the grid; the job's timeout still runs. */
  public interface StepTimeout {
    /** Stops the step's timer (nothing happens without one). */
    void hold();

    /** Starts the step's timer again, from now and in full: the step's time is for its work, not for the wait. */
    void restart();

    StepTimeout NONE = new StepTimeout() {
      @Override
      public void hold() {}

      @Override
      public void restart() {}
    };
  }

  @FunctionalInterface
  public interface SecretAccess {
    io.vertx.core.Future<String> fetch(String name);
  }

  @FunctionalInterface
  public interface StepEvents {
    void event(String type, JsonObject data);
  }

  /** The name of a file kept because this try failed ({@code <step>-attempt<n>-try<k>-failure.<extension>}). */
  public String failureArtifact(String extension) {
    return failurePrefix(stepId, attempt, tries) + "." + extension;
  }

  /** The name, without extension, of the files kept because try {@code tries} of a step failed. */
  public static String failurePrefix(String stepId, int attempt, int tries) {
    return stepId + "-attempt" + attempt + "-try" + tries + "-failure";
  }

  @FunctionalInterface
  public interface StepLog {
    void log(String level, String message);
  }

  @FunctionalInterface
  public interface Artifacts {
    void save(String name, String contentType, byte[] data);
  }
}
