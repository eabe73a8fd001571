package io.robogrid.runner;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * However a browser step ends in failure, the page it failed on is kept: a screenshot and its HTML. Its action failing
 * was always covered; a step's own timeout, the job's timeout and a cancel are the most common endings and were not.
 */
@ExtendWith(VertxExtension.class)
class BrowserFailurePagesTest {
  private static final Duration SOON = Duration.ofSeconds(60);
  private static final String PAGE = "<html><body><h1>Orders</h1><p id=\"marker\">the page as the step saw it</p></body></html>";
  private TestGrid grid;
  private String site;

  @BeforeEach
  void start(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/orders").handler(ctx -> ctx.response().putHeader("content-type", "text/html").end(PAGE));
    site = "http://127.0.0.1:" + Await.result(vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")).actualPort();
    // the grid's browser action timeout is 5 s: every step below would wait that long for its missing element
    grid = TestGrid.start(vertx, null, 2, "browser:1");
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  /** Opens the page, then clicks at an element that is not there. */
  private JsonObject clickNothing(JsonObject policy, String stepTimeout) {
    JsonObject click = step("click", "browser.click", new JsonObject().put("selector", "#not-there"), "open");
    if (stepTimeout != null) click.put("timeout", stepTimeout);
    return inline(policy, step("open", "browser.goto", new JsonObject().put("url", site + "/orders")), click);
  }

  @Test
  void aStepThatRunsOutOfItsOwnTimeKeepsItsPage() {
    String id = grid.submit(clickNothing(null, "2s")).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "FAILED", "SUCCEEDED");
    assertEquals("STEP_TIMEOUT", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertKept(id, "click-attempt1-try1-failure");
  }

  @Test
  void aStepStoppedByTheJobsTimeoutKeepsItsPage() {
    String id = grid.submit(clickNothing(new JsonObject().put("timeout", "3s"), null)).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "FAILED", "SUCCEEDED");
    assertEquals("JOB_TIMEOUT", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertKept(id, "click-attempt1-try1-failure");
  }

  @Test
  void aStepStoppedByACancelKeepsItsPage() throws InterruptedException {
    String id = grid.submit(clickNothing(null, null)).getString("id");
    long deadline = System.nanoTime() + SOON.toNanos();
    while (!started(id, "click")) {
      if (System.nanoTime() > deadline) throw new AssertionError("the click step never started");
      Thread.sleep(25);
    }
    assertEquals(202, grid.post("/api/v1/jobs/" + id + "/cancel", null).statusCode());
    JsonObject job = grid.awaitState(id, SOON, "CANCELLED", "FAILED", "SUCCEEDED");
    assertEquals("CANCELLED", job.getString("state"), job.encodePrettily());
    assertKept(id, "click-attempt1-try1-failure");
  }

  @Test
  void aFailedActionKeepsItsPageOnce() {
    String id = grid.submit(clickNothing(null, null)).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "FAILED", "SUCCEEDED");
    assertEquals("ELEMENT_NOT_FOUND", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertKept(id, "click-attempt1-try1-failure");
    long events = grid.events(id).getJsonArray("events").stream().map(JsonObject.class::cast)
        .filter(e -> "artifact".equals(e.getString("type"))).count();
    assertEquals(2, events, "one screenshot and one page, once each");
  }

  private boolean started(String id, String step) {
    return grid.events(id).getJsonArray("events").stream().map(JsonObject.class::cast)
        .anyMatch(e -> "step.started".equals(e.getString("type")) && step.equals(e.getJsonObject("data").getString("step")));
  }

  /** The job has {@code <prefix>.png} (a PNG) and {@code <prefix>.html} (the page the step was on). */
  private void assertKept(String id, String prefix) {
    List<String> names = grid.get("/api/v1/jobs/" + id + "/artifacts").bodyAsJsonObject().getJsonArray("artifacts").stream()
        .map(o -> ((JsonObject) o).getString("name")).sorted().toList();
    assertEquals(List.of(prefix + ".html", prefix + ".png"), names);
    byte[] png = grid.get("/api/v1/jobs/" + id + "/artifacts/" + prefix + ".png").bodyAsBuffer().getBytes();
    assertTrue(png.length > 100 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
    String html = grid.get("/api/v1/jobs/" + id + "/artifacts/" + prefix + ".html").bodyAsString();
    assertTrue(html.contains("the page as the step saw it"), html);
  }
}
