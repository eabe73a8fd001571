package io.robogrid.runner;

import io.robogrid.coordinator.Reports;
import io.robogrid.core.JsonLimits;
import io.robogrid.core.JsonText;
import io.robogrid.secrets.Redactor;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one attempt's run reports, as the coordinators hear it: every step event, log line and artifact becomes a
 * report, sent in order from the runner's event loop, with the values of the secrets the attempt used taken out.
 */
final class AttemptListener implements WorkflowRun.Listener {
  private static final Logger log = LoggerFactory.getLogger(RunnerVerticle.class);
  /** An artifact crosses the event bus in one message: bigger ones are refused rather than clog it. */
  static final int MAX_ARTIFACT_BYTES = 8 << 20;

  private final Context runner;
  private final Thread eventLoop;
  private final String node;
  private final UUID jobId;
  private final int attempt;
  private final AttemptReporter reporter;
  private final Redactor redactor;
  private final Clock clock;

  /** @param runner the runner's context, whose event loop is {@code eventLoop} */
  AttemptListener(Context runner, Thread eventLoop, String node, UUID jobId, int attempt, AttemptReporter reporter, Redactor redactor, Clock clock) {
    this.runner = runner;
    this.eventLoop = eventLoop;
    this.node = node;
    this.jobId = jobId;
    this.attempt = attempt;
    this.reporter = reporter;
    this.redactor = redactor;
    this.clock = clock;
  }

  @Override
  public void stepStarted(String step, int tries, Instant at) {
    send(Reports.stepStarted(node, jobId, attempt, step, tries, at));
  }

  @Override
  public void stepFinished(String step, String state, int tries, JsonObject output, JsonObject error, Instant startedAt, Instant at) {
    send(Reports.stepFinished(node, jobId, attempt, step, state, tries, bounded(JsonText.withoutNul(redactor.redact(output))),
        bounded(JsonText.withoutNul(redactor.redact(error))), startedAt, at));
  }

  @Override
  public void artifact(String step, String name, String contentType, byte[] data) {
    if (data.length > MAX_ARTIFACT_BYTES) {
      log.atWarn().addKeyValue("job", jobId).log("artifact {} of step {} not kept: {} bytes, more than {}", name, step, data.length, MAX_ARTIFACT_BYTES);
      return;
    }
    send(Reports.artifact(node, jobId, attempt, step, name, contentType, data, clock.instant()));
  }

  @Override
  public void stepEvent(String step, String type, JsonObject data) {
    JsonObject clean = bounded(JsonText.withoutNul(redactor.redact(data)));
    if (io.robogrid.runner.goal.GoalStep.PATH_REPORT.equals(type)) { // for the coordinators' path cache, not for the stream
      send(Reports.goalPath(node, jobId, attempt, clean.getString("site"), clean.getString("goalKey"), clean.getString("goal"),
          clean.getString("outcome"), clean.getJsonObject("path"), clock.instant()));
      return;
    }
    send(Reports.stepEvent(node, jobId, attempt, step, type, clean, clock.instant()));
  }

  @Override
  public void stepLog(String step, String level, String raw) {
    String message = redactor.redact(raw);
    var event = switch (level) {
      case "error" -> log.atError();
      case "warn" -> log.atWarn();
      case "debug" -> log.atDebug();
      default -> log.atInfo();
    };
    event.addKeyValue("job", jobId).addKeyValue("step", step).log(message);
    send(Reports.stepLog(node, jobId, attempt, step, level, JsonText.withoutNul(message), clock.instant()));
  }

  /**
   * What a step produced, kept within what the grid stores ({@link JsonLimits#STORED}): a site's JSON nested deeper is
   * cut at that depth, and a value too large even then is replaced by a note saying so. Refused at the coordinator
   * instead, the step's end would be lost; stored, every answer that shows it would be too.
   */
  static JsonObject bounded(JsonObject value) {
    if (value == null) return null;
    String problem = JsonLimits.STORED.problem(value);
    if (problem == null) return value;
    Object cut = JsonLimits.cut(value, JsonLimits.STORED.maxDepth() - 1);
    if (cut instanceof JsonObject o && JsonLimits.STORED.problem(o) == null) return o.put("_cut", "nested more than " + JsonLimits.STORED.maxDepth() + " levels: cut");
    return new JsonObject().put("_cut", "not kept: " + problem);
  }

  /**
   * Sends a report in order with the others. A browser slot's or a desktop's thread reports too: from there it goes
   * through the runner's event loop (compared by thread: callbacks on the loop often run on a duplicate of the
   * runner's context, and must not be deferred behind the attempt's final report).
   */
  void send(JsonObject report) {
    if (Thread.currentThread() == eventLoop) reporter.send(report);
    else runner.runOnContext(v -> reporter.send(report));
  }
}
