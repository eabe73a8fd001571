package io.robogrid.runner;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testapps.FormApp;
import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.robogrid.testing.Xvfb;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Desktop robots on a real X server (Xvfb, 1024×768) with real X programs: xterm, and a Swing application in a JVM
 * of its own. Input goes through XTest exactly as it would on a physical display.
 */
@ExtendWith(VertxExtension.class)
class DesktopRobotsTest {
  private static final String DESK = "desktop:desk1";
  /** 30 different characters no US keymap has a key for. */
  private static final String MANY = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出";
  private static Xvfb xvfb;

  @TempDir
  Path dir;

  @BeforeAll
  static void startX() {
    xvfb = Xvfb.start(1024, 768);
  }

  @AfterAll
  static void stopX() {
    xvfb.close();
  }

  /** Stops the grid (and with it the desktop's connection and the programs its jobs launched) before the next test. */
  @AfterEach
  void stopGrid(Vertx vertx) {
    Await.result(vertx.close());
  }

  private static TestGrid grid(Vertx vertx, String keepAlive) {
    JsonObject settings = new JsonObject().put("desktops", new JsonObject().put("desk1", xvfb.display))
        .put("desktop", new JsonObject().put("keepAlive", keepAlive));
    return TestGrid.start(vertx, null, 4, settings, "http");
  }

  private static JsonObject onDesk(JsonObject request) {
    request.getJsonObject("workflow").put("requires", new JsonArray().add(DESK));
    return request;
  }

  private static JsonObject output(JsonObject job, String step) {
    return job.getJsonObject("steps").getJsonObject(step).getJsonObject("output");
  }

  private static String awaitFile(Path file) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.size(file) > 0) return Files.readString(file, StandardCharsets.UTF_8);
      Thread.sleep(50);
    }
    return "(no file " + file + ")";
  }

  @Test
  void typingAShellCommandIntoXtermCreatesTheFileWithTheExpectedContent(Vertx vertx) throws Exception {
    TestGrid grid = grid(vertx, "3m");
    Path out = dir.resolve("out.txt"), out2 = dir.resolve("many.txt");
    String text = "héllo ✓ Ω wörld"; // é, ö are in Latin-1 but not on a US keymap; ✓ and Ω have no key at all
    JsonObject job = grid.submit(onDesk(inline(null,
        step("term", "desktop.launch", new JsonObject().put("command", "xterm")
            .put("args", new JsonArray(List.of("-u8", "-T", "robo-term", "-geometry", "80x10+0+0", "-bg", "#ff8000", "-e", "sh"))).put("title", "robo-term")),
        step("find", "desktop.findWindow", new JsonObject().put("title", "robo-term"), "term"),
        step("cmd", "desktop.type", new JsonObject().put("text", "printf '%s' '" + text + "' > " + out), "find"),
        step("enter", "desktop.key", new JsonObject().put("keys", "Return"), "cmd"),
        // more characters without a key than the X server has spare keycodes (19 on Xvfb): keycodes are reused
        step("many", "desktop.type", new JsonObject().put("text", "printf '%s' '" + MANY + "' > " + out2 + "\n"), "enter"),
        step("shot", "desktop.screenshot", new JsonObject().put("name", "term").put("window", "${steps.find.output}"), "many"))));
    JsonObject done = grid.awaitState(job.getString("id"), Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(text, awaitFile(out), "what the shell in xterm wrote");
    assertEquals(MANY, awaitFile(out2), "30 different characters on 19 spare keys");

    JsonObject window = output(done, "find");
    assertEquals("robo-term", window.getString("title"));
    assertEquals(output(done, "term").getJsonObject("window").getLong("id"), window.getLong("id"), "launch and find saw the same window");
    assertEquals(text.codePointCount(0, text.length()) + ("printf '%s' '' > " + out).length(), output(done, "cmd").getInteger("typed"));
    JsonObject shot = output(done, "shot");
    assertEquals(window.getInteger("width"), shot.getInteger("width"), "a window's screenshot is the window");
    assertEquals(window.getInteger("height"), shot.getInteger("height"));
    BufferedImage term = ImageIO.read(new ByteArrayInputStream(grid.get("/api/v1/jobs/" + job.getString("id") + "/artifacts/term.png").body().getBytes()));
    assertEquals(0xff8000, term.getRGB(term.getWidth() - 5, term.getHeight() - 5) & 0xffffff, "the pixels are xterm's (its background is #ff8000)");

    long pid = output(done, "term").getLong("pid");
    Await.until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10),
        "xterm, launched by the job, is closed when the job ends");
    JsonObject metrics = done.getJsonObject("metrics").getJsonObject("desktops").getJsonObject("desk1");
    assertEquals(1, metrics.getInteger("launched"));
    assertTrue(metrics.getInteger("actions") >= 4, metrics.encode());
  }

  @Test
  void clicksAndTypingReachASwingApplicationInItsOwnJvm(Vertx vertx) throws Exception {
    TestGrid grid = grid(vertx, "3m");
    Path out = dir.resolve("form.txt");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classes = Path.of(FormApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    String text = "Hello RoboGrid 123 é";
    int fieldX = FormApp.FIELD_X + 50, fieldY = FormApp.FIELD_Y + FormApp.FIELD_H / 2;
    int buttonX = FormApp.BUTTON_X + FormApp.BUTTON_W / 2, buttonY = FormApp.BUTTON_Y + FormApp.BUTTON_H / 2;
    JsonObject job = grid.submit(onDesk(inline(null,
        step("app", "desktop.launch", new JsonObject().put("command", java)
            .put("args", new JsonArray(List.of("-cp", classes, FormApp.class.getName(), out.toString()))).put("title", FormApp.TITLE)),
        step("field", "desktop.click", new JsonObject().put("x", fieldX).put("y", fieldY).put("window", FormApp.TITLE), "app"),
        step("text", "desktop.type", new JsonObject().put("text", text), "field"),
        step("submit", "desktop.click", new JsonObject().put("x", buttonX).put("y", buttonY).put("window", "${steps.app.output.window}"), "text"),
        step("seen", "desktop.waitForWindow", new JsonObject().put("titleRegex", "submitted$").put("timeout", "10s"), "submit"))));
    JsonObject done = grid.awaitState(job.getString("id"), Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(text, awaitFile(out), "the text field's content when Submit was clicked");
    assertEquals(FormApp.TITLE + " - submitted", output(done, "seen").getString("title"));
    JsonObject window = output(done, "app").getJsonObject("window");
    assertEquals(window.getInteger("x") + buttonX, output(done, "submit").getInteger("x"), "relative to the window found at launch");
    assertEquals(window.getInteger("y") + buttonY, output(done, "submit").getInteger("y"));
    long pid = output(done, "app").getLong("pid");
    Await.until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10), "the app's JVM is closed with the job");
  }

  @Test
  void aScreenshotIsAPngOfTheDisplaysSize(Vertx vertx) throws Exception {
    TestGrid grid = grid(vertx, "3m");
    JsonObject job = grid.submit(onDesk(inline(null, step("shot", "desktop.screenshot", new JsonObject().put("name", "screen")))));
    JsonObject done = grid.awaitState(job.getString("id"), Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    var png = grid.get("/api/v1/jobs/" + job.getString("id") + "/artifacts/screen.png");
    assertEquals(200, png.statusCode());
    assertEquals("image/png", png.getHeader("content-type"));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body().getBytes()));
    assertEquals(xvfb.width, image.getWidth());
    assertEquals(xvfb.height, image.getHeight());
    assertEquals(png.body().length(), output(done, "shot").getInteger("bytes"));
  }

  @Test
  void twoJobsForTheSameDesktopRunOneAfterTheOtherNeverTogether(Vertx vertx) {
    TestGrid grid = grid(vertx, "3m");
    JsonObject work = onDesk(inline(null,
        step("type", "desktop.type", new JsonObject().put("text", "abc")),
        step("hold", "wait", new JsonObject().put("duration", "1500ms"), "type"),
        step("key", "desktop.key", new JsonObject().put("keys", "Escape"), "hold")));
    String a = grid.submit(work).getString("id");
    String b = grid.submit(work.copy()).getString("id");
    for (String id : List.of(a, b)) {
      JsonObject done = grid.awaitState(id, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    }
    Instant[] ha = held(grid, a), hb = held(grid, b);
    assertTrue(!hb[0].isBefore(ha[1]) || !ha[0].isBefore(hb[1]),
        "both held desk1 at once: a " + ha[0] + "–" + ha[1] + ", b " + hb[0] + "–" + hb[1]);
    Instant[] da = drove(grid.job(a)), db = drove(grid.job(b));
    assertTrue(!db[0].isBefore(da[1]) || !da[0].isBefore(db[1]), "both drove desk1 at once: a " + da[0] + "–" + da[1] + ", b " + db[0] + "–" + db[1]);
  }

  /** From the job's first desktop step's start to its last one's end. */
  private static Instant[] drove(JsonObject job) {
    JsonObject steps = job.getJsonObject("steps");
    return new Instant[] {Instant.parse(steps.getJsonObject("type").getString("startedAt")), Instant.parse(steps.getJsonObject("key").getString("finishedAt"))};
  }

  /** When the job took and released its desktop lease. */
  private static Instant[] held(TestGrid grid, String id) {
    Instant taken = null, released = null;
    for (Object o : grid.events(id).getJsonArray("events")) {
      JsonObject e = (JsonObject) o;
      if ("lease.taken".equals(e.getString("type"))) taken = Instant.parse(e.getString("at"));
      if ("lease.released".equals(e.getString("type"))) released = Instant.parse(e.getString("at"));
    }
    assertTrue(taken != null && released != null, "job " + id + " has no lease events");
    return new Instant[] {taken, released};
  }

  @Test
  void keepAliveNudgesHappenOnlyWhileAJobHoldsTheDesktop(Vertx vertx) throws Exception {
    TestGrid grid = grid(vertx, "400ms");
    Await.until(() -> xvfb.idleMillis() > 1500, Duration.ofSeconds(10), "the display is idle before any job");
    // held 10 s and sampled 4 s of it, so that a slow test thread or HTTP poll cannot push a sample past the release
    JsonObject job = grid.submit(onDesk(inline(null, step("hold", "wait", new JsonObject().put("duration", "10s")))));
    String id = job.getString("id");
    Await.until(() -> grid.events(id).getJsonArray("events").stream().anyMatch(e -> "lease.taken".equals(((JsonObject) e).getString("type"))),
        Duration.ofSeconds(30), "the job leased the desktop");
    Thread.sleep(800); // the display was idle before; the first nudge comes one interval after the lease
    long maxIdle = 0;
    long until = System.nanoTime() + Duration.ofMillis(4_000).toNanos();
    while (System.nanoTime() < until) {
      maxIdle = Math.max(maxIdle, xvfb.idleMillis());
      Thread.sleep(50);
    }
    assertEquals("RUNNING", grid.job(id).getString("state"), "the samples were all taken while the job held the desktop");
    JsonObject done = grid.awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    // without nudges the display would be idle 4.8 s and more by the end of the samples; with them, 400 ms plus
    // whatever a busy machine adds to a timer
    assertTrue(maxIdle < 2_000, "the display was idle for " + maxIdle + " ms while a job held it (nudges every 400 ms)");
    int nudges = done.getJsonObject("metrics").getJsonObject("desktops").getJsonObject("desk1").getInteger("nudges");
    assertTrue(nudges >= 10, nudges + " nudges in 10 s");
    Await.until(() -> xvfb.idleMillis() > 2_500, Duration.ofSeconds(15), "once the job let go, nothing nudges the display");
  }

  @Test
  void anInvalidWindowOrPointFailsTheStepClearlyAndTheNodeDrivesOn(Vertx vertx) {
    TestGrid grid = grid(vertx, "3m");
    Map<String, JsonObject> bad = Map.of(
        "off-screen", step("s", "desktop.click", new JsonObject().put("x", 5000).put("y", 10)),
        "no-such-window", step("s", "desktop.screenshot", new JsonObject().put("name", "w").put("window", 0x5abcdef)),
        "no-such-title", step("s", "desktop.findWindow", new JsonObject().put("title", "There is no such window")),
        "not-a-title", step("s", "desktop.findWindow", new JsonObject().put("title", "${input.n}")));
    Map<String, String> expected = Map.of(
        "off-screen", "INVALID_COORDINATES: (5000, 10) is off the screen (1024x768)",
        "no-such-window", "WINDOW_NOT_FOUND: window 0x5abcdef on " + xvfb.display + ": X error BadWindow (invalid Window parameter) (code 3)"
            + " on request X_GetWindowAttributes, resource 0x5abcdef",
        "no-such-title", "WINDOW_NOT_FOUND: no window with title containing 'There is no such window' (windows now: none)",
        "not-a-title", "BAD_WORKFLOW: desktop.findWindow: needs title or titleRegex as a string, not 5 / null");
    for (String name : List.of("off-screen", "no-such-window", "no-such-title", "not-a-title")) {
      JsonObject job = grid.submit(onDesk(inline(null, bad.get(name))).put("input", new JsonObject().put("n", 5)));
      JsonObject done = grid.awaitState(job.getString("id"), Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertEquals("FAILED", done.getString("state"), name);
      JsonObject error = done.getJsonObject("error");
      assertEquals(expected.get(name), error.getString("code") + ": " + error.getString("message"), name);
      JsonArray artifacts = grid.get("/api/v1/jobs/" + job.getString("id") + "/artifacts").bodyAsJsonObject().getJsonArray("artifacts");
      assertEquals(List.of("s-attempt1-try1-failure.png"), artifacts.stream().map(o -> ((JsonObject) o).getString("name")).toList(),
          name + ": the screen as the step failed is kept");
    }
    // the X errors above went to RoboGrid's handler, not Xlib's default one (which exits): the node drives on
    JsonObject after = grid.submit(onDesk(inline(null, step("move", "desktop.move", new JsonObject().put("x", 10).put("y", 20)))));
    JsonObject done = grid.awaitState(after.getString("id"), Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(new JsonObject().put("x", 10).put("y", 20), output(done, "move"));
  }

  @Test
  void aDesktopWhoseXServerDiesFailsItsJobAndTheNodeLivesOn(Vertx vertx) {
    try (Xvfb doomed = Xvfb.start(800, 600)) {
      JsonObject settings = new JsonObject().put("desktops", new JsonObject().put("desk1", xvfb.display).put("desk2", doomed.display));
      TestGrid grid = TestGrid.start(vertx, null, 4, settings, "http");
      JsonObject first = grid.submit(inline(null, step("s", "desktop.screenshot", new JsonObject().put("name", "a").put("desktop", "desk2"))));
      assertEquals("SUCCEEDED", grid.awaitState(first.getString("id"), Duration.ofSeconds(30), "SUCCEEDED", "FAILED").getString("state"));
      doomed.kill();
      JsonObject second = grid.submit(inline(null, step("s", "desktop.screenshot", new JsonObject().put("name", "b").put("desktop", "desk2"))));
      JsonObject failed = grid.awaitState(second.getString("id"), Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertEquals("FAILED", failed.getString("state"));
      assertEquals("DESKTOP_ERROR", failed.getJsonObject("error").getString("code"), failed.encodePrettily());
      assertFalse(doomed.isAlive());
      JsonObject other = grid.submit(onDesk(inline(null, step("s", "desktop.screenshot", new JsonObject().put("name", "c")))));
      JsonObject done = grid.awaitState(other.getString("id"), Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"), "the other desktop still works: " + done.encodePrettily());
    }
  }
}
