package io.robogrid.runner;

import io.robogrid.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.robogrid.coordinator.Reports;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one attempt's reports to the coordinators in order (so a step's end never overtakes its start), in groups:
 * what the attempt reported while its previous group was out goes together next time, through the node's
 * {@link ReportBatcher}, in one message with other attempts' groups. A report nobody could take (no coordinator
 * answered, or one answered that the database is away) is kept, with those after it, and sent again until it is in,
 * however long that takes: a step that finished during a database outage is recorded once the database is back. A
 * STALE_ATTEMPT answer means the attempt was taken away (lost, cancelled): the reporter stops and tells its owner,
 * which stops the run. Any other refusal is retried a few times, then that report is given up and the next goes on.
 */
final class AttemptReporter {
  private static final Logger log = LoggerFactory.getLogger(AttemptReporter.class);
  /** Tries of a report that a coordinator refused for a reason that waiting does not cure. */
  private static final int MAX_TRIES = 40;
  /** Past this many reports waiting, log lines are dropped (and counted): they must not crowd out what matters. */
  static final int MAX_WAITING_LOGS = 1_000;

  /** A report and whoever waits for its answer. */
  record Pending(JsonObject report, Promise<Void> done) {}

  private final Vertx vertx;
  private final ReportBatcher batcher;
  private final String jobId;
  private final Runnable onStale;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** A group of this attempt is with the batcher or on its way: the next one waits for its answer. */
  private boolean out;
  /** A refused group waits for its retry timer. */
  private boolean backingOff;
  /** Tries of the report at the head of the queue. */
  private int tries;
  private boolean stale;
  private int outCount;
  private long droppedLogs;
  /** When the reports began to wait for a coordinator or the database (System.nanoTime), 0 when they flow. */
  private long heldSince;
  /** When the last report a coordinator accepted was sent (System.nanoTime): the attempt was this node's then. */
  private long acceptedSentAt = System.nanoTime();

  AttemptReporter(Vertx vertx, ReportBatcher batcher, String jobId, Runnable onStale) {
    this.vertx = vertx;
    this.batcher = batcher;
    this.jobId = jobId;
    this.onStale = onStale;
  }

  /** Queues a report; the future completes when it was accepted (or failed for good). */
  Future<Void> send(JsonObject report) {
    int waiting = queue.size() + outCount;
    if (waiting >= MAX_WAITING_LOGS && Reports.STEP_LOG.equals(report.getString("type"))) {
      if (droppedLogs++ % 100 == 0) log.atWarn().addKeyValue("job", jobId).log("{} reports wait for delivery: step log lines are dropped ({} so far)", waiting, droppedLogs);
      return Future.succeededFuture();
    }
    if (stale) return Future.failedFuture("attempt is stale");
    Pending p = new Pending(report, Promise.promise());
    queue.add(p);
    offer();
    return p.done().future();
  }

  /** Whether the reports are being held (no coordinator, or the database away). */
  boolean held() {
    return heldSince != 0;
  }

  /**
   * When the last accepted report was sent: what its acceptance vouches for. Not when the answer was read: a node
   * frozen after the answer came reads it only when it wakes, by which time the attempt may be another node's.
   */
  long acceptedSentAt() {
    return acceptedSentAt;
  }

  private void offer() {
    if (out || backingOff || stale || queue.isEmpty()) return;
    out = true;
    batcher.ready(this);
  }

  /**
   * The batcher builds a message: the reports waiting, up to {@code max}, in order. An artifact ends a group, so that
   * its bytes do not travel with many other groups' reports.
   */
  List<Pending> take(int max) {
    List<Pending> group = new ArrayList<>(Math.min(queue.size(), max));
    while (!queue.isEmpty() && group.size() < max && !stale) {
      Pending p = queue.poll();
      group.add(p);
      if (Reports.ARTIFACT.equals(p.report().getString("type"))) break;
    }
    outCount = group.size();
    return group;
  }

  /**
   * The answer for a group sent at {@code sentAt}: its first {@code accepted} reports are in; {@code failure}, if
   * any, is why the next one is not (for all of them when the message itself failed).
   */
  void delivered(List<Pending> group, long sentAt, int accepted, Throwable failure) {
    out = false;
    outCount = 0;
    if (accepted > 0) {
      acceptedSentAt = Math.max(acceptedSentAt, sentAt);
      tries = 0;
      if (heldSince != 0) {
        log.atInfo().addKeyValue("job", jobId).log("reports delivered again after {} ms", (System.nanoTime() - heldSince) / 1_000_000);
        heldSince = 0;
      }
    }
    for (int i = 0; i < accepted && i < group.size(); i++) group.get(i).done().tryComplete();
    if (failure == null || accepted >= group.size()) {
      offer();
      return;
    }
    List<Pending> rest = group.subList(accepted, group.size());
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ErrorCode.fromBusCode(re.failureCode()) == ErrorCode.STALE_ATTEMPT) {
      if (!stale) {
        stale = true;
        log.atWarn().addKeyValue("job", jobId).log("attempt was taken from this node ({}): stopping it", re.getMessage());
        onStale.run();
      }
      rest.forEach(p -> p.done().tryFail(failure));
      queue.forEach(p -> p.done().tryFail("attempt is stale"));
      queue.clear();
      return;
    }
    String type = rest.get(0).report().getString("type");
    boolean away = coordinatorsAway(failure);
    tries++;
    if (away && heldSince == 0) {
      heldSince = System.nanoTime();
      log.atWarn().addKeyValue("job", jobId).log("a {} report cannot be delivered now ({}): it is kept and sent again", type, failure.getMessage());
    }
    if (!away && tries >= MAX_TRIES) {
      log.atError().addKeyValue("job", jobId).log("giving up on a {} report after {} tries: {}", type, tries, failure.getMessage());
      rest.get(0).done().tryFail(failure);
      tries = 0;
      rest = rest.subList(1, rest.size());
    }
    for (int i = rest.size() - 1; i >= 0; i--) queue.addFirst(rest.get(i));
    if (tries == 0) {
      offer();
      return;
    }
    backingOff = true;
    vertx.setTimer(Math.min(5_000, 100L << Math.min(tries, 6)), t -> {
      backingOff = false;
      offer();
    });
  }

  /**
   * No coordinator took the report (none is there, or none answered in time), or one said its database is away:
   * nobody has decided anything about the attempt, so the report waits.
   */
  static boolean coordinatorsAway(Throwable err) {
    return err instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT
        || Heartbeats.databaseAway(re));
  }
}
