package io.robogrid.runner;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.robogrid.coordinator.Reports;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one attempt's reports to the coordinators one after the other (so a step's end never overtakes its start).
 * A report nobody could take (no coordinator answered, or one answered that the database is away) is kept and
 * sent again until it is in, however long that takes: a step that finished during a database outage is recorded once
 * the database is back. A STALE_ATTEMPT answer means the attempt was taken away (lost, cancelled): the reporter stops
 * and tells its owner, which stops the run. Any other refusal is retried a few times, then given up.
 */
final class AttemptReporter {
  private static final Logger log = LoggerFactory.getLogger(AttemptReporter.class);
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(5_000);
  /** Tries of a report that a coordinator refused for a reason that waiting does not cure. */
  private static final int MAX_TRIES = 40;
  /** Past this many reports waiting, log lines are dropped (and counted): they must not crowd out what matters. */
  static final int MAX_WAITING_LOGS = 1_000;

  private final Vertx vertx;
  private final String jobId;
  private final Runnable onStale;
  private Future<Void> tail = Future.succeededFuture();
  private boolean stale;
  private int waiting;
  private long droppedLogs;
  /** When the reports began to wait for a coordinator or the database (System.nanoTime), 0 when they flow. */
  private long heldSince;
  /** When the last report a coordinator accepted was sent (System.nanoTime): the attempt was this node's then. */
  private long acceptedSentAt = System.nanoTime();

  AttemptReporter(Vertx vertx, String jobId, Runnable onStale) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.onStale = onStale;
  }

  /** Queues a report; the future completes when it was accepted (or failed for good). */
  Future<Void> send(JsonObject report) {
    if (waiting >= MAX_WAITING_LOGS && Reports.STEP_LOG.equals(report.getString("type"))) {
      if (droppedLogs++ % 100 == 0) log.atWarn().addKeyValue("job", jobId).log("{} reports wait for delivery: step log lines are dropped ({} so far)", waiting, droppedLogs);
      return Future.succeededFuture();
    }
    waiting++;
    tail = tail.transform(ignored -> stale ? Future.failedFuture("attempt is stale") : deliver(report, 1));
    return tail.andThen(ar -> waiting--);
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

  private Future<Void> deliver(JsonObject report, int tryNo) {
    long sent = System.nanoTime();
    return vertx.eventBus().request(CoordinatorAddresses.REPORT, report, DELIVERY).<Void>mapEmpty().andThen(ar -> {
      if (ar.succeeded()) acceptedSentAt = Math.max(acceptedSentAt, sent);
      if (ar.succeeded() && heldSince != 0) {
        log.atInfo().addKeyValue("job", jobId).log("reports delivered again after {} ms", (System.nanoTime() - heldSince) / 1_000_000);
        heldSince = 0;
      }
    }).recover(err -> {
      if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && ErrorCode.fromBusCode(re.failureCode()) == ErrorCode.STALE_ATTEMPT) {
        if (!stale) {
          stale = true;
          log.atWarn().addKeyValue("job", jobId).log("attempt was taken from this node ({}): stopping it", re.getMessage());
          onStale.run();
        }
        return Future.failedFuture(err);
      }
      boolean away = coordinatorsAway(err);
      if (away && heldSince == 0) {
        heldSince = System.nanoTime();
        log.atWarn().addKeyValue("job", jobId).log("a {} report cannot be delivered now ({}): it is kept and sent again", report.getString("type"), err.getMessage());
      }
      if (!away && tryNo >= MAX_TRIES) {
        log.atError().addKeyValue("job", jobId).log("giving up on a {} report after {} tries: {}", report.getString("type"), tryNo, err.getMessage());
        return Future.failedFuture(err);
      }
      long delay = Math.min(5_000, 100L << Math.min(tryNo, 6));
      Promise<Void> again = Promise.promise();
      vertx.setTimer(delay, t -> deliver(report, tryNo + 1).onComplete(again));
      return again.future();
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
