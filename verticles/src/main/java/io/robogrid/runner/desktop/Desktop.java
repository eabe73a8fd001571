package io.robogrid.runner.desktop;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One desktop this node drives ({@code desktop:<name>}): its driver on a thread of its own. Every call into the
 * window system blocks and an X connection belongs to one thread, so all of them go through {@link #call}; a job's
 * steps and its keep-alive nudges therefore never interleave. The driver connects on first use and again after its
 * connection was lost.
 */
public final class Desktop {
  private static final Logger log = LoggerFactory.getLogger(Desktop.class);

  private final String name;
  private final String display;
  private final ExecutorService thread;
  // desktop thread only
  private DesktopDriver driver;
  /** When input last went to this desktop (System.nanoTime): a keep-alive nudge is only needed after a quiet spell. */
  private volatile long lastInput = System.nanoTime();

  /** @param display the X display, or null when none is configured (jobs may lease the desktop, but not drive it) */
  public Desktop(String name, String display) {
    this.name = name;
    this.display = display;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "robogrid-desktop-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  public String name() {
    return name;
  }

  /** The X display, or on Windows the label of the node's session; null when this desktop cannot be driven. */
  public String display() {
    return display;
  }

  /** Whether desktop steps can drive it: it has a display, or the node runs on Windows (its own session). */
  public boolean drivable() {
    return display != null || DesktopDrivers.windows();
  }

  /** Runs {@code work} with the driver on the desktop's thread; the future completes on the caller's context. */
  public <T> Future<T> call(Vertx vertx, Function<DesktopDriver, T> work) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> done = Promise.promise();
    try {
      thread.execute(() -> {
        try {
          T result = work.apply(driver());
          caller.runOnContext(v -> done.complete(result));
        } catch (Throwable e) {
          caller.runOnContext(v -> done.fail(e));
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.fail(new StepFailure(ErrorClass.DESKTOP_ERROR, "desktop " + name + " is closed"));
    }
    return done.future();
  }

  /** Records that input went to the desktop now. */
  void inputSent() {
    lastInput = System.nanoTime();
  }

  /** How long no input went to the desktop, in milliseconds. */
  long quietMillis() {
    return (System.nanoTime() - lastInput) / 1_000_000;
  }

  private DesktopDriver driver() {
    if (driver != null && driver.connected()) return driver;
    if (driver != null) {
      log.warn("desktop {}: the connection to {} was lost; connecting again", name, display);
      driver.close();
      driver = null;
    }
    if (!drivable()) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "desktop " + name + " has no display on this node: set runner.desktops."
          + name + " (or ROBOGRID_DESKTOPS=" + name + "=:99)");
    }
    driver = DesktopDrivers.open(display);
    log.info("desktop {}: connected to {}", name, driver.describe());
    return driver;
  }

  /** Disconnects and stops the desktop's thread, {@code waitMs} at most; blocking: call it from a worker. */
  public void close(long waitMs) {
    try {
      thread.execute(() -> {
        if (driver != null) driver.close();
        driver = null;
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return;
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) log.warn("desktop {}: still busy {} ms after the runner stopped", name, waitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
