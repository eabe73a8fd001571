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
import io.robogrid.runner.browser.BrowserJob;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code browser.*} steps, run on one of the job's pages in its leased browser slot (on the slot's thread, never
 * on an event loop). A failed action is classified, and {@link BrowserRecovery} works around the usual web failures
 * before the step gives up; what cannot help (site down, access denied, invalid URL, a crashed browser) ends the step
 * at once.
 */
public final class BrowserStep implements StepExecutor {
  /** The step types, by the name workflows use; {@code changesPage} ones count for loop detection. */
  public enum Action {
    GOTO("browser.goto", true), CLICK("browser.click", true), FILL("browser.fill", true), PRESS("browser.press", true),
    SELECT("browser.select", true), CHECK("browser.check", true), EXTRACT("browser.extract", false), WAIT_FOR("browser.waitFor", false),
    ASSERT("browser.assert", false), EVALUATE("browser.evaluate", false), SCREENSHOT("browser.screenshot", false);

    public final String type;
    final boolean changesPage;

    Action(String type, boolean changesPage) {
      this.type = type;
      this.changesPage = changesPage;
    }

    static Action of(String type) {
      for (Action a : values()) if (a.type.equals(type)) return a;
      throw new StepFailure(ErrorClass.BAD_WORKFLOW, "no browser step type '" + type + "'");
    }
  }

  /** Tries of a step's action, the first one included, before its failure goes to the step's own retry policy. */
  static final int MAX_TRIES = 4;
  /** An alternative that is on the page but does not work within this is passed over for the next one. */
  static final long ALTERNATIVE_WAIT_MS = 2_000;
  /** How long the {@code until} goal of a repeated action may take to show after each repeat. */
  static final long UNTIL_WAIT_MS = 1_000;
  static final int DEFAULT_MAX_REPEATS = 20;

  private final Action action;

  public BrowserStep(Action action) {
    this.action = action;
  }

  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    if (ctx.browser() == null) {
      return Future.failedFuture(new StepFailure(ErrorClass.BAD_WORKFLOW, action.type + " needs a browser: the job holds no browser slot"));
    }
    // the page as it was when the step failed is kept by the run, however the step ended (WorkflowRun#keepFailedPage)
    return tryAction(ctx, 1).recover(e -> Future.failedFuture(classify(e)));
  }

  private Future<JsonObject> tryAction(StepContext ctx, int tryNo) {
    BrowserJob job = ctx.browser();
    if (tryNo > 1) {
      try {
        ctx.budget().spend(action.type + " of step " + ctx.stepId() + " (try " + tryNo + " after a recovery)");
      } catch (StepFailure f) {
        return Future.failedFuture(f);
      }
    }
    return job.session().call(ctx.vertx(), () -> perform(ctx, job)).recover(e -> {
      StepFailure failure = classify(e);
      if (ctx.cancellation().isCancelled() || tryNo >= MAX_TRIES) return Future.failedFuture(failure);
      return BrowserRecovery.recover(ctx, action, failure, tryNo).compose(v -> tryAction(ctx, tryNo + 1));
    });
  }

  // ---- the actions (on the slot's thread)

  private JsonObject perform(StepContext ctx, BrowserJob job) {
    job.watchPages();
    JsonObject with = ctx.with();
    Page page = job.session().page(with.getString("page"));
    job.beforeAction();
    long timeout = job.session().actionTimeoutMs();
    ctx.budget().ensureStillOurs(action.type + " of step " + ctx.stepId()); // the page may have taken a frozen second to open
    return switch (action) {
      case GOTO -> {
        String url = String.valueOf(with.getValue("url"));
        // checked again here: a URL built from input could point at the node's own files (file://, chrome://)
        if (!(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("data:"))) {
          throw new StepFailure(ErrorClass.INVALID_URL, "not an http://, https:// or data: URL: " + url);
        }
        Response r = navigate(job, page, url, timeout);
        answered(r);
        job.acted(page, "goto " + url);
        yield new JsonObject().put("url", page.url()).put("status", r == null ? 0 : r.status()).put("title", page.title());
      }
      case CLICK -> repeated(ctx, job, page, (sel, t) -> page.click(sel, new Page.ClickOptions().setTimeout(t)));
      case PRESS -> repeated(ctx, job, page, (sel, t) -> page.press(sel, with.getString("key"), new Page.PressOptions().setTimeout(t)));
      case FILL -> changed(job, page, with, target(ctx, job, page, with.getValue("selector"),
          (sel, t) -> page.fill(sel, String.valueOf(with.getValue("value")), new Page.FillOptions().setTimeout(t))));
      case CHECK -> changed(job, page, with, target(ctx, job, page, with.getValue("selector"),
          (sel, t) -> page.check(sel, new Page.CheckOptions().setTimeout(t))));
      case SELECT -> {
        List<String> selected = new ArrayList<>();
        String used = target(ctx, job, page, with.getValue("selector"), (sel, t) -> {
          selected.clear();
          selected.addAll(page.selectOption(sel, String.valueOf(with.getValue("value")), new Page.SelectOptionOptions().setTimeout(t)));
        });
        yield changed(job, page, with, used).put("selected", new JsonArray(selected));
      }
      case EXTRACT -> {
        boolean all = with.getBoolean("all", false);
        String used = all ? firstPresent(page, with.getValue("selector"))
            : target(ctx, job, page, with.getValue("selector"), (sel, t) -> page.locator(sel).first().waitFor(new Locator.WaitForOptions().setTimeout(t)));
        yield withSelector(extract(page.locator(used), with.getString("attribute"), all), with, used);
      }
      case WAIT_FOR -> {
        Object selector = with.getValue("selector");
        if (selector != null) {
          WaitForSelectorState state = WaitForSelectorState.valueOf(with.getString("state", "visible").toUpperCase(Locale.ROOT));
          if (state == WaitForSelectorState.HIDDEN || state == WaitForSelectorState.DETACHED) {
            // gone under every one of its names
            for (String sel : alternatives(selector)) page.waitForSelector(sel, new Page.WaitForSelectorOptions().setState(state).setTimeout(timeout));
          } else {
            String used = target(ctx, job, page, selector, (sel, t) -> page.waitForSelector(sel, new Page.WaitForSelectorOptions().setState(state).setTimeout(t)));
            yield withSelector(new JsonObject().put("url", page.url()), with, used);
          }
        } else if (with.getString("url") != null) {
          page.waitForURL(with.getString("url"), new Page.WaitForURLOptions().setTimeout(timeout));
        } else {
          page.getByText(with.getString("text")).first().waitFor(new Locator.WaitForOptions().setTimeout(timeout));
        }
        yield new JsonObject().put("url", page.url());
      }
      case ASSERT -> goalReached(page, with, timeout);
      case EVALUATE -> new JsonObject().put("value", Json.decodeValue(Json.encode(page.evaluate(with.getString("script")))));
      case SCREENSHOT -> {
        String name = String.valueOf(with.getValue("name"));
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) throw new StepFailure(ErrorClass.BAD_WORKFLOW, "screenshot name '" + name + "' is not a file name");
        byte[] png = page.screenshot(new Page.ScreenshotOptions().setFullPage(with.getBoolean("fullPage", false)));
        name += ".png";
        ctx.artifacts().save(name, "image/png", png);
        yield new JsonObject().put("artifact", name).put("size", png.length);
      }
    };
  }

  /**
   * A click or key press, repeated while it has an {@code until} goal that does not hold yet (a "next" button, a "load
   * more" link), at most {@code maxRepeats} times; with {@code opensPage}, the popup it opens becomes that page.
   */
  private JsonObject repeated(StepContext ctx, BrowserJob job, Page page, BiConsumer<String, Long> act) {
    JsonObject with = ctx.with();
    JsonObject until = with.getJsonObject("until");
    int max = with.getInteger("maxRepeats", DEFAULT_MAX_REPEATS);
    String opens = with.getString("opensPage");
    String used;
    int times = 0;
    while (true) {
      if (++times > 1) ctx.budget().spend(action.type + " of step " + ctx.stepId() + " (repeat " + times + ")");
      job.beforeAction();
      if (opens != null) {
        String[] chosen = new String[1];
        Page popup = page.waitForPopup(() -> chosen[0] = target(ctx, job, page, with.getValue("selector"), act));
        popup.waitForLoadState();
        job.session().adopt(opens, popup);
        used = chosen[0];
      } else {
        used = target(ctx, job, page, with.getValue("selector"), act);
      }
      answered(job.navigation());
      job.acted(page, action.type + " " + used);
      if (until == null || holds(page, until, UNTIL_WAIT_MS)) break;
      if (times >= max) {
        throw new StepFailure(ErrorClass.LOOP_DETECTED, action.type + " " + used + " was repeated " + max + " times (maxRepeats) on "
            + page.url() + " and the goal (" + describe(until) + ") never showed");
      }
    }
    JsonObject out = withSelector(new JsonObject().put("url", page.url()), with, used);
    if (until != null) out.put("repeats", times);
    if (opens != null) out.put("opened", opens);
    return out;
  }

  /** After an action that can change the page: a navigation it caused must have been answered well; loop detection. */
  private JsonObject changed(BrowserJob job, Page page, JsonObject with, String used) {
    answered(job.navigation());
    job.acted(page, action.type + " " + used);
    return withSelector(new JsonObject(), with, used);
  }

  /** The answer a page navigation got: 429 is worth a backoff; refused access and a site answering 5xx are not. */
  private static void answered(Response r) {
    if (r == null) return;
    int status = r.status();
    if (status == 429) {
      String after = r.headerValue("retry-after");
      long ms = after != null && after.strip().matches("\\d{1,6}") ? Long.parseLong(after.strip()) * 1000 : -1;
      throw new BrowserRecovery.RateLimited("the site answered 429 Too Many Requests (" + r.url() + ")", ms);
    }
    if (status == 401 || status == 403) throw new StepFailure(ErrorClass.ACCESS_DENIED, "the site answered " + status + " (" + r.url() + ")");
    if (status >= 500) throw new StepFailure(ErrorClass.SITE_DOWN, "the site answered " + status + " (" + r.url() + ")");
  }

  /**
   * Runs {@code act} with the step's selector and returns the selector it used. A list of alternatives is tried in
   * order, the path cache's choice for this step on this site first: those on the page now, each but the last given
   * {@value #ALTERNATIVE_WAIT_MS} ms (one that is there but hidden or disabled must not use up the step's time); when
   * none is there yet, the first to show up. Which one worked, and how long finding it took, goes to the path.
   */
  private String target(StepContext ctx, BrowserJob job, Page page, Object selector, BiConsumer<String, Long> act) {
    long timeout = job.session().actionTimeoutMs();
    if (!(selector instanceof JsonArray)) {
      act.accept(String.valueOf(selector), timeout);
      return String.valueOf(selector);
    }
    List<String> alternatives = alternatives(selector);
    String site = BrowserJob.site(page.url());
    BrowserJob.Choice cached = job.cached(site, ctx.stepId());
    List<String> order = new ArrayList<>();
    if (cached != null && alternatives.contains(cached.selector())) order.add(cached.selector());
    for (String a : alternatives) if (!order.contains(a)) order.add(a);
    long t0 = System.nanoTime();
    PlaywrightException last = null;
    List<String> present = order.stream().filter(a -> page.locator(a).count() > 0).toList();
    for (int i = 0; i < present.size(); i++) {
      try {
        act.accept(present.get(i), i == present.size() - 1 ? timeout : Math.min(timeout, ALTERNATIVE_WAIT_MS));
        return chosen(ctx, job, site, alternatives, present.get(i), t0);
      } catch (TimeoutError e) {
        last = e;
      }
    }
    Locator any = null;
    for (String a : order) any = any == null ? page.locator(a) : any.or(page.locator(a));
    try {
      any.first().waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED).setTimeout(timeout));
    } catch (TimeoutError e) {
      throw new StepFailure(ErrorClass.ELEMENT_NOT_FOUND, "none of the " + alternatives.size() + " selectors worked on " + page.url()
          + ": " + String.join(" | ", alternatives) + (last == null ? "" : " (" + summary(last) + ")"));
    }
    for (String a : order) {
      if (!present.contains(a) && page.locator(a).count() > 0) {
        act.accept(a, timeout);
        return chosen(ctx, job, site, alternatives, a, t0);
      }
    }
    throw new StepFailure(ErrorClass.ELEMENT_NOT_FOUND, "none of the " + alternatives.size() + " selectors worked on " + page.url()
        + ": " + String.join(" | ", alternatives));
  }

  private static String chosen(StepContext ctx, BrowserJob job, String site, List<String> alternatives, String used, long t0) {
    job.resolvedPath(site, ctx.stepId(), used, alternatives.indexOf(used), (System.nanoTime() - t0) / 1_000_000);
    return used;
  }

  private static List<String> alternatives(Object selector) {
    return selector instanceof JsonArray a ? a.stream().map(String::valueOf).toList() : List.of(String.valueOf(selector));
  }

  /** The first alternative on the page now, or the first of all (for a read that may find nothing). */
  private static String firstPresent(Page page, Object selector) {
    List<String> all = alternatives(selector);
    return all.stream().filter(a -> page.locator(a).count() > 0).findFirst().orElse(all.get(0));
  }

  /** A step given alternatives says in its output which one it used. */
  private static JsonObject withSelector(JsonObject out, JsonObject with, String used) {
    if (with.getValue("selector") instanceof JsonArray) out.put("selector", used);
    return out;
  }

  /**
   * The goal indicators a run checks before it counts as done: an element visible (any of a list), the URL containing
   * a string, a text present; each given one must hold within {@code timeout}.
   */
  private static JsonObject goalReached(Page page, JsonObject goal, long timeout) {
    Object selector = goal.getValue("selector");
    String url = goal.getString("urlContains"), text = goal.getString("textPresent");
    try {
      if (selector != null) anyOf(page, selector).first().waitFor(new Locator.WaitForOptions().setTimeout(timeout));
      if (url != null) page.waitForURL(u -> u.contains(url), new Page.WaitForURLOptions().setTimeout(timeout));
      if (text != null) page.getByText(text).first().waitFor(new Locator.WaitForOptions().setTimeout(timeout));
    } catch (TimeoutError e) {
      throw new StepFailure(ErrorClass.ELEMENT_NOT_FOUND, "goal not reached on " + page.url() + ": " + describe(goal));
    }
    return new JsonObject().put("url", page.url());
  }

  /** "Navigation to "A" is interrupted by another navigation to "B"": Playwright's words, A and B as it wrote them. */
  private static final Pattern INTERRUPTED = Pattern.compile(
      "Navigation to \"([^\"]*)\" is interrupted by another navigation to \"([^\"]*)\"");

  /**
   * Slot thread: goes to {@code url}. Chromium may restart a load it still has pending for the same URL (the try
   * before timed out on it, and its answer comes late), which cuts this navigation short although the page is on its
   * way where it was asked to go: then the step waits for it to arrive, within the action's time, instead of spending
   * a try on a new navigation that the same restart can cut short again (seen in CI: every try, until none was left).
   */
  private static Response navigate(BrowserJob job, Page page, String url, long timeout) {
    try {
      return page.navigate(url);
    } catch (PlaywrightException e) {
      Matcher m = e instanceof TimeoutError || e.getMessage() == null ? null : INTERRUPTED.matcher(e.getMessage());
      if (m == null || !m.find() || !m.group(1).equals(m.group(2))) throw e;
      String target = m.group(2);
      page.waitForURL(target::equals, new Page.WaitForURLOptions().setTimeout(timeout));
      return job.navigation(); // the answer of the load that got there, as the page's listener saw it
    }
  }

  private static boolean holds(Page page, JsonObject goal, long timeout) {
    try {
      goalReached(page, goal, timeout);
      return true;
    } catch (StepFailure e) {
      return false;
    }
  }

  /** The goal as it is now, without waiting. */
  public static boolean holdsNow(Page page, JsonObject goal) {
    Object selector = goal.getValue("selector");
    String url = goal.getString("urlContains"), text = goal.getString("textPresent");
    return (selector == null || anyOf(page, selector).first().isVisible())
        && (url == null || page.url().contains(url))
        && (text == null || page.getByText(text).first().isVisible());
  }

  private static Locator anyOf(Page page, Object selector) {
    Locator any = null;
    for (String a : alternatives(selector)) any = any == null ? page.locator(a) : any.or(page.locator(a));
    return any;
  }

  private static String describe(JsonObject goal) {
    List<String> parts = new ArrayList<>();
    if (goal.getValue("selector") != null) parts.add("selector " + String.join(" | ", alternatives(goal.getValue("selector"))));
    if (goal.getString("urlContains") != null) parts.add("url containing " + goal.getString("urlContains"));
    if (goal.getString("textPresent") != null) parts.add("text '" + goal.getString("textPresent") + "'");
    return String.join(", ", parts);
  }

  private static JsonObject extract(Locator found, String attribute, boolean all) {
    if (all) {
      List<String> values = attribute == null ? found.allTextContents().stream().map(String::strip).toList()
          : found.all().stream().map(l -> l.getAttribute(attribute)).toList();
      return new JsonObject().put("values", new JsonArray(values)).put("count", values.size());
    }
    Locator first = found.first();
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
      // a navigation still under way (the page's own redirect, a script's location change) cut this one short: the
      // page is slow, not broken, and the recovery for a slow page applies (seen in CI: UNKNOWN, no second try)
      if (action == Action.GOTO && message.contains("interrupted by another navigation")) return new StepFailure(ErrorClass.PAGE_TIMEOUT, message);
      if (message.contains("has been closed") || message.contains("Target closed") || message.contains("crashed")) {
        return new StepFailure(ErrorClass.BROWSER_CRASHED, message);
      }
      if (message.contains("invalid URL") || message.contains("ERR_INVALID_URL")) return new StepFailure(ErrorClass.INVALID_URL, message);
      // nobody answers at that address: the site is down (or the URL is wrong); trying again at once will not help
      if (message.contains("ERR_CONNECTION_REFUSED") || message.contains("ERR_NAME_NOT_RESOLVED") || message.contains("ERR_ADDRESS_UNREACHABLE")) {
        return new StepFailure(ErrorClass.SITE_DOWN, message);
      }
      if (message.contains("net::ERR_")) return new StepFailure(ErrorClass.CONNECTION_FAILED, message);
      if (message.contains("Timeout") && message.contains("exceeded")) {
        return new StepFailure(action == Action.GOTO ? ErrorClass.PAGE_TIMEOUT : ErrorClass.ELEMENT_NOT_FOUND, message);
      }
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
