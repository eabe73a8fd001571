package io.robogrid.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.robogrid.runner.browser.BrowserOptions;
import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard ({@code web/}) in real headless Chromium against a whole node: the token (from the link, asked for,
 * refused), the jobs table following the stream, the job view's decisions (approve, reject, cancel, re-run), a
 * failed browser job's screenshot shown inline, the robots' buttons and the cluster view. One grid and one browser
 * for the class (each test has a fresh browser context, so a fresh tab storage); tests only look at their own jobs.
 */
@ExtendWith(VertxExtension.class)
class DashboardTest {
  private static final String ROBOTS = """
      {"robots": [
        {"name": "payout", "description": "Pays an approved invoice.", "requiresApproval": true,
         "steps": [{"id": "check", "type": "log", "with": {"message": "checking"}},
                   {"id": "pay", "type": "wait", "needs": ["check"], "with": {"duration": "300ms"}}]},
        {"name": "report", "description": "Builds the daily report.", "steps": [
          {"id": "fetch", "type": "set", "with": {"rows": 3}},
          {"id": "render", "type": "log", "needs": ["fetch"], "with": {"message": "rendered ${steps.fetch.output.rows} rows"}}]},
        {"name": "nightly", "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin"}, "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";
  /** A page for the browser job: an order form whose total is missing. */
  private static final String ORDER_FORM = """
      <html><head><title>Order 4711</title><style>body{font:16px sans-serif;margin:2em}label{display:block;margin:.6em 0}</style></head>
      <body><h1>Order 4711</h1><p>Customer: ACME Corp</p>
      <label>Quantity <input id="qty" value="12"></label><label>Total <input id="total" value=""></label>
      <button>Submit order</button></body></html>""";

  /** For states a job reaches only after it ran. */
  private static final LocatorAssertions.HasTextOptions SLOW = new LocatorAssertions.HasTextOptions().setTimeout(20_000);

  private static TestGrid grid;
  private static String base;
  private static Playwright playwright;
  private static Browser browser;

  private BrowserContext context;
  private Page page;
  private final List<String> pageErrors = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    grid = TestGrid.start(vertx, ROBOTS, 4, "http", "browser:1");
    base = "http://127.0.0.1:" + grid.port;
    playwright = Playwright.create(BrowserOptions.driverOptions());
    browser = playwright.chromium().launch(BrowserOptions.fromJson(null).launchOptions());
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    if (browser != null) browser.close();
    if (playwright != null) playwright.close();
    Await.result(vertx.close());
  }

  @BeforeEach
  void newTab() {
    context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
    context.setDefaultTimeout(15_000);
    page = context.newPage();
    page.onPageError(pageErrors::add); // an uncaught exception in the page's own code fails the test
  }

  @AfterEach
  void closeTab() {
    context.close();
    assertEquals(List.of(), pageErrors, "script errors in the page");
  }

  /** Opens the dashboard with the admin token in the link, at {@code route}, and waits for the stream. */
  private void open(String route) {
    page.navigate(base + "/#token=" + TestGrid.ADMIN_TOKEN);
    assertThat(connection()).hasText("live");
    if (route != null) page.evaluate("r => location.hash = r", route);
  }

  private Locator connection() {
    return page.getByTestId("connection");
  }

  private Locator jobRow(String id) {
    return page.locator("[data-testid=job-row][data-job-id='" + id + "']");
  }

  /** The state badge in the open job view. */
  private Locator viewState() {
    return page.locator("[data-testid=job-view] [data-testid=job-state]");
  }

  @Test
  void theTokenComesFromTheLinkOrIsAskedForAndAWrongOneIsRefused() {
    page.navigate(base + "/#token=" + TestGrid.ADMIN_TOKEN);
    assertThat(connection()).hasText("live");
    assertThat(page.getByTestId("jobs-table")).isVisible();
    assertFalse(page.url().contains("token"), "the token stays in the address bar: " + page.url());
    assertFalse(page.url().contains("#"), page.url());
    assertEquals(TestGrid.ADMIN_TOKEN, page.evaluate("() => sessionStorage.getItem('robogridToken')"));
    assertThat(page.getByTestId("login")).isHidden();

    // a new tab without a token: asked for one; a wrong one is refused, visibly, and forgotten
    context.close();
    newTab();
    page.navigate(base + "/");
    assertThat(page.getByTestId("login")).isVisible();
    assertThat(connection()).hasText("signed out");
    page.getByTestId("token-input").fill("rgt_not-a-token-of-this-grid");
    page.getByTestId("token-submit").click();
    assertThat(page.getByTestId("login-error")).containsText("refused");
    assertThat(page.getByTestId("login-error")).containsText("UNAUTHORIZED");
    assertThat(page.getByTestId("login")).isVisible();
    assertNull(page.evaluate("() => sessionStorage.getItem('robogridToken')"), "a refused token must be forgotten");

    // a viewer's token works for looking; what it may not do is refused visibly
    page.getByTestId("token-input").fill(grid.token("dashboard-viewer", "viewer"));
    page.getByTestId("token-submit").click();
    assertThat(connection()).hasText("live");
    assertThat(page.getByTestId("login")).isHidden();
    assertThat(page.getByTestId("jobs-table")).isVisible();
    page.locator("#nav a[data-view=robots]").click();
    page.locator("[data-testid=robot-row][data-robot=report] [data-testid=run-now]").click();
    assertThat(page.getByTestId("error")).containsText("FORBIDDEN");
    assertTrue(page.url().endsWith("#/robots"), "no job was made: " + page.url());
  }

  @Test
  void aJobSubmittedThroughTheApiAppearsAndMovesLive() {
    open(null);
    assertThat(page.getByTestId("jobs-table")).isVisible();
    page.evaluate("() => window.notReloaded = true");
    String id = grid.submit(inline(null, step("prepare", "set", new JsonObject().put("n", 1)),
        step("work", "wait", new JsonObject().put("duration", "4s"), "prepare"))).getString("id"); // RUNNING long enough to be seen

    Locator state = jobRow(id).getByTestId("job-state");
    assertThat(state).hasText(Pattern.compile("QUEUED|CLAIMED|RUNNING"));
    assertThat(state).hasText("RUNNING");
    assertThat(jobRow(id)).containsText("(inline)");
    assertThat(state).hasText("SUCCEEDED", SLOW);
    assertEquals(true, page.evaluate("() => window.notReloaded"), "the page was reloaded");

    // the state filter hides it; its row opens the job view
    page.getByTestId("filter-state").selectOption("FAILED");
    assertThat(jobRow(id)).hasCount(0);
    page.getByTestId("filter-state").selectOption("SUCCEEDED");
    jobRow(id).click();
    assertThat(page.getByTestId("job-view")).hasAttribute("data-job-id", id);
    assertThat(viewState()).hasText("SUCCEEDED");
    assertThat(page.getByTestId("progress")).hasAttribute("aria-valuenow", "2");
    assertThat(page.locator("[data-testid=step][data-step-id=work] [data-testid=step-state]")).hasText("SUCCEEDED");
    assertThat(page.locator("[data-testid=event][data-type='step.finished']")).hasCount(2);
  }

  @Test
  void aDroppedStreamReconnectsAndReplaysWhatItMissed() {
    List<String> urls = new ArrayList<>();
    List<WebSocketRoute> connected = new ArrayList<>();
    AtomicReference<Runnable> whileReconnecting = new AtomicReference<>();
    // every stream connection passes through the test: it can drop one, and make things happen while the page waits
    // for the next (the handler runs on this thread, inside whichever Playwright call is waiting)
    page.routeWebSocket(Pattern.compile(".*/api/v1/stream\\?.*"), ws -> {
      urls.add(ws.url());
      Runnable meanwhile = whileReconnecting.getAndSet(null);
      if (meanwhile != null) meanwhile.run();
      ws.connectToServer();
      connected.add(ws);
    });
    open(null);
    String before = grid.submit(inline(null, step("s", "set", new JsonObject()))).getString("id");
    assertThat(jobRow(before).getByTestId("job-state")).hasText("SUCCEEDED"); // an event has been seen: there is a seq to replay from

    // a job comes and finishes while the page has no stream
    String[] missed = new String[1];
    whileReconnecting.set(() -> {
      missed[0] = grid.submit(inline(null, step("s", "set", new JsonObject()))).getString("id");
      grid.awaitState(missed[0], Duration.ofSeconds(10), "SUCCEEDED");
    });
    connected.get(0).close();
    assertThat(connection()).hasText("reconnecting…");
    assertThat(connection()).hasText("live");
    assertEquals(2, urls.size(), "one reconnection: " + urls);
    assertTrue(urls.get(1).matches(".*[?&]after=\\d+.*"), "the reconnection asks for a replay: " + urls.get(1));
    assertFalse(urls.get(0).contains("after="), urls.get(0));
    assertThat(jobRow(missed[0]).getByTestId("job-state")).hasText("SUCCEEDED");
  }

  @Test
  void approvingRejectingCancellingAndRerunningFromTheJobView() {
    String approved = grid.submit(new JsonObject().put("robot", "payout")).getString("id");
    open("#/jobs/" + approved);
    assertThat(viewState()).hasText("WAITING_APPROVAL");
    assertThat(page.getByTestId("approval")).containsText("Waiting for approval");
    page.getByTestId("decision-text").fill("amount checked");
    page.getByTestId("approve").click();
    assertThat(viewState()).hasText("SUCCEEDED", SLOW);
    assertThat(page.getByTestId("approval")).containsText("Approved by admin");
    assertThat(page.getByTestId("approval")).containsText("amount checked");
    JsonObject done = grid.job(approved);
    assertEquals("SUCCEEDED", done.getString("state"));
    assertEquals("amount checked", done.getJsonObject("approval").getString("comment"));

    // a rejection needs a reason: the page asks for it before calling the API
    String rejected = grid.submit(new JsonObject().put("robot", "payout")).getString("id");
    page.evaluate("r => location.hash = r", "#/jobs/" + rejected);
    assertThat(viewState()).hasText("WAITING_APPROVAL");
    page.getByTestId("reject").click();
    assertThat(page.getByTestId("error")).containsText("reason");
    assertEquals("WAITING_APPROVAL", grid.job(rejected).getString("state"));
    page.getByTestId("decision-text").fill("duplicate payment");
    page.getByTestId("reject").click();
    assertThat(viewState()).hasText("REJECTED");
    assertThat(page.getByTestId("job-error")).containsText("duplicate payment");
    assertEquals("duplicate payment", grid.job(rejected).getJsonObject("approval").getString("reason"));

    // a running job paused from its view: it says it stops at the next boundary, then shows what it kept; resumed, it ends
    String pausable = grid.submit(inline(null, step("first", "wait", new JsonObject().put("duration", "800ms")),
        step("second", "log", new JsonObject().put("message", "after"), "first"))).getString("id");
    page.evaluate("r => location.hash = r", "#/jobs/" + pausable);
    assertThat(page.locator("[data-testid=step][data-step-id=first] [data-testid=step-state]")).hasText("RUNNING");
    page.getByTestId("pause").click();
    assertThat(viewState()).hasText("PAUSED");
    assertThat(page.getByTestId("paused")).containsText("first");
    assertThat(page.locator("[data-testid=step][data-step-id=second] [data-testid=step-state]")).hasText("PENDING");
    page.getByTestId("resume").click();
    assertThat(viewState()).hasText("SUCCEEDED");
    assertEquals("SUCCEEDED", grid.job(pausable).getString("state"));

    // a running job cancelled from its view
    String running = grid.submit(inline(null, step("long", "wait", new JsonObject().put("duration", "30s")))).getString("id");
    page.evaluate("r => location.hash = r", "#/jobs/" + running);
    assertThat(page.locator("[data-testid=step][data-step-id=long] [data-testid=step-state]")).hasText("RUNNING");
    assertThat(viewState()).hasText("RUNNING");
    page.getByTestId("cancel").click();
    assertThat(viewState()).hasText("CANCELLED");
    assertEquals("CANCELLED", grid.awaitState(running, Duration.ofSeconds(10), "CANCELLED").getString("state"));
    assertThat(page.getByTestId("cancel")).hasCount(0);

    // re-run: a new job from the same request, and the page goes there
    page.getByTestId("rerun").click();
    assertThat(page.getByTestId("job-view")).not().hasAttribute("data-job-id", running);
    String rerun = page.getByTestId("job-view").getAttribute("data-job-id");
    assertNotEquals(running, rerun);
    assertEquals(running, grid.job(rerun).getString("rerunOf"));
    assertThat(viewState()).hasText("RUNNING");
    page.getByTestId("cancel").click(); // not left waiting 30 s on the shared grid
    assertEquals("CANCELLED", grid.awaitState(rerun, Duration.ofSeconds(10), "CANCELLED").getString("state"));
  }

  @Test
  void aFailedBrowserJobShowsItsScreenshot() {
    String url = "data:text/html;charset=utf-8," + URLEncoder.encode(ORDER_FORM, StandardCharsets.UTF_8).replace("+", "%20");
    String id = grid.submit(inline(null,
        step("open", "browser.goto", new JsonObject().put("url", url)),
        step("customer", "browser.extract", new JsonObject().put("selector", "h1"), "open"),
        step("snapshot", "browser.screenshot", new JsonObject().put("name", "order-form"), "open"),
        step("total", "browser.evaluate", new JsonObject().put("script",
            "(() => { const t = document.querySelector('#total').value; if (!t) throw new Error('the order has no total'); return t; })()"),
            "customer"))).getString("id");
    assertEquals("FAILED", grid.awaitState(id, Duration.ofSeconds(30), "FAILED", "SUCCEEDED").getString("state"));

    open("#/jobs/" + id);
    assertThat(viewState()).hasText("FAILED");
    assertThat(page.getByTestId("job-error")).containsText("the order has no total");
    assertThat(page.getByTestId("job-view")).not().containsText("null"); // nothing missing shown as "null"
    assertThat(page.locator("[data-testid=step][data-step-id=total] [data-testid=step-state]")).hasText("FAILED");
    assertThat(page.locator("[data-testid=step][data-step-id=customer]")).containsText("Order 4711");
    assertThat(page.getByTestId("progress")).hasAttribute("aria-valuenow", "4");

    Locator shot = page.locator("[data-testid=artifact][data-name$='-failure.png'] [data-testid=artifact-image]");
    assertThat(shot).isVisible();
    page.waitForFunction("img => img.complete && img.naturalWidth > 0", shot.elementHandle());
    int width = ((Number) shot.evaluate("img => img.naturalWidth")).intValue();
    assertTrue(width > 0, "the screenshot did not load");
    assertThat(page.locator("[data-testid=artifact][data-name='order-form.png'] [data-testid=artifact-image]")).isVisible();
    assertThat(page.locator("[data-testid=artifact][data-name$='-failure.html'] [data-testid=artifact-download]")).isVisible();
    assertThat(page.locator("[data-testid=artifact][data-name$='-failure.html'] img")).hasCount(0);

    page.locator("[data-testid=step][data-step-id=customer] details summary").click(); // an open output, for the picture
    page.waitForFunction("() => [...document.querySelectorAll('[data-testid=artifact-image]')].every(i => i.complete && i.naturalWidth > 0)");
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "dashboard.png")).setFullPage(true));
  }

  @Test
  void robotsRunAndPauseAndTheClusterListsTheNode() {
    open("#/robots");
    Locator nightly = page.locator("[data-testid=robot-row][data-robot=nightly]");
    assertThat(nightly).containsText("0 3 * * *");
    assertThat(nightly).containsText("Europe/Berlin");
    nightly.getByTestId("pause-schedule").click();
    assertThat(nightly.getByTestId("paused")).isVisible();
    assertTrue(grid.get("/api/v1/robots/nightly").bodyAsJsonObject().getJsonObject("schedule").getBoolean("paused"));
    nightly.getByTestId("resume-schedule").click();
    assertThat(nightly.getByTestId("paused")).hasCount(0);

    page.locator("[data-testid=robot-row][data-robot=report] [data-testid=run-now]").click();
    assertThat(page).hasURL(Pattern.compile("#/jobs/[0-9a-f-]{36}$"));
    assertThat(viewState()).hasText("SUCCEEDED");
    assertThat(page.getByTestId("job-view")).containsText("report");

    page.locator("#nav a[data-view=cluster]").click();
    Locator node = page.locator("[data-testid=node-row][data-node=test-node]");
    assertThat(node).isVisible();
    assertThat(node).containsText("up");
    assertThat(node).containsText("browser 1/1");
    assertThat(page.getByTestId("node-row")).hasCount(1);
    assertThat(page.locator("[data-testid=queue-state][data-state=QUEUED]")).isVisible();
  }

  @Test
  void aBlockedJobShowsWhyInTheListAndInItsViewUntilTheAgentGoesOn() {
    String token = grid.token("dash-agents", "agent");
    String job = grid.submit(TestGrid.inline(null, TestGrid.step("sign", "agent", new JsonObject().put("capability", "signing")))).getString("id");
    io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> work =
        grid.call(io.vertx.core.http.HttpMethod.GET, "/api/v1/agents/signer/work?capability=signing&wait=10s", null, token);
    assertEquals(200, work.statusCode(), work.bodyAsString());
    JsonObject report = new JsonObject().put("type", "blocked").put("step", "sign").put("attempt", 1)
        .put("reason", "waiting for the director's signature").put("maxWait", "2d");
    assertEquals(200, grid.call(io.vertx.core.http.HttpMethod.POST, "/api/v1/jobs/" + job + "/events", report.encode(), token).statusCode());
    open("#/jobs");
    assertThat(jobRow(job).getByTestId("job-blocked")).hasText("BLOCKED");
    jobRow(job).click();
    Locator note = page.locator("[data-testid=job-view] [data-testid=blocked]");
    assertThat(note).containsText("Blocked at step sign by agent signer: waiting for the director's signature");
    assertThat(note).containsText("fails as BLOCKED_TOO_LONG at");
    assertThat(viewState()).hasText("RUNNING");
    JsonObject progress = new JsonObject().put("type", "progress").put("step", "sign").put("attempt", 1).put("message", "signed");
    assertEquals(200, grid.call(io.vertx.core.http.HttpMethod.POST, "/api/v1/jobs/" + job + "/events", progress.encode(), token).statusCode());
    assertThat(note).hasCount(0);
    assertThat(page.locator("[data-testid=job-view] [data-testid=job-blocked]")).hasCount(0);
    grid.post("/api/v1/jobs/" + job + "/cancel", null);
    assertThat(viewState()).hasText("CANCELLED", SLOW);
  }
}
