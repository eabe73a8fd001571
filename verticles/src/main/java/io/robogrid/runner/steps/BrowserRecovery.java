package io.robogrid.runner.steps;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.browser.BrowserJob;
import io.robogrid.workflow.StepSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * What a browser step does when its action failed, before it tries again: the usual web failures are worked around
 * (a missing element waited for once, a page that timed out reloaded, a modal dialog in the way closed, a 429 backed
 * off from, the login page found instead of the target answered with the robot's {@code login} sub-flow). Runs on
 * the job's event loop; page work goes to the slot's thread. Anything else fails with the original failure.
 */
final class BrowserRecovery {
  static final long MAX_BACKOFF_MS = 30_000;
  /** What counts as a modal dialog, and what closes one. */
  static final String MODAL = "dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]";
  static final String MODAL_CLOSERS = "[aria-label*=close i], [data-dismiss], [data-bs-dismiss], .close, .btn-close,"
      + " button:text-matches('^\\\\s*(close|×|✕|x|no thanks|not now|dismiss|ok|got it|accept|continue)\\\\s*$', 'i')";

  private BrowserRecovery() {}

  /** A 429, with the wait the site asked for ({@code Retry-After} in seconds), or -1 when it did not say. */
  static final class RateLimited extends StepFailure {
    final long retryAfterMs;

    RateLimited(String message, long retryAfterMs) {
      super(ErrorClass.RATE_LIMITED, message);
      this.retryAfterMs = retryAfterMs;
    }
  }

  private enum Obstacle { LOGIN_PAGE, MODAL, NONE }

  /** Works around {@code failure} so that the action can be tried again; fails with it when nothing can help. */
  static Future<Void> recover(StepContext ctx, BrowserStep.Action action, StepFailure failure, int tryNo) {
    BrowserJob job = ctx.browser();
    String pageName = ctx.with().getString("page");
    switch (failure.errorClass()) {
      case RATE_LIMITED -> {
        long wait = failure instanceof RateLimited r && r.retryAfterMs >= 0 ? Math.min(r.retryAfterMs, MAX_BACKOFF_MS)
            : Math.min(MAX_BACKOFF_MS, 1_000L << (tryNo - 1));
        ctx.log().log("warn", failure.getMessage() + ": backing off " + wait + " ms, then trying again");
        job.recovered("rateLimitBackoff");
        Future<Void> waited = delay(ctx, wait);
        // a click or a key that submitted a form landed on the 429 page: go back to the form before trying again
        return action == BrowserStep.Action.GOTO ? waited : waited.compose(v -> bestEffort(ctx, "going back", () -> job.session().page(pageName).goBack()));
      }
      case ELEMENT_NOT_FOUND, PAGE_TIMEOUT -> {
        return job.session().call(ctx.vertx(), () -> obstacle(job, job.session().page(pageName))).compose(obstacle -> switch (obstacle) {
          case LOGIN_PAGE -> login(ctx, failure);
          case MODAL -> job.session().call(ctx.vertx(), () -> closeModal(job.session().page(pageName))).transform(ar -> {
            if (ar.failed()) return Future.failedFuture(failure); // the step failed for its own reason, not the dialog's
            ctx.log().log("warn", "a modal dialog was in the way (" + failure.getMessage() + "): " + ar.result() + ", trying again");
            job.recovered("modalClosed");
            return Future.<Void>succeededFuture();
          });
          case NONE -> {
            if (failure.errorClass() == ErrorClass.PAGE_TIMEOUT) {
              // only a goto times out so, and its next try loads the page afresh: a reload as well would be a second
              // navigation, and one beside the timed-out load still pending fails at once (net::ERR_ABORTED) while its
              // own navigation goes on and cuts the next try short ("interrupted by another navigation"; measured
              // here: 4 tries in 6 after a reload, 0 in 25 with the next goto alone)
              ctx.log().log("warn", failure.getMessage() + ": loading the page again");
              job.recovered("reload");
              yield Future.<Void>succeededFuture();
            }
            // the action already waited its whole timeout: one more look after a pause, not one per remaining try
            if (tryNo > 1) yield Future.failedFuture(failure);
            long wait = 500;
            ctx.log().log("warn", failure.getMessage() + ": waiting " + wait + " ms, then trying again");
            job.recovered("waitAndRetry");
            yield delay(ctx, wait);
          }
        });
      }
      default -> {
        return Future.failedFuture(failure);
      }
    }
  }

  /**
   * A page move that helps the next try but is not needed for it (going back from a 429 page that is gone already);
   * its failure is logged, never the step's.
   */
  private static Future<Void> bestEffort(StepContext ctx, String what, Runnable move) {
    return ctx.browser().session().<Void>call(ctx.vertx(), () -> {
      move.run();
      return null;
    }).recover(e -> {
      ctx.log().log("info", what + " did not work (" + BrowserStep.summary(e) + "); trying the step again as it is");
      return Future.succeededFuture();
    });
  }

  /** Slot thread: what stands between the step and its target, as far as can be seen now. */
  private static Obstacle obstacle(BrowserJob job, Page page) {
    if (job.login() != null && !job.inLogin() && BrowserStep.holdsNow(page, job.login().when())) return Obstacle.LOGIN_PAGE;
    if (page.locator(MODAL).filter(new Locator.FilterOptions().setVisible(true)).count() > 0) return Obstacle.MODAL;
    return Obstacle.NONE;
  }

  /** Slot thread: closes the visible modal dialog by its close button, or with Escape; says how. */
  private static String closeModal(Page page) {
    Locator modal = page.locator(MODAL).filter(new Locator.FilterOptions().setVisible(true)).first();
    Locator closer = modal.locator(MODAL_CLOSERS).filter(new Locator.FilterOptions().setVisible(true)).first();
    String how;
    if (closer.count() > 0) {
      how = "closed it with its '" + closer.innerText().strip() + "' button";
      closer.click(new Locator.ClickOptions().setTimeout(BrowserStep.ALTERNATIVE_WAIT_MS));
    } else {
      how = "closed it with Escape";
      page.keyboard().press("Escape");
    }
    try {
      modal.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.HIDDEN).setTimeout(BrowserStep.ALTERNATIVE_WAIT_MS));
    } catch (TimeoutError e) {
      throw new StepFailure(ErrorClass.ELEMENT_NOT_FOUND, "a modal dialog is in the way on " + page.url() + " and did not close");
    }
    return how;
  }

  /** Runs the robot's login sub-flow, then checks that the login page is gone. */
  private static Future<Void> login(StepContext ctx, StepFailure failure) {
    BrowserJob job = ctx.browser();
    if (!job.beginLogin()) return Future.failedFuture(failure);
    ctx.log().log("warn", "found the login page instead of the step's target (" + failure.getMessage() + "): running the login sub-flow");
    job.recovered("login");
    Future<Void> chain = Future.succeededFuture();
    for (StepSpec s : job.login().steps()) {
      chain = chain.compose(v -> {
        StepContext sub = new StepContext(ctx.vertx(), ctx.jobId(), ctx.attempt(), "login." + s.id(), s.type(), 1, ctx.resolver().apply(s.with()),
            ctx.cancellation(), ctx.log(), job, ctx.artifacts(), ctx.budget(), ctx.resolver(), ctx.desktops(), ctx.redact(), ctx.events(), ctx.secrets(),
            StepContext.StepTimeout.NONE);
        try {
          ctx.budget().spend("login step " + s.id());
        } catch (StepFailure f) {
          return Future.failedFuture(f);
        }
        return new BrowserStep(BrowserStep.Action.of(s.type())).execute(sub).recover(e -> Future.failedFuture(
            new StepFailure(StepFailure.of(e).errorClass(), "login step " + s.id() + " failed: " + e.getMessage()))).mapEmpty();
      });
    }
    String pageName = ctx.with().getString("page");
    return chain.compose(v -> job.session().call(ctx.vertx(), () -> BrowserStep.holdsNow(job.session().page(pageName), job.login().when())))
        .<Void>compose(still -> still ? Future.failedFuture(new StepFailure(ErrorClass.ACCESS_DENIED,
            "the login sub-flow ran, but the login page is still shown: the site did not accept the login")) : Future.succeededFuture())
        .eventually(() -> {
          job.endLogin();
          return Future.succeededFuture();
        });
  }

  /** A timer that a cancel (job ended, step timed out) cuts short. */
  private static Future<Void> delay(StepContext ctx, long ms) {
    Promise<Void> done = Promise.promise();
    long timer = ctx.vertx().setTimer(Math.max(1, ms), t -> done.tryComplete());
    ctx.cancellation().onCancel(() -> {
      ctx.vertx().cancelTimer(timer);
      done.tryFail(new StepFailure(ErrorClass.CANCELLED, String.valueOf(ctx.cancellation().reason())));
    });
    return done.future();
  }
}
