package io.robogrid.runner.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser slot of a runner node: a warm Chromium driven by Playwright on a thread of its own (Playwright objects
 * are single-threaded, and their calls block: never on an event loop). Each job gets a fresh context (its own
 * cookies and storage) and page; the browser is replaced after {@code recycleAfter} jobs and whenever it died.
 */
final class BrowserSlot {
  private static final Logger log = LoggerFactory.getLogger(BrowserSlot.class);

  private final int index;
  private final BrowserOptions options;
  private final io.robogrid.runner.OwnThread thread;
  /**
   * An argument Chromium ignores but keeps on its command line, so that this slot's browser can be found and killed
   * from outside its thread when a call into it hangs (a script that never returns has no timeout).
   */
  private final String marker;
  // confined to the slot's thread
  private Playwright playwright;
  private Browser browser;
  private int jobs;

  BrowserSlot(int index, BrowserOptions options) {
    this.index = index;
    this.options = options;
    this.marker = "--robogrid-slot=" + ProcessHandle.current().pid() + "-" + index + "-" + System.nanoTime();
    this.thread = new io.robogrid.runner.OwnThread("robogrid-browser-" + index);
  }

  /** Launches the browser ahead of the first job. */
  void warm() {
    thread.execute(() -> {
      try {
        browser();
      } catch (RuntimeException e) {
        log.warn("browser slot {} could not launch Chromium ({}): {}", index, options.executable(), e.getMessage());
      }
    });
  }

  /** A fresh context and page for one job. */
  Future<BrowserSession> open(Vertx vertx) {
    return call(vertx, () -> {
      if (jobs >= options.recycleAfter()) {
        log.info("browser slot {}: recycling Chromium after {} jobs", index, jobs);
        closeBrowser();
      }
      BrowserContext context;
      try {
        context = browser().newContext();
      } catch (PlaywrightException e) {
        // a killed Chromium can still look connected for a moment: replace it and try once more
        log.warn("browser slot {}: Chromium did not open a context ({}); launching a new one", index, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        closeBrowser();
        context = browser().newContext();
      }
      context.setDefaultTimeout(options.actionTimeout().toMillis());
      context.setDefaultNavigationTimeout(options.actionTimeout().toMillis());
      Page page;
      try {
        page = context.newPage();
      } catch (RuntimeException e) {
        context.close();
        throw e;
      }
      jobs++;
      return new BrowserSession(this, index, context, page, options.actionTimeout().toMillis());
    });
  }

  /** Runs {@code work} on the slot's thread; the future completes on the caller's Vert.x context. */
  <T> Future<T> call(Vertx vertx, Callable<T> work) {
    return thread.call(vertx, work, () -> new IllegalStateException("browser slot " + index + " is closed"));
  }

  private Browser browser() {
    if (browser != null && browser.isConnected()) return browser;
    if (browser != null) {
      log.warn("browser slot {}: Chromium is gone (crashed or killed); launching a new one", index);
      closeBrowser();
    }
    long t0 = System.nanoTime();
    try {
      browser = launch();
    } catch (PlaywrightException e) {
      // the driver itself may have died: start a new one and try once more
      log.warn("browser slot {}: launching Chromium failed ({}); restarting the Playwright driver", index, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      closePlaywright();
      browser = launch();
    }
    jobs = 0;
    log.info("browser slot {}: Chromium {} launched in {} ms", index, browser.version(), (System.nanoTime() - t0) / 1_000_000);
    return browser;
  }

  private Browser launch() {
    if (playwright == null) playwright = Playwright.create(BrowserOptions.driverOptions());
    return playwright.chromium().launch(options.launchOptions()
        .setArgs(java.util.stream.Stream.concat(BrowserOptions.ARGS.stream(), java.util.stream.Stream.of(marker)).toList()));
  }

  private void closePlaywright() {
    browser = null;
    if (playwright == null) return;
    try {
      playwright.close();
    } catch (RuntimeException e) {
      log.debug("browser slot {}: closing Playwright: {}", index, e.getMessage());
    }
    playwright = null;
  }

  private void closeBrowser() {
    if (browser == null) return;
    try {
      browser.close();
    } catch (RuntimeException e) {
      log.debug("browser slot {}: closing Chromium: {}", index, e.getMessage());
    }
    browser = null;
  }

  /**
   * Kills this slot's Chromium from any thread (blocking: a worker's job). A Playwright call stuck in it fails at
   * once ("browser has been closed"), which frees the slot's thread; the next job launches a new browser.
   */
  int kill() {
    List<ProcessHandle> found = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).toList();
    found.forEach(ProcessHandle::destroyForcibly);
    return found.size();
  }

  /** How long closing a job's context may take before the slot's browser is killed to free it. */
  long closeWaitMs() {
    return options.actionTimeout().toMillis() + 5_000;
  }

  /** Queues the closing of the browser and the Playwright driver behind the slot's pending work. */
  void beginClose() {
    thread.shutdownAfter(() -> {
      closeBrowser();
      closePlaywright();
    });
  }

  /** Waits until {@link #beginClose} is done, {@code nanos} at most; false when the slot's thread is still busy. */
  boolean awaitClosed(long nanos) {
    return thread.awaitTermination(nanos);
  }
}
