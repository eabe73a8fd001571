package io.robogrid.runner.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;

/** One job's isolated browser context and page in a slot. All use goes through the slot's own thread. */
public final class BrowserSession {
  private final BrowserSlot slot;
  private final int index;
  private final BrowserContext context;
  private final Page page;

  BrowserSession(BrowserSlot slot, int index, BrowserContext context, Page page) {
    this.slot = slot;
    this.index = index;
    this.context = context;
    this.page = page;
  }

  public int slot() {
    return index;
  }

  /** Runs {@code action} on the job's page, on the slot's thread. */
  public <T> Future<T> run(Vertx vertx, Function<Page, T> action) {
    return slot.call(vertx, () -> action.apply(page));
  }

  /** Closes the context (its pages, cookies and storage go with it); never fails. */
  public Future<Void> close(Vertx vertx) {
    return slot.<Void>call(vertx, () -> {
      context.close();
      return null;
    }).otherwiseEmpty();
  }
}
