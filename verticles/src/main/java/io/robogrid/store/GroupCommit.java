package io.robogrid.store;

import io.robogrid.core.RoboGridException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Lets many small writes share one transaction, and so one commit: with fsync on, a commit costs a disk flush
 * (about 2 ms here), and a grid that commits once per report is bound by the disk, not by PostgreSQL.
 *
 * <p>The window adapts by itself: one batch is in flight at a time, and the writes that arrive meanwhile form the
 * next one. An idle grid sends each write at once, alone, as before; a busy one sends what piled up during the last
 * commit, up to {@code maxBatch}. The writes of a batch are issued together on one connection (the client pipelines
 * them), so each must stand on its own: every write keeps its own fence (attempt number, guarded state) in its SQL.
 *
 * <p>A write that fails for a reason of its own (a {@link RoboGridException}: a stale attempt, a finished job)
 * fails alone, and the others commit. Any other failure may have aborted the transaction: the batch is rolled back
 * and each of its writes runs again in a transaction of its own, so one bad write never costs the others theirs.
 * A failed commit fails the whole batch, as a failed commit of a single write does: its callers retry.
 *
 * <p>Not thread-safe: one instance per verticle, used on that verticle's context.
 */
public final class GroupCommit {
  private final Pool pool;
  private final int maxBatch;
  private final ArrayDeque<Write<?>> queue = new ArrayDeque<>();
  private boolean inFlight;
  private long batches;
  private long writes;

  public GroupCommit(Pool pool, int maxBatch) {
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
    this.pool = pool;
    this.maxBatch = maxBatch;
  }

  /**
   * Runs {@code work} in a transaction, perhaps shared with other writes; completes after the commit. Writes with
   * the same {@code key} (a job's id) run one after the other, in the order given, even inside one batch: two
   * pipelined writes of one job would both read it before either changed it.
   */
  public <T> Future<T> run(Object key, Function<SqlConnection, Future<T>> work) {
    return enqueue(new Write<>(key, work, false, Promise.promise()));
  }

  /**
   * {@link #run} for a write that is one statement (atomic by itself, reads after it allowed): when it goes alone it
   * runs without BEGIN and COMMIT, one round trip instead of three, so an idle grid is as quick as before.
   */
  public <T> Future<T> runStatement(Object key, Function<SqlConnection, Future<T>> work) {
    return enqueue(new Write<>(key, work, true, Promise.promise()));
  }

  private <T> Future<T> enqueue(Write<T> w) {
    queue.add(w);
    drain();
    return w.done.future();
  }

  /** Batches committed and writes carried, for the bench and the logs. */
  public long batches() {
    return batches;
  }

  public long writes() {
    return writes;
  }

  private void drain() {
    if (inFlight || queue.isEmpty()) return;
    inFlight = true;
    List<Write<?>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) batch.add(queue.poll());
    batches++;
    writes += batch.size();
    Future<Void> sent = batch.size() == 1 ? alone(batch.get(0)) : together(batch);
    sent.onComplete(ar -> {
      inFlight = false;
      drain();
    });
  }

  private <T> Future<Void> alone(Write<T> w) {
    Future<T> f;
    try {
      f = w.oneStatement ? pool.withConnection(w.work) : pool.withTransaction(w.work);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.onComplete(w.done).transform(ar -> Future.succeededFuture());
  }

  private Future<Void> together(List<Write<?>> batch) {
    return pool.getConnection().compose(c -> c.begin().compose(tx -> {
      List<Future<?>> results = new ArrayList<>(batch.size());
      java.util.Map<Object, Future<?>> lastOfKey = new java.util.HashMap<>();
      for (Write<?> w : batch) {
        Future<?> before = w.key == null ? null : lastOfKey.get(w.key);
        Future<?> result = before == null ? w.start(c) : before.transform(ignored -> w.start(c));
        if (w.key != null) lastOfKey.put(w.key, result);
        results.add(result);
      }
      return Future.join(results).transform(ignored -> finish(batch, results, tx));
    }).eventually(c::close)).recover(e -> {
      // no connection, or BEGIN refused: nothing of the batch was written
      batch.forEach(w -> w.done.tryFail(e));
      return Future.succeededFuture();
    });
  }

  private Future<Void> finish(List<Write<?>> batch, List<Future<?>> results, Transaction tx) {
    boolean poisoned = results.stream().anyMatch(f -> f.failed() && !(f.cause() instanceof RoboGridException));
    if (poisoned) {
      // the transaction may be aborted: undo it, and give every write a transaction of its own
      return tx.rollback().otherwiseEmpty().compose(v -> {
        Future<Void> chain = Future.succeededFuture();
        for (Write<?> w : batch) chain = chain.compose(x -> alone(w));
        return chain;
      });
    }
    return tx.commit().transform(ar -> {
      for (int i = 0; i < batch.size(); i++) {
        if (ar.failed()) batch.get(i).done.tryFail(ar.cause());
        else batch.get(i).complete(results.get(i));
      }
      return Future.succeededFuture();
    });
  }

  private static final class Write<T> {
    final Object key;
    final Function<SqlConnection, Future<T>> work;
    final boolean oneStatement;
    final Promise<T> done;

    Write(Object key, Function<SqlConnection, Future<T>> work, boolean oneStatement, Promise<T> done) {
      this.key = key;
      this.oneStatement = oneStatement;
      this.work = work;
      this.done = done;
    }

    Future<T> start(SqlConnection c) {
      try {
        return work.apply(c);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    @SuppressWarnings("unchecked")
    void complete(Future<?> result) {
      if (result.succeeded()) done.tryComplete((T) result.result());
      else done.tryFail(result.cause());
    }
  }
}
