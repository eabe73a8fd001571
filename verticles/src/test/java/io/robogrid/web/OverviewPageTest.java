package io.robogrid.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.robogrid.runner.browser.BrowserOptions;
import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The overview page and the job view's timeline in real headless Chromium against a whole node (launched offline as
 * {@link DashboardTest} does): the charts' SVG bars and lines follow the jobs run, the tables their figures, and a
 * job that failed after retries shows a bar per try, its backoffs and its failing step. Writes target/overview.png
 * and target/timeline.png.
 */
@ExtendWith(VertxExtension.class)
class OverviewPageTest {
  private static final String ROBOTS = """
      {"robots": [
        {"name": "invoice", "steps": [{"id": "read", "type": "set", "with": {"n": 1}},
                                      {"id": "book", "type": "wait", "needs": ["read"], "with": {"duration": "150ms"}}]},
        {"name": "flaky-export", "retry": {"maxAttempts": 2, "backoff": "600ms"}, "steps": [
          {"id": "prepare", "type": "wait", "with": {"duration": "200ms"}},
          {"id": "fetch", "type": "fail", "needs": ["prepare"], "retry": {"maxAttempts": 2, "backoff": "300ms"},
           "with": {"times": 1, "errorClass": "HTTP_5XX", "message": "502 from the ledger"}},
          {"id": "upload", "type": "fail", "needs": ["fetch"], "retry": {"maxAttempts": 2, "backoff": "300ms"},
           "with": {"errorClass": "HTTP_5XX", "message": "503 from the archive"}}]}]}""";

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
    page.onPageError(pageErrors::add);
  }

  @AfterEach
  void closeTab() {
    context.close();
    assertEquals(List.of(), pageErrors, "script errors in the page");
  }

  private void open(String route) {
    page.navigate(base + "/#token=" + TestGrid.ADMIN_TOKEN);
    assertThat(page.getByTestId("connection")).hasText("live");
    page.evaluate("r => location.hash = r", route);
  }

  private String runFlaky() {
    String id = grid.submit(new JsonObject().put("robot", "flaky-export")).getString("id");
    return grid.awaitState(id, Duration.ofSeconds(30), "FAILED", "SUCCEEDED").getString("id");
  }

  @Test
  void theOverviewChartsTheJobsRunAndTheRobotsTheirRates() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) ids.add(grid.submit(new JsonObject().put("robot", "invoice")).getString("id"));
    for (String id : ids) assertEquals("SUCCEEDED", grid.awaitState(id, Duration.ofSeconds(20), "SUCCEEDED", "FAILED").getString("state"));
    assertEquals("FAILED", grid.job(runFlaky()).getString("state"));
    // an hour of past queue depth, as the web nodes would have sampled it (the node itself samples only from its start)
    Pool pool = grid.db.pool(grid.vertx);
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    for (int m = 45; m >= 1; m--) {
      if (m > 20 && m < 24) continue; // minutes nobody sampled: a gap in the line
      long queued = Math.round(40 + 35 * Math.sin(m / 6.0));
      Await.result(pool.preparedQuery("INSERT INTO queue_samples (at, by_state, by_capability) VALUES ($1, $2, '{}') ON CONFLICT DO NOTHING")
          .execute(io.vertx.sqlclient.Tuple.of(minute.minus(Duration.ofMinutes(m)).atOffset(java.time.ZoneOffset.UTC),
              new JsonObject().put("QUEUED", queued).put("RUNNING", 4).put("RETRY_WAIT", m % 7))));
    }
    Await.result(pool.close());

    open("#/overview");
    assertThat(page.locator("#nav a[data-view=overview]")).hasClass(java.util.regex.Pattern.compile("active"));
    Locator bars = page.locator("[data-testid=finished-svg] [data-testid=bar]");
    assertThat(bars).hasCount(60);
    // every job of this test finished in the last minute or two: the bars' totals add up to them
    page.waitForFunction("() => [...document.querySelectorAll('[data-testid=finished-svg] [data-testid=bar]')]"
        + ".reduce((n, b) => n + Number(b.dataset.total), 0) === 7");
    Object failedSegments = page.evaluate("() => [...document.querySelectorAll('[data-testid=finished-svg] rect.s-FAILED')]"
        + ".reduce((n, r) => n + Number(r.dataset.n), 0)");
    assertEquals(1, ((Number) failedSegments).intValue());
    Locator queued = page.locator("[data-testid=depth-svg] [data-testid=line][data-name=QUEUED]");
    // 42 samples written here, the node's own since its start (a minute or two) and the live figure
    int points = Integer.parseInt(queued.getAttribute("data-points"));
    assertTrue(points >= 43 && points <= 46, "points: " + points);
    String path = queued.locator("path").getAttribute("d");
    assertEquals(2, path.split("M").length - 1, "the unsampled minutes break the line: " + path);

    Locator invoice = page.locator("[data-testid=overview-robot][data-robot=invoice]");
    assertThat(invoice.getByTestId("success-rate")).hasText("100 %");
    assertThat(invoice).containsText("6");
    Locator flaky = page.locator("[data-testid=overview-robot][data-robot=flaky-export]");
    assertThat(flaky.getByTestId("success-rate")).hasText("0.0 %");
    assertThat(page.locator("[data-testid=overview-capability][data-capability=http]")).isVisible();

    // another window asks again, with day-long buckets
    page.getByTestId("overview-window").selectOption("1d");
    assertThat(page.locator("[data-testid=finished-svg] [data-testid=bar]")).hasCount(60);
    page.getByTestId("overview-window").selectOption("1h");
    page.waitForTimeout(300);
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "overview.png")).setFullPage(true));
  }

  @Test
  void theTimelineShowsEachTryTheBackoffsAndTheFailingStep() {
    String id = runFlaky();
    open("#/jobs/" + id);
    assertThat(page.locator("[data-testid=job-view] [data-testid=job-state]")).hasText("FAILED");
    Locator timeline = page.getByTestId("timeline-svg");
    assertThat(timeline).isVisible();
    assertThat(timeline.locator("[data-testid=attempt]")).hasCount(2);
    // per attempt: prepare once, fetch twice (failed, then succeeded), upload twice (failed both times)
    for (int a = 1; a <= 2; a++) {
      String in = "[data-testid=try][data-attempt='" + a + "']";
      assertThat(timeline.locator(in + "[data-step=prepare]")).hasCount(1);
      assertThat(timeline.locator(in + "[data-step=fetch]")).hasCount(2);
      assertThat(timeline.locator(in + "[data-step=fetch][data-try='1']")).hasAttribute("data-state", "RETRIED");
      assertThat(timeline.locator(in + "[data-step=fetch][data-try='2']")).hasAttribute("data-state", "SUCCEEDED");
      assertThat(timeline.locator(in + "[data-step=upload][data-try='1']")).hasAttribute("data-state", "RETRIED");
      assertThat(timeline.locator(in + "[data-step=upload][data-try='2']")).hasAttribute("data-state", "FAILED");
    }
    assertThat(timeline.locator("[data-testid=retry-wait]")).hasCount(4);
    assertThat(timeline.locator("[data-testid=state-band][data-state=RETRY_WAIT]")).hasCount(1);
    Locator failing = timeline.locator("[data-testid=try][data-failing=true]");
    assertThat(failing).hasCount(2); // each attempt ended at upload's last try
    assertThat(timeline.locator("[data-testid=try][data-failing=true][data-attempt='2']")).hasAttribute("data-step", "upload");
    assertTrue(failing.first().textContent().contains("503 from the archive"), failing.first().textContent());
    // bars go forward in time: the second attempt's first try starts after the first attempt's last
    double end1 = bound(timeline, "[data-testid=try][data-attempt='1'][data-step=upload][data-try='2'] rect", true);
    double start2 = bound(timeline, "[data-testid=try][data-attempt='2'][data-step=prepare] rect", false);
    assertTrue(start2 > end1, start2 + " <= " + end1);
    timeline.scrollIntoViewIfNeeded();
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "timeline.png")).setFullPage(true));
  }

  private static double bound(Locator root, String selector, boolean right) {
    Locator r = root.locator(selector);
    double x = Double.parseDouble(r.getAttribute("x"));
    return right ? x + Double.parseDouble(r.getAttribute("width")) : x;
  }
}
