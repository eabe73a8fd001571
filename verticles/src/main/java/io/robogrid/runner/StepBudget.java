package io.robogrid.runner;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many steps, step retries and browser actions (repeats, recovery tries, login steps) one attempt may execute: a
 * workflow's {@code maxSteps}. A run that keeps acting without getting anywhere is stopped by it. Spent from the run's
 * event loop and from browser slot threads, hence atomic.
 */
public final class StepBudget {
  private final int max;
  private final AtomicInteger used = new AtomicInteger();

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

  public int used() {
    return Math.min(used.get(), max);
  }
}
