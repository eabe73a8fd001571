package io.robogrid.runner;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many steps, step retries and browser actions (repeats, recovery tries, login steps) one attempt may execute: a
 * workflow's {@code maxSteps}. A run that keeps acting without getting anywhere is stopped by it. Spent from the run's
 * event loop and from browser slot threads, hence atomic. It also says whether the attempt may act at all
 * ({@link #ensureStillOurs}): steps ask right before what the world sees of them.
 */
public final class StepBudget {
  private final int max;
  private final AtomicInteger used = new AtomicInteger();
  private volatile java.util.function.Supplier<java.time.Duration> unconfirmed = () -> null;
  private volatile java.util.function.Consumer<String> onUnconfirmed = why -> {};

  public StepBudget(int max) {
    this.max = max;
  }

  /** Counts one more execution; fails with MAX_STEPS_EXCEEDED once the bound is passed. */
  public void spend(String what) {
    if (used.incrementAndGet() > max) {
      throw new StepFailure(ErrorClass.MAX_STEPS_EXCEEDED, "the attempt reached its bound of " + max
          + " steps and browser actions (maxSteps) without finishing; the last was " + what);
    }
  }

  /** @param unconfirmed how long nobody has confirmed the attempt (null: it is this node's); {@code onUnconfirmed} stops the run */
  void guard(java.util.function.Supplier<java.time.Duration> unconfirmed, java.util.function.Consumer<String> onUnconfirmed) {
    this.unconfirmed = unconfirmed;
    this.onUnconfirmed = onUnconfirmed;
  }

  /**
   * Called right before an action the world sees (an HTTP request, a browser action): a node frozen after its step
   * began wakes with the step's work still ahead, and the attempt may be another node's by then. Past the limit the
   * run is stopped as lost and the action fails instead of happening.
   */
  public void ensureStillOurs(String what) {
    java.time.Duration silent = unconfirmed.get();
    if (silent == null) return;
    String why = "no coordinator confirmed this attempt for " + silent.toMillis() + " ms: " + what + " not done";
    onUnconfirmed.accept(why);
    throw new StepFailure(ErrorClass.CANCELLED, why);
  }

  public int used() {
    return Math.min(used.get(), max);
  }
}
