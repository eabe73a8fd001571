package io.robogrid.runner;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one attempt's reports to the coordinators one after the other (so a step's end never overtakes its start),
 * retrying while no coordinator answers. A STALE_ATTEMPT answer means the attempt was taken away (lost, cancelled):
 * the reporter stops and tells its owner, which stops the run.
 */
final class AttemptReporter {
  private static final Logger log = LoggerFactory.getLogger(AttemptReporter.class);
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(5_000);
  private static final int MAX_TRIES = 40;

  private final Vertx vertx;
  private final String jobId;
  private final Runnable onStale;
  private Future<Void> tail = Future.succeededFuture();
  private boolean stale;

  AttemptReporter(Vertx vertx, String jobId, Runnable onStale) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.onStale = onStale;
  }

  /** Queues a report; the future completes when it was accepted (or failed for good). */
  Future<Void> send(JsonObject report) {
    tail = tail.transform(ignored -> stale ? Future.failedFuture("attempt is stale") : deliver(report, 1));
    return tail;
  }

  private Future<Void> deliver(JsonObject report, int tryNo) {
    return vertx.eventBus().request(CoordinatorAddresses.REPORT, report, DELIVERY).<Void>mapEmpty().recover(err -> {
      if (err instanceof ReplyException re && ErrorCode.fromBusCode(re.failureCode()) == ErrorCode.STALE_ATTEMPT) {
        if (!stale) {
          stale = true;
          log.atWarn().addKeyValue("job", jobId).log("attempt was taken from this node ({}): stopping it", re.getMessage());
          onStale.run();
        }
        return Future.failedFuture(err);
      }
      if (tryNo >= MAX_TRIES) {
        log.atError().addKeyValue("job", jobId).log("giving up on a {} report after {} tries: {}", report.getString("type"), tryNo, err.getMessage());
        return Future.failedFuture(err);
      }
      long delay = Math.min(5_000, 100L << Math.min(tryNo, 6));
      Promise<Void> again = Promise.promise();
      vertx.setTimer(delay, t -> deliver(report, tryNo + 1).onComplete(again));
      return again.future();
    });
  }
}
