package io.robogrid.runner.steps;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The {@code browser.*} steps, run on the job's own page in its leased browser slot (on the slot's thread, never
 * on an event loop). Playwright's failures are classified so that the retry policy can tell a missing element or
 * a slow page (worth retrying) from an invalid URL or a refused login (not).
 */
public final class BrowserStep implements StepExecutor {
  /** The step types, by the name workflows use. */
  public enum Action {
    GOTO("browser.goto"), CLICK("browser.click"), FILL("browser.fill"), PRESS("browser.press"), SELECT("browser.select"),
    CHECK("browser.check"), EXTRACT("browser.extract"), WAIT_FOR("browser.waitFor"), ASSERT("browser.assert"), EVALUATE("browser.evaluate"),
    SCREENSHOT("browser.screenshot");

    public final String type;

    Action(String type) {
      this.type = type;
    }
  }

  private final Action action;

  public BrowserStep(Action action) {
    this.action = action;
  }

  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    if (ctx.browser() == null) {
      return Future.failedFuture(new StepFailure(ErrorClass.BAD_WORKFLOW, action.type + " needs a browser: the job holds no browser slot"));
    }
    JsonObject with = ctx.with();
    return ctx.browser().run(ctx.vertx(), page -> act(page, with, ctx)).recover(e -> {
      StepFailure failure = classify(e);
      if (failure.errorClass() == ErrorClass.BROWSER_CRASHED) return Future.failedFuture(failure);
      return keepFailedPage(ctx).transform(ignored -> Future.failedFuture(failure));
    });
  }

  /** A screenshot and the HTML of the page as the step failed on it, kept with the job; never fails itself. */
  private static Future<Void> keepFailedPage(StepContext ctx) {
    String base = ctx.stepId() + "-attempt" + ctx.attempt() + "-try" + ctx.tries() + "-failure";
    return ctx.browser().run(ctx.vertx(), page -> {
      ctx.artifacts().save(base + ".png", "image/png", page.screenshot());
      ctx.artifacts().save(base + ".html", "text/html; charset=utf-8", page.content().getBytes(StandardCharsets.UTF_8));
      return (Void) null;
    }).otherwiseEmpty();
  }

  private JsonObject act(Page page, JsonObject with, StepContext ctx) {
    String selector = with.getString("selector");
    return switch (action) {
      case GOTO -> {
        String url = String.valueOf(with.getValue("url"));
        // checked again here: a URL built from input could point at the node's own files (file://, chrome://)
        if (!(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("data:"))) {
          throw new StepFailure(ErrorClass.INVALID_URL, "not an http://, https:// or data: URL: " + url);
        }
        Response r = page.navigate(url);
        int status = r == null ? 0 : r.status();
        if (status == 429) throw new StepFailure(ErrorClass.RATE_LIMITED, "the site answered 429 Too Many Requests");
        if (status == 401 || status == 403) throw new StepFailure(ErrorClass.ACCESS_DENIED, "the site answered " + status);
        if (status >= 500) throw new StepFailure(ErrorClass.HTTP_5XX, "the site answered " + status);
        yield new JsonObject().put("url", page.url()).put("status", status).put("title", page.title());
      }
      case CLICK -> {
        page.click(selector);
        yield new JsonObject();
      }
      case FILL -> {
        page.fill(selector, String.valueOf(with.getValue("value")));
        yield new JsonObject();
      }
      case PRESS -> {
        page.press(selector, with.getString("key"));
        yield new JsonObject();
      }
      case SELECT -> new JsonObject().put("selected", new JsonArray(page.selectOption(selector, String.valueOf(with.getValue("value")))));
      case CHECK -> {
        page.check(selector);
        yield new JsonObject();
      }
      case EXTRACT -> extract(page.locator(selector), with.getString("attribute"), with.getBoolean("all", false));
      case ASSERT -> goalReached(page, with);
      case WAIT_FOR -> {
        if (selector != null) {
          String state = with.getString("state", "visible");
          page.waitForSelector(selector, new Page.WaitForSelectorOptions().setState(WaitForSelectorState.valueOf(state.toUpperCase(Locale.ROOT))));
        } else if (with.getString("url") != null) {
          page.waitForURL(with.getString("url"));
        } else {
          page.getByText(with.getString("text")).first().waitFor();
        }
        yield new JsonObject().put("url", page.url());
      }
      case EVALUATE -> new JsonObject().put("value", Json.decodeValue(Json.encode(page.evaluate(with.getString("script")))));
      case SCREENSHOT -> {
        byte[] png = page.screenshot(new Page.ScreenshotOptions().setFullPage(with.getBoolean("fullPage", false)));
        String name = String.valueOf(with.getValue("name"));
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) throw new StepFailure(ErrorClass.BAD_WORKFLOW, "screenshot name '" + name + "' is not a file name");
        name += ".png";
        ctx.artifacts().save(name, "image/png", png);
        yield new JsonObject().put("artifact", name).put("size", png.length);
      }
    };
  }

  /**
   * The goal indicators a run checks before it counts as done: an element visible, the URL containing a string, a
   * text present; each given one must hold within the action timeout.
   */
  private static JsonObject goalReached(Page page, JsonObject with) {
    String selector = with.getString("selector"), url = with.getString("urlContains"), text = with.getString("textPresent");
    try {
      if (selector != null) page.locator(selector).first().waitFor();
      if (url != null) page.waitForURL(u -> u.contains(url));
      if (text != null) page.getByText(text).first().waitFor();
    } catch (TimeoutError e) {
      throw new StepFailure(ErrorClass.ELEMENT_NOT_FOUND, "goal not reached on " + page.url() + ": "
          + (selector != null ? "selector " + selector : "") + (url != null ? " url containing " + url : "") + (text != null ? " text '" + text + "'" : ""));
    }
    return new JsonObject().put("url", page.url());
  }

  private static JsonObject extract(Locator found, String attribute, boolean all) {
    if (all) {
      List<String> values = attribute == null ? found.allTextContents().stream().map(String::strip).toList()
          : found.all().stream().map(l -> l.getAttribute(attribute)).toList();
      return new JsonObject().put("values", new JsonArray(values)).put("count", values.size());
    }
    Locator first = found.first();
    first.waitFor();
    int count = found.count();
    return attribute == null ? new JsonObject().put("text", first.textContent().strip()).put("count", count)
        : new JsonObject().put("value", first.getAttribute(attribute)).put("count", count);
  }

  /** Playwright's exceptions as error classes, with a one-line message (Playwright's own carries its whole call log). */
  StepFailure classify(Throwable e) {
    if (e instanceof StepFailure f) return f;
    String message = summary(e);
    if (e instanceof TimeoutError) return new StepFailure(action == Action.GOTO ? ErrorClass.PAGE_TIMEOUT : ErrorClass.ELEMENT_NOT_FOUND, message);
    if (e instanceof PlaywrightException) {
      if (message.contains("has been closed") || message.contains("Target closed") || message.contains("crashed")) {
        return new StepFailure(ErrorClass.BROWSER_CRASHED, message);
      }
      if (message.contains("invalid URL") || message.contains("ERR_INVALID_URL")) return new StepFailure(ErrorClass.INVALID_URL, message);
      if (message.contains("net::ERR_")) return new StepFailure(ErrorClass.CONNECTION_FAILED, message);
    }
    return new StepFailure(ErrorClass.UNKNOWN, message);
  }

  /**
   * The gist of a Playwright error: its messages look like {@code Error {\n  message='…\n  name='…'} or
   * {@code Timeout 5000ms exceeded.\n=========================== logs ===…}; keep the first meaningful line.
   */
  public static String summary(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int at = m.indexOf("message='");
    if (at >= 0) m = m.substring(at + "message='".length());
    return m.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("Error {")).findFirst().orElse(e.toString());
  }
}
