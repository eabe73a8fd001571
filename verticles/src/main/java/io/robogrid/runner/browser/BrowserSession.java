package io.robogrid.runner.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One job's isolated browser context in a slot, with its pages by name: {@value #MAIN} is the one it starts with, and
 * a step may name another (a second tab, or a popup a click opened). All use goes through the slot's own thread; the
 * methods marked so may only be called there.
 */
public final class BrowserSession {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BrowserSession.class);
  public static final String MAIN = "main";

  private final BrowserSlot slot;
  private final int index;
  private final BrowserContext context;
  private final long actionTimeoutMs;
  // slot thread only
  private final Map<String, Page> pages = new LinkedHashMap<>();
  private Consumer<Page> onPage = p -> {};

  BrowserSession(BrowserSlot slot, int index, BrowserContext context, Page page, long actionTimeoutMs) {
    this.slot = slot;
    this.index = index;
    this.context = context;
    this.actionTimeoutMs = actionTimeoutMs;
    pages.put(MAIN, page);
  }

  public int slot() {
    return index;
  }

  /** How long a browser action waits for its element or page by default (runner.browser.actionTimeout). */
  public long actionTimeoutMs() {
    return actionTimeoutMs;
  }

  /** Runs {@code work} on the slot's thread; the future completes on the caller's context. */
  public <T> Future<T> call(Vertx vertx, Callable<T> work) {
    return slot.call(vertx, work);
  }

  /** Runs {@code action} on the job's main page, on the slot's thread. */
  public <T> Future<T> run(Vertx vertx, Function<Page, T> action) {
    return call(vertx, () -> action.apply(page(MAIN)));
  }

  /** Slot thread only: the page of that name (null: the main one), opened as a new tab the first time it is named. */
  public Page page(String name) {
    return pages.computeIfAbsent(name == null ? MAIN : name, n -> {
      Page p = context.newPage();
      onPage.accept(p);
      return p;
    });
  }

  /** Slot thread only: gives a page that opened by itself (a popup) a name, so that later steps can use it. */
  public void adopt(String name, Page page) {
    pages.put(name, page);
    onPage.accept(page);
  }

  /** Slot thread only: {@code listener} is called for every page of the job, those open now and those to come. */
  public void onEveryPage(Consumer<Page> listener) {
    this.onPage = listener;
    pages.values().forEach(listener);
  }

  /**
   * Closes the context (its pages, cookies and storage go with it); never fails, and always ends: when the slot's
   * thread is stuck in a call that does not return (a script in an endless loop, a hung renderer), the slot's
   * Chromium is killed after {@link BrowserSlot#closeWaitMs()}, and the job's lease is not held up for longer than
   * that again.
   */
  public Future<Void> close(Vertx vertx) {
    Future<Void> closed = slot.<Void>call(vertx, () -> {
      context.close();
      return null;
    }).otherwiseEmpty();
    long wait = slot.closeWaitMs();
    long watchdog = vertx.setTimer(wait, t -> {
      if (closed.isComplete()) return;
      vertx.executeBlocking(slot::kill, false).onSuccess(n -> log.warn("browser slot {}: a call into Chromium did not return within {} ms;"
          + " killed its {} browser processes", index, wait, n));
    });
    return closed.andThen(ar -> vertx.cancelTimer(watchdog)).timeout(2 * wait, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> {
          log.error("browser slot {}: still busy {} ms after its job ended; its lease is given back, the slot stays blocked", index, 2 * wait);
          return Future.succeededFuture();
        });
  }
}
