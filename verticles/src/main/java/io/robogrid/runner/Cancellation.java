package io.robogrid.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * A cooperative stop signal: a step registers what to do when it must stop (cancel a timer, interrupt a worker
 * thread), and a parent signal passes cancellation down to its children (job → step try). Used on one event loop.
 */
public final class Cancellation {
  private final List<Runnable> listeners = new ArrayList<>();
  private String reason;

  public boolean isCancelled() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  /** Runs {@code action} on cancel, at once if already cancelled. */
  public void onCancel(Runnable action) {
    if (reason != null) action.run();
    else listeners.add(action);
  }

  public void cancel(String why) {
    if (reason != null) return;
    reason = why;
    List<Runnable> copy = List.copyOf(listeners);
    listeners.clear();
    copy.forEach(Runnable::run);
  }

  /** A signal cancelled together with this one, that can also be cancelled alone. */
  public Cancellation child() {
    Cancellation c = new Cancellation();
    onCancel(() -> c.cancel(reason));
    return c;
  }
}
