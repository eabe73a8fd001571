package io.robogrid.runner.browser;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.workflow.Workflow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one attempt does with its browser beyond single actions: its session (context and pages), the robot's login
 * sub-flow, the path cache it was given and the path it resolves, the recoveries it made, loop detection and its
 * counters. Written on the slot's thread and read on the runner's event loop once the run has ended (hence the
 * synchronized methods).
 */
public final class BrowserJob {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BrowserJob.class);
  /** The same page state this many times in a row ends the run: it is going nowhere. */
  static final int LOOP_LIMIT = 3;
  /** Logins one attempt may run: a login that does not stick would otherwise repeat until maxSteps. */
  public static final int MAX_LOGINS = 2;

  /**
   * One resolved step of the action path: on {@code site}, step {@code step} worked with alternative number
   * {@code alternative} ({@code selector}); {@code fullListMs} is how long finding it took without a cached choice.
   */
  public record Choice(String site, String step, String selector, int alternative, long fullListMs) {
    public JsonObject toJson() {
      return new JsonObject().put("site", site).put("step", step).put("selector", selector).put("alternative", alternative)
          .put("fullListMs", fullListMs);
    }

    public static Choice fromJson(JsonObject j) {
      return new Choice(j.getString("site"), j.getString("step"), j.getString("selector"), j.getInteger("alternative", 0),
          j.getLong("fullListMs", 0L));
    }
  }

  private final BrowserSession session;
  private final Workflow.LoginFlow login;
  private final Map<String, Choice> cached = new LinkedHashMap<>();
  private final Map<String, Choice> resolved = new LinkedHashMap<>();
  private final Map<String, Integer> recoveries = new TreeMap<>();
  private final Deque<Integer> states = new ArrayDeque<>();
  private int actions, cacheHits, cacheMisses, resolvedFromList, logins;
  private long savedMs;
  private boolean inLogin;
  private boolean watching;
  /** The last main-frame navigation answer of the current action, if any (a click can navigate too). */
  private volatile Response navigation;

  private io.robogrid.runner.goal.GoalMetrics goals;

  public BrowserJob(BrowserSession session, Workflow.LoginFlow login, JsonArray cachedPath) {
    this.session = session;
    this.login = login;
    if (cachedPath != null) {
      for (Object o : cachedPath) {
        if (o instanceof JsonObject j) {
          Choice c = Choice.fromJson(j);
          cached.put(key(c.site(), c.step()), c);
        }
      }
    }
  }

  /** What this job's goal runs did ({@code metrics.goal}); created by the first goal run. */
  public synchronized io.robogrid.runner.goal.GoalMetrics goalMetrics() {
    if (goals == null) goals = new io.robogrid.runner.goal.GoalMetrics();
    return goals;
  }

  /** The goal runs' metrics, or null when the job ran none. */
  public synchronized io.robogrid.runner.goal.GoalMetrics goalMetricsIfAny() {
    return goals;
  }

  public BrowserSession session() {
    return session;
  }

  public Workflow.LoginFlow login() {
    return login;
  }

  /**
   * Slot thread: watches the job's pages from its first action on: their main-frame answers (a click can navigate,
   * and be answered 429), and native dialogs (alert, confirm), which would block the page: they are dismissed.
   */
  public void watchPages() {
    if (watching) return;
    watching = true;
    session.onEveryPage(page -> {
      page.onResponse(r -> {
        if (r.request().isNavigationRequest() && r.frame() == page.mainFrame()) navigation = r;
      });
      page.onDialog(d -> {
        log.info("browser slot {}: dismissed a {} dialog: {}", session.slot(), d.type(), d.message());
        recovered("dialogDismissed");
        d.dismiss();
      });
    });
  }

  /** Slot thread: forget the previous action's navigation. */
  public void beforeAction() {
    navigation = null;
  }

  public Response navigation() {
    return navigation;
  }

  public synchronized boolean inLogin() {
    return inLogin;
  }

  /** Starts a login run, if this attempt may still run one. */
  public synchronized boolean beginLogin() {
    if (login == null || inLogin || logins >= MAX_LOGINS) return false;
    logins++;
    inLogin = true;
    return true;
  }

  public synchronized void endLogin() {
    inLogin = false;
  }

  public synchronized void recovered(String how) {
    recoveries.merge(how, 1, Integer::sum);
  }

  /** The cached choice for {@code step} on {@code site}, or null. */
  public synchronized Choice cached(String site, String step) {
    return cached.get(key(site, step));
  }

  /**
   * Records which alternative worked for a step; with {@code hit} the cached choice worked at once, and the time it
   * saved is what finding it from the full list took when it was recorded, less what it took now.
   */
  public synchronized void resolvedPath(String site, String step, String selector, int alternative, long tookMs) {
    Choice before = cached.get(key(site, step));
    long fullListMs = tookMs;
    if (before != null && before.selector().equals(selector)) {
      cacheHits++;
      savedMs += Math.max(0, before.fullListMs() - tookMs);
      fullListMs = before.fullListMs();
    } else if (before != null) {
      cacheMisses++;
    } else {
      resolvedFromList++;
    }
    resolved.put(key(site, step), new Choice(site, step, selector, alternative, fullListMs));
  }

  /**
   * Slot thread: counts an action that changes the page and compares the page's state (URL, title, text, form
   * values) with the states after the actions before it; the same state {@value #LOOP_LIMIT} times in a row fails.
   */
  public void acted(Page page, String what) {
    Integer state = fingerprint(page);
    synchronized (this) {
      actions++;
      if (state == null) { // no reading: the chain of equal states is broken, not extended
        states.clear();
        return;
      }
      if (!states.isEmpty() && !states.peekLast().equals(state)) states.clear();
      states.addLast(state);
      if (states.size() >= LOOP_LIMIT) {
        states.clear();
        throw new StepFailure(ErrorClass.LOOP_DETECTED, "the page stayed the same (" + page.url() + ") after " + LOOP_LIMIT
            + " actions in a row, the last " + what + ": the run is going nowhere");
      }
    }
  }

  /**
   * The page's state after an action, or null when it cannot be read. An action that set off a navigation (a form
   * posted, then redirected) can leave the page between documents, where a script fails with "execution context was
   * destroyed": wait for the document to load and read again. Loop detection must never fail a step by itself.
   */
  private static Integer fingerprint(Page page) {
    for (int i = 0; i < 3; i++) {
      try {
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.DOMCONTENTLOADED);
        return ((Number) page.evaluate(FINGERPRINT)).intValue();
      } catch (com.microsoft.playwright.PlaywrightException e) {
        log.debug("page state not read ({}), {}", String.valueOf(e.getMessage()).lines().findFirst().orElse(""), i < 2 ? "again" : "giving up");
      }
    }
    return null;
  }

  /** The action path this attempt resolved (for the path cache, once the run reached its goal). */
  public synchronized JsonArray path() {
    JsonArray out = new JsonArray();
    resolved.values().forEach(c -> out.add(c.toJson()));
    return out;
  }

  /** The browser's part of the job's metrics. */
  public synchronized JsonObject metrics() {
    JsonObject rec = new JsonObject();
    recoveries.forEach(rec::put);
    return new JsonObject().put("actions", actions).put("recoveries", rec).put("logins", logins)
        .put("pathCache", new JsonObject().put("hit", cacheHits > 0 && cacheMisses == 0).put("hits", cacheHits).put("misses", cacheMisses)
            .put("resolvedFromList", resolvedFromList).put("savedMs", savedMs));
  }

  /**
   * Keeps a screenshot and the HTML of page {@code pageName} as it is now, as {@code <prefix>.png} and {@code .html};
   * never fails. It runs on the slot's thread after whatever is under way there (an action that outlived its step's
   * timeout ends by its own action timeout first), and before the job's context is closed.
   */
  public Future<Void> keepPage(Vertx vertx, String pageName, String prefix, io.robogrid.runner.StepContext.Artifacts artifacts) {
    return session.call(vertx, () -> {
      Page page = session.page(pageName);
      artifacts.save(prefix + ".png", "image/png", page.screenshot());
      artifacts.save(prefix + ".html", "text/html; charset=utf-8", page.content().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return (Void) null;
    }).otherwiseEmpty();
  }

  /** The site part of a cache key: scheme, host and port of the page's URL ({@code about:blank} before any goto). */
  public static String site(String url) {
    try {
      URI u = URI.create(url);
      if (u.getHost() == null) return u.getScheme() + ":";
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  private static String key(String site, String step) {
    return site + " " + step;
  }

  /** A 32-bit FNV-1a hash of what a person would see change: URL, title, text and the values of form fields. */
  private static final String FINGERPRINT = """
      () => {
        const fields = [...document.querySelectorAll('input, select, textarea')]
          .map(e => e.type === 'checkbox' || e.type === 'radio' ? String(e.checked) : e.value).join('\\u0001');
        const s = location.href + '\\u0002' + document.title + '\\u0002' + (document.body ? document.body.innerText : '') + '\\u0002' + fields;
        let h = 0x811c9dc5;
        for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
        return h | 0;
      }""";

}
