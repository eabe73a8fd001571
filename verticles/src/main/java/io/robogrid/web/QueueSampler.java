package io.robogrid.web;

import io.robogrid.store.GridReads;
import io.robogrid.store.OverviewStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the queue depth of each minute for the overview's chart. Past depth cannot be read back from the jobs table,
 * so it is sampled: the capped counts of {@code GET /cluster} once a minute, into {@code queue_samples} (one row per
 * minute for the whole grid, the first web node to write it wins). A table rather than a ring buffer in this node's
 * memory: a restarted dashboard node, or another web node, shows the same past hour instead of an empty or a
 * different one; a minute nobody sampled is a gap, never a zero.
 */
final class QueueSampler {
  private static final Logger log = LoggerFactory.getLogger(QueueSampler.class);
  /** Looked at this often, so that a minute is sampled early in it even though timers drift. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(15);
  /** Samples are kept this long; the overview shows at most this much. */
  static final Duration KEPT = Duration.ofDays(1);

  private final OverviewStore store;
  private final GridReads grid;
  private final Clock clock;
  private Instant lastMinute;

  QueueSampler(OverviewStore store, GridReads grid, Clock clock) {
    this.store = store;
    this.grid = grid;
    this.clock = clock;
  }

  /**
   * Samples the current minute unless it has its sample already (this node's or another's). Never fails: a database
   * that is away costs that minute, logged, and the next check tries again.
   */
  Future<Void> tick() {
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    if (minute.equals(lastMinute)) return Future.succeededFuture();
    return store.sampled(minute)
        .compose(done -> done ? Future.succeededFuture(false) : grid.queueDepth().compose(depth -> store.sample(minute, depth)))
        .compose(wrote -> {
          lastMinute = minute;
          // pruned once an hour, by whichever node samples that minute: a delete twice does no harm
          return minute.getEpochSecond() % 3600 == 0 ? store.prune(minute.minus(KEPT)).<Void>mapEmpty() : Future.<Void>succeededFuture();
        })
        .recover(e -> {
          log.warn("could not sample the queue depth of {} (tried again in {}): {}", minute, CHECK_EVERY, e.toString());
          return Future.succeededFuture();
        });
  }
}
