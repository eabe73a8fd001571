package io.robogrid.runner;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One daemon thread that owns what may only be used from a single thread and blocks when used (a browser slot's
 * Playwright, a desktop's X connection). Vert.x code hands it work with {@link #call} and gets the answer back on its
 * own context; the event loop never waits.
 */
public final class OwnThread {
  private final ExecutorService executor;

  public OwnThread(String name) {
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code work} on this thread after what is queued before it; the future completes on the caller's Vert.x
   * context, and fails with {@code whenClosed} once the thread was shut down.
   */
  public <T> Future<T> call(Vertx vertx, Callable<T> work, Supplier<? extends Throwable> whenClosed) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> done = Promise.promise();
    if (!execute(() -> {
      try {
        T result = work.call();
        caller.runOnContext(v -> done.complete(result));
      } catch (Throwable e) {
        caller.runOnContext(v -> done.fail(e));
      }
    })) {
      done.fail(whenClosed.get());
    }
    return done.future();
  }

  /** Queues {@code task}; false when the thread was shut down. */
  public boolean execute(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Runs {@code last} after everything queued, then lets the thread end; false when it was shut down already. */
  public boolean shutdownAfter(Runnable last) {
    if (!execute(last)) return false;
    executor.shutdown();
    return true;
  }

  /** Waits for the thread to end, {@code nanos} at most; false when it is still busy. */
  public boolean awaitTermination(long nanos) {
    try {
      return executor.awaitTermination(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
