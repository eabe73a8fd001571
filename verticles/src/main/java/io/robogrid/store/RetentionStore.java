package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Removes what finished jobs leave behind once the retention period is over: the job with its attempts, step
 * results, artifacts and agent work (by cascade), its events and its sent or given-up notifications. A few hundred
 * jobs per statement, oldest first, skipping rows another coordinator is removing: a short transaction that never
 * holds up the hot path. Secret-use audit rows and idempotency keys have retention of their own.
 */
public final class RetentionStore {
  private static final String PURGE = "WITH gone AS (SELECT id FROM jobs WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED')"
      + "   AND finished_at < $1 ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED),"
      + " e AS (DELETE FROM events WHERE job_id IN (SELECT id FROM gone)),"
      // a held notification goes only once the digest that carries it was sent (or given up)
      + " n AS (DELETE FROM notifications m WHERE job_id IN (SELECT id FROM gone) AND (state IN ('SENT', 'FAILED')"
      + "   OR state = 'HELD' AND EXISTS (SELECT 1 FROM notifications d WHERE d.id = m.digest_id AND d.state IN ('SENT', 'FAILED')))),"
      + " j AS (DELETE FROM jobs WHERE id IN (SELECT id FROM gone) RETURNING 1)"
      + " SELECT count(*) FROM j";

  private final Pool pool;

  public RetentionStore(Pool pool) {
    this.pool = pool;
  }

  /** Removes up to {@code limit} jobs that finished before {@code cutoff}; returns how many went. */
  public Future<Integer> purge(Instant cutoff, int limit) {
    return pool.preparedQuery(PURGE).execute(Tuple.of(JobRecord.odt(cutoff), limit)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }
}
