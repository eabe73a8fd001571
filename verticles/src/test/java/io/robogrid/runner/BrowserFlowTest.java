package io.robogrid.runner;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Browser steps in real headless Chromium (Debian's, driven by Playwright) against a small site served by the test:
 * a login form, a confirmation page behind a session cookie, and a page that tells who is logged in. Each job gets
 * a fresh context in a leased slot; a killed Chromium is replaced and the job retried; a slot's browser is recycled
 * after {@code recycleAfter} jobs (3 in {@link TestGrid}); a stopped runner leaves no Chromium behind.
 */
@ExtendWith(VertxExtension.class)
class BrowserFlowTest {
  private TestGrid grid;
  private String site;

  /** Browsers of earlier tests in this JVM that may still be on their way out when this test starts. */
  private Set<Long> earlier;

  @BeforeEach
  void setUp(Vertx vertx) {
    earlier = browsers();
    site = "http://127.0.0.1:" + startSite(vertx).actualPort();
    grid = TestGrid.start(vertx, null, 4, "http", "browser:2");
  }

  private static HttpServer startSite(Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create());
    r.get("/login").handler(ctx -> ctx.response().putHeader("content-type", "text/html").end("""
        <html><body><form method="post" action="/login">
          <input id="user" name="user"><input id="password" name="password" type="password">
          <button id="submit" type="submit">Sign in</button></form></body></html>"""));
    r.post("/login").handler(ctx -> {
      boolean ok = "ada".equals(ctx.request().getFormAttribute("user")) && "s3cret".equals(ctx.request().getFormAttribute("password"));
      if (ok) ctx.response().putHeader("set-cookie", "session=ada; Path=/").putHeader("location", "/confirm").setStatusCode(303).end();
      else ctx.response().putHeader("location", "/login").setStatusCode(303).end();
    });
    r.get("/confirm").handler(ctx -> {
      boolean in = ctx.request().getHeader("cookie") != null && ctx.request().getHeader("cookie").contains("session=ada");
      ctx.response().putHeader("content-type", "text/html").end(in
          ? "<html><body><h1>Order placed</h1><p>Confirmation <span id=\"number\">4711</span></p></body></html>"
          : "<html><body><a href=\"/login\">please sign in</a></body></html>");
    });
    r.get("/whoami").handler(ctx -> {
      String cookie = ctx.request().getHeader("cookie");
      ctx.response().putHeader("content-type", "text/html").end("<html><body><p id=\"who\">" + (cookie == null ? "nobody" : cookie) + "</p></body></html>");
    });
    return Await.result(vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1"));
  }

  private JsonObject login(JsonObject policy, JsonObject... extra) {
    List<JsonObject> steps = new java.util.ArrayList<>(List.of(
        step("open", "browser.goto", new JsonObject().put("url", site + "/login")),
        step("user", "browser.fill", new JsonObject().put("selector", "#user").put("value", "ada"), "open"),
        step("password", "browser.fill", new JsonObject().put("selector", "#password").put("value", "s3cret"), "user"),
        step("submit", "browser.click", new JsonObject().put("selector", "text=Sign in"), "password"),
        step("confirmed", "browser.waitFor", new JsonObject().put("selector", "#number"), "submit"),
        step("number", "browser.extract", new JsonObject().put("selector", "#number"), "confirmed")));
    steps.addAll(List.of(extra));
    return inline(policy, steps.toArray(JsonObject[]::new));
  }

  /** The Chromium processes this JVM started (its descendants), by pid. */
  private static Set<Long> chromiums() {
    return ProcessHandle.current().descendants().filter(p -> p.info().command().map(c -> c.contains("chromium")).orElse(false))
        .map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /**
   * Each browser's main process: renderers and helpers carry a {@code --type=} argument, the browser itself does not
   * (read from /proc: Chromium rewrites its argv, which Java's process info does not parse).
   */
  private static Set<Long> browsers() {
    return chromiums().stream().filter(pid -> !cmdline(pid).contains("--type=")).collect(Collectors.toSet());
  }

  /** This test's own browsers. */
  private Set<Long> ours() {
    Set<Long> mine = new java.util.HashSet<>(browsers());
    mine.removeAll(earlier);
    return mine;
  }

  private static String cmdline(long pid) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return "--type=gone";
    }
  }

  @Test
  void aRobotLogsInSubmitsAndReadsTheConfirmation() {
    String id = grid.submit(login(null)).getString("id");
    JsonObject done = grid.awaitState(id, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals("4711", done.getJsonObject("steps").getJsonObject("number").getJsonObject("output").getString("text"));
    assertEquals(List.of("browser"), done.getJsonArray("requires").getList());
    JsonObject taken = grid.events(id).getJsonArray("events").stream().map(JsonObject.class::cast)
        .filter(e -> "lease.taken".equals(e.getString("type"))).findFirst().orElseThrow();
    assertTrue(taken.getJsonObject("data").getString("resource").matches("browser:test-node:[12]"), taken.encode());
  }

  @Test
  void cookiesNeverLeakFromOneJobToTheNext() {
    String first = grid.submit(login(null)).getString("id");
    assertEquals("SUCCEEDED", grid.awaitState(first, Duration.ofSeconds(60), "SUCCEEDED", "FAILED").getString("state"));
    String second = grid.submit(inline(null, step("open", "browser.goto", new JsonObject().put("url", site + "/whoami")),
        step("who", "browser.extract", new JsonObject().put("selector", "#who"), "open"))).getString("id");
    JsonObject done = grid.awaitState(second, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
    assertEquals("nobody", done.getJsonObject("steps").getJsonObject("who").getJsonObject("output").getString("text"), done.encodePrettily());
  }

  @Test
  void aMissingElementIsClassifiedAndAKilledChromiumIsReplacedOnTheRetry() throws Exception {
    JsonObject policy = new JsonObject().put("retry", new JsonObject().put("maxAttempts", 2).put("backoff", "100ms"));
    String id = grid.submit(login(policy, step("pause", "wait", new JsonObject().put("duration", "3s"), "number"),
        step("again", "browser.extract", new JsonObject().put("selector", "h1"), "pause"))).getString("id");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!"RUNNING".equals(grid.job(id).getJsonObject("steps").getJsonObject("pause").getString("state"))) {
      assertTrue(System.nanoTime() < deadline, grid.job(id).encodePrettily());
      Thread.sleep(20);
    }
    Set<Long> before = chromiums();
    assertTrue(!before.isEmpty(), "no Chromium running during a browser job");
    before.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));

    JsonObject done = grid.awaitState(id, Duration.ofSeconds(90), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(2, done.getInteger("attempt"), "the crash costs one retry");
    JsonObject crashed = grid.events(id).getJsonArray("events").stream().map(JsonObject.class::cast)
        .filter(e -> "step.finished".equals(e.getString("type")) && e.getInteger("attempt") == 1 && "FAILED".equals(e.getJsonObject("data").getString("state")))
        .findFirst().orElseThrow();
    assertEquals("BROWSER_CRASHED", crashed.getJsonObject("data").getJsonObject("error").getString("code"), crashed.encode());

    String missing = grid.submit(inline(null, step("open", "browser.goto", new JsonObject().put("url", site + "/whoami")),
        step("nothing", "browser.click", new JsonObject().put("selector", "#not-there"), "open"))).getString("id");
    JsonObject failed = grid.awaitState(missing, Duration.ofSeconds(60), "FAILED", "SUCCEEDED");
    assertEquals("ELEMENT_NOT_FOUND", failed.getJsonObject("error").getString("code"), failed.encodePrettily());
  }

  @Test
  void aSlotsBrowserIsRecycledAndAStoppedRunnerLeavesNoChromium(Vertx vertx) {
    Set<Long> first = null;
    for (int i = 0; i < 7; i++) { // one at a time over two slots: one of them gets its 4th job, on a new browser
      String id = grid.submit(inline(null, step("open", "browser.goto", new JsonObject().put("url", site + "/whoami")))).getString("id");
      assertEquals("SUCCEEDED", grid.awaitState(id, Duration.ofSeconds(60), "SUCCEEDED", "FAILED").getString("state"));
      if (first == null) {
        // the other slot's browser may still be starting when the first job ends
        Await.until(() -> ours().size() == 2, Duration.ofSeconds(30), "two slots, two warm browsers");
        first = ours();
      }
    }
    Set<Long> replaced = new java.util.HashSet<>(first);
    replaced.removeAll(ours());
    assertTrue(!replaced.isEmpty(), "no browser was recycled after 3 jobs: " + first + " then " + ours());
    Await.until(() -> ours().size() == 2, Duration.ofSeconds(30), "recycling must not leave the old browser running");

    Await.result(vertx.close());
    Await.until(() -> chromiums().isEmpty(), Duration.ofSeconds(20), "Chromium outlived its runner");
  }
}
