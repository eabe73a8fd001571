package io.robogrid.runner.browser;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The browser slots of a runner node ({@code browser:<N>}): slot {@code i} is the one the job leased as
 * {@code browser:<node>:<i>}. Browsers are launched warm at start and closed, every one, at stop.
 */
public final class BrowserPool {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BrowserPool.class);
  private final List<BrowserSlot> slots = new ArrayList<>();

  public BrowserPool(int size, BrowserOptions options) {
    for (int i = 1; i <= size; i++) slots.add(new BrowserSlot(i, options));
  }

  public void warm() {
    slots.forEach(BrowserSlot::warm);
  }

  /** A fresh context and page in slot {@code index} (1-based). */
  public Future<BrowserSession> open(Vertx vertx, int index) {
    if (index < 1 || index > slots.size()) return Future.failedFuture("no browser slot " + index);
    return slots.get(index - 1).open(vertx);
  }

  /** Blocks until every browser is closed: call it from a worker thread. */
  public void close() {
    long t0 = System.nanoTime();
    slots.forEach(BrowserSlot::beginClose); // all at once: a busy slot must not hold up the others
    long deadline = t0 + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    int stuck = 0;
    for (BrowserSlot s : slots) if (!s.awaitClosed(deadline - System.nanoTime())) stuck++;
    if (stuck > 0) log.warn("{} of {} browser slots still busy after 15 s; their browsers go when the JVM exits", stuck, slots.size());
    else log.info("closed {} browser slots in {} ms", slots.size(), (System.nanoTime() - t0) / 1_000_000);
  }
}
