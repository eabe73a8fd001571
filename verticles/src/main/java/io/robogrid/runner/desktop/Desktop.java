package io.robogrid.runner.desktop;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  private final io.robogrid.runner.OwnThread thread;
  // desktop thread only
  private DesktopDriver driver;
  /** When input last went to this desktop (System.nanoTime): a keep-alive nudge is only needed after a quiet spell. */
  private volatile long lastInput = System.nanoTime();

  /** @param display the X display, or null when none is configured (jobs may lease the desktop, but not drive it) */
  public Desktop(String name, String display) {
    this.name = name;
    this.display = display;
    this.thread = new io.robogrid.runner.OwnThread("robogrid-desktop-" + name);
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
    return thread.call(vertx, () -> work.apply(driver()), () -> new StepFailure(ErrorClass.DESKTOP_ERROR, "desktop " + name + " is closed"));
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
    boolean closing = thread.shutdownAfter(() -> {
      if (driver != null) driver.close();
      driver = null;
    });
    if (closing && !thread.awaitTermination(TimeUnit.MILLISECONDS.toNanos(waitMs))) {
      log.warn("desktop {}: still busy {} ms after the runner stopped", name, waitMs);
    }
  }
}
