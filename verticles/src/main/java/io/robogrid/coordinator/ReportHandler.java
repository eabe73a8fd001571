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
import io.vertx.sqlclient.SqlConnection;
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

  /** One report alone (the {@link CoordinatorAddresses#REPORT} address): its write, then its events. */
  Future<Void> handle(JsonObject r) {
    return write(r, new Link(null)).<Void>mapEmpty().recover(e -> rejected(r, e).transform(ignored -> Future.failedFuture(e)));
  }

  /** What became of a group: the first {@code accepted} reports are in; the next one failed with {@code failure}. */
  record GroupOutcome(int accepted, Throwable failure) {}

  /**
   * One attempt's reports in the order it sent them ({@link CoordinatorAddresses#REPORTS}). The usual ones (started,
   * step start and end, lease, finished) are queued for the shared commit all at once, so that a group costs one
   * commit, not one per report; each still applies only if the one before it did ({@link Chain}), so a group stops
   * at its first refusal exactly as reports sent one by one do. The rare ones (artifact, goal path, secret use) wait
   * for those before them and go alone. Never fails: the outcome says how far the group got.
   */
  Future<GroupOutcome> handleGroup(List<JsonObject> reports) {
    return from(reports, 0).recover(e -> Future.succeededFuture(new GroupOutcome(0, e)));
  }

  private Future<GroupOutcome> from(List<JsonObject> reports, int first) {
    if (first == reports.size()) return Future.succeededFuture(new GroupOutcome(first, null));
    int end = first;
    while (end < reports.size() && shared(reports.get(end))) end++;
    if (end == first) { // a rare one: alone, after everything before it
      return write(reports.get(first), new Link(null)).transform(ar -> ar.succeeded() ? from(reports, first + 1) : refused(reports, first, ar.cause()));
    }
    Chain chain = new Chain();
    List<Future<List<JobEvent>>> writes = new java.util.ArrayList<>(end - first);
    for (int i = first; i < end; i++) writes.add(write(reports.get(i), chain.next()));
    int last = end;
    return Future.join(writes).transform(ignored -> {
      for (int i = 0; i < writes.size(); i++) {
        if (writes.get(i).failed()) return refused(reports, first + i, writes.get(i).cause());
      }
      return from(reports, last);
    });
  }

  private Future<GroupOutcome> refused(List<JsonObject> reports, int index, Throwable e) {
    return rejected(reports.get(index), e).map(new GroupOutcome(index, e));
  }

  private static boolean shared(JsonObject r) {
    return switch (String.valueOf(r.getValue("type"))) {
      case Reports.STARTED, Reports.STEP_STARTED, Reports.STEP_FINISHED, Reports.STEP_LOG, Reports.STEP_EVENT, Reports.LEASE_TAKEN, Reports.FINISHED -> true;
      default -> false;
    };
  }

  /** Links the writes of a group, each to the one before it. */
  private static final class Chain {
    private Link last;

    Link next() {
      last = new Link(last);
      return last;
    }
  }

  /**
   * Lets a write of a group apply only if the one before it applied: a report refused as stale must not be followed
   * by the next one's write, as it was not when the runner waited for each answer. Set by each try of the write, so
   * that a batch sent again write by write ({@link GroupCommit}) decides again from the new tries; the writes of one
   * job run in order, so the one before has always been tried.
   */
  private static final class Link {
    private final Link before;
    private boolean failed;

    Link(Link before) {
      this.before = before;
    }

    <T> java.util.function.Function<SqlConnection, Future<T>> guard(java.util.function.Function<SqlConnection, Future<T>> work) {
      return c -> {
        if (before != null && before.failed) {
          failed = true;
          return Future.failedFuture(new RoboGridException(ErrorCode.INVALID_REQUEST, "not written: an earlier report of its group was refused"));
        }
        Future<T> f;
        try {
          f = work.apply(c);
        } catch (RuntimeException e) { // a field of the wrong type: the report's fault, not the batch's
          f = Future.failedFuture(RoboGridException.invalidRequest("malformed report: " + e));
        }
        return f.andThen(ar -> failed = ar.failed());
      };
    }
  }

  /** A report's write (in a shared commit for the usual ones), then its events on the bus; a malformed one is INVALID_REQUEST. */
  private Future<List<JobEvent>> write(JsonObject r, Link link) {
    UUID job;
    int attempt;
    Instant at;
    try {
      job = UUID.fromString(r.getString("jobId"));
      attempt = r.getInteger("attempt");
      at = Instant.parse(r.getString("at"));
    } catch (RuntimeException e) {
      link.failed = true;
      return Future.failedFuture(RoboGridException.invalidRequest("malformed report: " + e.getMessage()));
    }
    Future<List<JobEvent>> write;
    try {
      write = writeOf(r, job, attempt, at, link);
    } catch (RuntimeException e) { // a field of the wrong type, bad base64
      link.failed = true;
      return Future.failedFuture(RoboGridException.invalidRequest("malformed " + r.getValue("type") + " report: " + e.getMessage()));
    }
    return write.map(events -> {
      JobEvents.publish(bus, events);
      return events;
    });
  }

  private Future<List<JobEvent>> writeOf(JsonObject r, UUID job, int attempt, Instant at, Link link) {
    return switch (String.valueOf(r.getValue("type"))) {
      // the reports every job sends: they share commits with other jobs' reports
      case Reports.STARTED, Reports.STEP_STARTED, Reports.STEP_FINISHED, Reports.STEP_LOG, Reports.STEP_EVENT, Reports.LEASE_TAKEN ->
          group.runStatement(job, link.guard(c -> progress(store.reports().on(c), r, job, attempt, at)));
      case Reports.FINISHED -> finished(job, attempt, Outcome.fromJson(r.getJsonObject("outcome")), link);
      // rare, or large (an artifact's bytes): each in a transaction of its own, as before
      case Reports.GOAL_PATH -> goals.record(r, job, at).map(List.<JobEvent>of());
      case Reports.ARTIFACT -> store.reports().artifact(job, attempt, r.getString("name"), r.getString("step"), r.getString("contentType"),
          java.util.Base64.getDecoder().decode(r.getString("data")), at);
      case Reports.SECRET_USED -> store.secrets().used(r.getString("name"), job, attempt, r.getString("step"), r.getString("node"), at)
          .map(List.<JobEvent>of());
      default -> Future.failedFuture(RoboGridException.invalidRequest("unknown report type " + r.getValue("type")));
    };
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
  private Future<List<JobEvent>> finished(UUID job, int attempt, Outcome outcome, Link link) {
    Instant now = clock.instant();
    return group.run(job, link.guard(c -> JobStore.transition(c, job, attempt, now, lifecycle.finish(outcome, now)))).map(t -> {
      JobEvents.written(bus, t); // its events go out with every report's, in write()
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
  private Future<Void> rejected(JsonObject r, Throwable e) {
    if (!(e instanceof RoboGridException re && re.code() == ErrorCode.STALE_ATTEMPT)) return Future.succeededFuture();
    UUID job = UUID.fromString(r.getString("jobId"));
    int attempt = r.getInteger("attempt");
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
