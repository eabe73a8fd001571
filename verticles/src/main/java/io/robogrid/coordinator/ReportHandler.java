package io.robogrid.coordinator;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.jobs.JobEvents;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
import io.robogrid.store.JobEvent;
import io.robogrid.store.JobStore;
import io.robogrid.store.GroupCommit;
import io.robogrid.store.PathCacheStore;
import io.robogrid.store.ReportStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what runners report about their attempts, each write fenced by the attempt number, and publishes the
 * resulting events after the commit. Under load the writes of many reports share one transaction ({@link GroupCommit}),
 * each still fenced on its own. A report about an attempt that is no longer the job's live one fails with STALE_ATTEMPT.
 */
final class ReportHandler {
  private static final Logger log = LoggerFactory.getLogger(ReportHandler.class);
  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final Clock clock;
  private final EventBus bus;
  private final GoalPaths goals;
  /** Reports of many attempts share a commit under load; one alone goes out at once. */
  private final GroupCommit group;

  ReportHandler(JobStore store, GroupCommit group, JobLifecycle lifecycle, Clock clock, EventBus bus, GoalPaths goals) {
    this.goals = goals;
    this.group = group;
    this.store = store;
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.bus = bus;
  }

  Future<Void> handle(JsonObject r) {
    UUID job = UUID.fromString(r.getString("jobId"));
    int attempt = r.getInteger("attempt");
    Instant at = Instant.parse(r.getString("at"));
    Future<List<JobEvent>> write = switch (r.getString("type")) {
      // the reports every job sends: they share commits with other jobs' reports
      case Reports.STARTED, Reports.STEP_STARTED, Reports.STEP_FINISHED, Reports.STEP_LOG, Reports.STEP_EVENT, Reports.LEASE_TAKEN ->
          group.runStatement(job, c -> progress(store.reports().on(c), r, job, attempt, at));
      case Reports.FINISHED -> finished(job, attempt, Outcome.fromJson(r.getJsonObject("outcome")));
      // rare, or large (an artifact's bytes): each in a transaction of its own, as before
      case Reports.GOAL_PATH -> goals.record(r, job, at).map(List.<JobEvent>of());
      case Reports.ARTIFACT -> store.reports().artifact(job, attempt, r.getString("name"), r.getString("step"), r.getString("contentType"),
          java.util.Base64.getDecoder().decode(r.getString("data")), at);
      case Reports.SECRET_USED -> store.secrets().used(r.getString("name"), job, attempt, r.getString("step"), r.getString("node"), at)
          .map(List.<JobEvent>of());
      default -> Future.failedFuture(new IllegalArgumentException("unknown report type " + r.getString("type")));
    };
    return write.<Void>map(events -> {
      JobEvents.publish(bus, events);
      return null;
    }).recover(e -> rejected(r, job, attempt, e).transform(ignored -> Future.failedFuture(e)));
  }

  /**
   * Ends the attempt; a run that reached its goal teaches the path cache the selector alternatives that worked. The
   * cache only saves time: failing to write it is logged and changes nothing else.
   */
  private Future<List<JobEvent>> progress(ReportStore reports, JsonObject r, UUID job, int attempt, Instant at) {
    return switch (r.getString("type")) {
      case Reports.STARTED -> reports.markRunning(job, attempt, r.getString("node"), clock.instant());
      case Reports.STEP_STARTED -> reports.stepStarted(job, attempt, r.getString("step"), r.getInteger("tries"), at);
      case Reports.STEP_FINISHED -> reports.stepFinished(job, attempt, r.getString("step"), r.getString("state"), r.getInteger("tries"),
          r.getJsonObject("output"), r.getJsonObject("error"), r.getString("startedAt") == null ? null : Instant.parse(r.getString("startedAt")), at);
      case Reports.STEP_LOG -> reports.stepLog(job, attempt, r.getString("step"), r.getString("level"), r.getString("message"), at);
      case Reports.STEP_EVENT -> reports.stepEvent(job, attempt, r.getString("step"), r.getString("event"), r.getJsonObject("data"), at);
      case Reports.LEASE_TAKEN -> reports.leaseTaken(job, attempt, r.getString("resource"), r.getString("node"), at);
      default -> throw new IllegalStateException(r.getString("type"));
    };
  }

  /**
   * Ends the attempt (in a shared commit); a run that reached its goal then teaches the path cache the selector
   * alternatives that worked. The cache only saves time: failing to write it is logged and changes nothing else.
   */
  private Future<List<JobEvent>> finished(UUID job, int attempt, Outcome outcome) {
    Instant now = clock.instant();
    return group.run(job, c -> JobStore.transition(c, job, attempt, now, lifecycle.finish(outcome, now))).map(t -> {
      if (outcome.path() != null && !outcome.path().isEmpty() && t.job().state == io.robogrid.core.JobState.SUCCEEDED) {
        store.pathCache().record(PathCacheStore.robotKey(t.job().robot, t.job().workflow), outcome.path(), job, now)
            .onFailure(e -> log.atWarn().addKeyValue("job", job).log("path cache not updated: {}", e.getMessage()));
      }
      return t.events();
    });
  }

  /**
   * A late report from an attempt that was given up on (its node hung, then woke up; the job was cancelled) is
   * refused by attempt number, and the refusal logged as an event, so that the job's history shows it. The runner
   * stops the attempt at its first refusal and sends nothing more about it, so there is one such event per attempt.
   */
  private Future<Void> rejected(JsonObject r, UUID job, int attempt, Throwable e) {
    if (!(e instanceof RoboGridException re && re.code() == ErrorCode.STALE_ATTEMPT)) return Future.succeededFuture();
    String type = r.getString("type");
    log.atWarn().addKeyValue("job", job).log("refused a '{}' report of stale attempt {} from node {}", type, attempt, r.getString("node"));
    JsonObject data = new JsonObject().put("report", type).put("node", r.getString("node")).put("reason", e.getMessage());
    if (Reports.FINISHED.equals(type)) data.put("outcome", r.getJsonObject("outcome", new JsonObject()).getString("kind"));
    return store.reports().reportRejected(job, attempt, clock.instant(), data).map(ev -> {
      JobEvents.publish(bus, List.of(ev));
      return (Void) null;
    }).otherwiseEmpty();
  }
}
