package io.robogrid.runner;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Form steps (select, check, assert, evaluate) in real Chromium, five jobs at once in five browser slots of one node
 * without stepping on each other, and a goal that is never reached failing as such.
 */
@ExtendWith(VertxExtension.class)
class BrowserStepsTest {
  private static final String FORM = """
      <html><body>
        <select id="plan"><option value="basic">Basic</option><option value="pro">Pro</option><option value="team">Team</option></select>
        <label><input type="checkbox" id="terms"> I agree</label>
        <button id="go" onclick="document.getElementById('out').textContent = document.getElementById('plan').value
          + (document.getElementById('terms').checked ? '+terms' : ''); history.pushState({}, '', '/ordered')">Order</button>
        <p id="out"></p>
      </body></html>""";

  /** Stops the grid, and with it every browser, before the next test: no test inherits another's Chromium. */
  @org.junit.jupiter.api.AfterEach
  void stopGrid(Vertx vertx) {
    Await.result(vertx.close());
  }

  private static String serve(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/form").handler(ctx -> ctx.response().putHeader("content-type", "text/html").end(FORM));
    return "http://127.0.0.1:" + Await.result(vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")).actualPort();
  }

  private static JsonObject order(String site, String plan) {
    return inline(null,
        step("open", "browser.goto", new JsonObject().put("url", site + "/form")),
        step("plan", "browser.select", new JsonObject().put("selector", "#plan").put("value", plan), "open"),
        step("terms", "browser.check", new JsonObject().put("selector", "#terms"), "plan"),
        step("go", "browser.click", new JsonObject().put("selector", "#go"), "terms"),
        step("done", "browser.assert", new JsonObject().put("urlContains", "/ordered").put("textPresent", plan + "+terms"), "go"),
        step("read", "browser.evaluate", new JsonObject().put("script", "({out: document.getElementById('out').textContent, url: location.pathname})"), "done"));
  }

  @Test
  void fiveJobsRunAtOnceInFiveSlotsWithoutInterfering(Vertx vertx) {
    String site = serve(vertx);
    TestGrid grid = TestGrid.start(vertx, null, 8, "browser:5");
    List<String> plans = List.of("basic", "pro", "team", "pro", "basic");
    List<String> ids = new ArrayList<>();
    for (String plan : plans) ids.add(grid.submit(order(site, plan)).getString("id"));
    Set<String> slots = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonObject done = grid.awaitState(ids.get(i), Duration.ofSeconds(90), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
      JsonObject read = done.getJsonObject("steps").getJsonObject("read").getJsonObject("output").getJsonObject("value");
      assertEquals(plans.get(i) + "+terms", read.getString("out"), "job " + i + " saw another job's page");
      assertEquals("/ordered", read.getString("url"));
      assertEquals(new JsonArray().add(plans.get(i)), done.getJsonObject("steps").getJsonObject("plan").getJsonObject("output").getJsonArray("selected"));
      slots.add(grid.events(ids.get(i)).getJsonArray("events").stream().map(JsonObject.class::cast)
          .filter(e -> "lease.taken".equals(e.getString("type"))).findFirst().orElseThrow().getJsonObject("data").getString("resource"));
    }
    assertTrue(slots.size() >= 2, "five jobs all ran in one slot: " + slots);
  }

  @Test
  void screenshotsAreKeptOnRequestAndOnFailureWithThePageHtml(Vertx vertx) {
    String site = serve(vertx);
    TestGrid grid = TestGrid.start(vertx, null, 2, "browser:1");
    String id = grid.submit(inline(null, step("open", "browser.goto", new JsonObject().put("url", site + "/form")),
        step("shot", "browser.screenshot", new JsonObject().put("name", "form").put("fullPage", true), "open"),
        step("missing", "browser.click", new JsonObject().put("selector", "#no-such-button"), "shot"))).getString("id");
    JsonObject failed = grid.awaitState(id, Duration.ofSeconds(60), "FAILED", "SUCCEEDED");
    assertEquals("ELEMENT_NOT_FOUND", failed.getJsonObject("error").getString("code"), failed.encodePrettily());

    JsonArray listed = grid.get("/api/v1/jobs/" + id + "/artifacts").bodyAsJsonObject().getJsonArray("artifacts");
    List<String> names = listed.stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertEquals(List.of("form.png", "missing-attempt1-try1-failure.html", "missing-attempt1-try1-failure.png"), names.stream().sorted().toList());
    assertEquals(names, failed.getJsonArray("artifacts").stream().map(o -> ((JsonObject) o).getString("name")).toList(), "listed on the job too");

    var png = grid.get("/api/v1/jobs/" + id + "/artifacts/form.png");
    assertEquals(200, png.statusCode());
    assertEquals("image/png", png.getHeader("content-type"));
    byte[] bytes = png.bodyAsBuffer().getBytes();
    assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "not a PNG: " + bytes.length + " bytes");
    var html = grid.get("/api/v1/jobs/" + id + "/artifacts/missing-attempt1-try1-failure.html");
    assertTrue(html.getHeader("content-type").startsWith("text/html"));
    // someone else's page must not run as this site: sandboxed, downloaded, never sniffed
    assertEquals("sandbox; default-src 'none'", html.getHeader("content-security-policy"));
    assertEquals("attachment; filename=\"missing-attempt1-try1-failure.html\"", html.getHeader("content-disposition"));
    assertEquals("nosniff", html.getHeader("x-content-type-options"));
    assertTrue(html.bodyAsString().contains("I agree"), "the failed page's HTML: " + html.bodyAsString());

    var none = grid.get("/api/v1/jobs/" + id + "/artifacts/nothing.png");
    assertEquals(404, none.statusCode());
    assertEquals("ARTIFACT_NOT_FOUND", none.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertTrue(grid.events(id).getJsonArray("events").stream().map(JsonObject.class::cast).anyMatch(e -> "artifact".equals(e.getString("type"))
        && "form.png".equals(e.getJsonObject("data").getString("name"))));
  }

  @Test
  void aGoalNeverReachedFailsTheStepAsSuch(Vertx vertx) {
    String site = serve(vertx);
    TestGrid grid = TestGrid.start(vertx, null, 2, "browser:1");
    String id = grid.submit(inline(null, step("open", "browser.goto", new JsonObject().put("url", site + "/form")),
        step("done", "browser.assert", new JsonObject().put("textPresent", "Thank you"), "open"))).getString("id");
    JsonObject failed = grid.awaitState(id, Duration.ofSeconds(60), "FAILED", "SUCCEEDED");
    assertEquals("FAILED", failed.getString("state"));
    JsonObject error = failed.getJsonObject("steps").getJsonObject("done").getJsonObject("error");
    assertEquals("ELEMENT_NOT_FOUND", error.getString("code"));
    assertTrue(error.getString("message").startsWith("goal not reached on " + site + "/form"), error.encode());
  }
}
