package io.robogrid.coordinator;

import io.robogrid.store.RetentionStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables from growing without bound: every {@link #EVERY} the finished jobs older than the retention
 * period go, in batches of {@link #BATCH}, one after the other, at most {@link #MAX_BATCHES} per round so that a
 * first round on a large backlog of old jobs spreads over several rounds. Every coordinator may do it: batches skip
 * the rows another is removing.
 */
final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);
  static final Duration EVERY = Duration.ofMinutes(10);
  static final int BATCH = 500;
  static final int MAX_BATCHES = 40;

  private final RetentionStore store;
  private final Duration keep;
  private final Clock clock;
  private boolean running;

  Retention(RetentionStore store, Duration keep, Clock clock) {
    this.store = store;
    this.keep = keep;
    this.clock = clock;
  }

  /** One round; a round still going when the next is due is not doubled. Completes with the number of jobs removed. */
  Future<Integer> round() {
    if (running) return Future.succeededFuture(0);
    running = true;
    return batches(0, 0).andThen(ar -> {
      running = false;
      if (ar.failed()) log.warn("removing finished jobs older than {} failed (tried again in {}): {}", keep, EVERY, ar.cause().toString());
      else if (ar.result() > 0) log.info("removed {} jobs that finished more than {} ago, with their events and artifacts", ar.result(), keep);
    });
  }

  private Future<Integer> batches(int done, int removed) {
    return store.purge(clock.instant().minus(keep), BATCH).compose(n -> n < BATCH || done + 1 >= MAX_BATCHES
        ? Future.succeededFuture(removed + n)
        : batches(done + 1, removed + n));
  }
}
