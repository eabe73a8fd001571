package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.pct;

import io.robogrid.runner.desktop.DesktopWindow;
import io.robogrid.runner.desktop.MouseButton;
import io.robogrid.runner.desktop.Rect;
import io.robogrid.runner.desktop.x11.X11Driver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Desktop robots on this machine, on an Xvfb of the bench's own (1024×768): (1) typing into xterm, ASCII and
 * characters the keyboard map lacks, timed to when the keys were sent and to when the program behind xterm had read
 * them all; (2) clicks into xev, to sent and to every release seen by xev; (3) full-screen screenshots: capture and
 * PNG encoding; (4) the same typing and a screenshot as steps of a job on a node ({@code scripts/run}).
 * Usage: {@code DesktopBench <repository root> <characters> <clicks> <screenshots>}; {@code scripts/bench desktop} runs it.
 */
public final class DesktopBench {
  private static final int WIDTH = 1024, HEIGHT = 768;
  private static final String ASCII = "The quick brown fox jumps over the lazy dog 0123456789 ~!@#$%^&*()_+{}|:<>? -=[];',./";
  private static final String UNICODE = "✓Ωλжñ€ü→";

  private final List<Process> started = new ArrayList<>();
  private final Path work = Files.createTempDirectory("robogrid-desktopbench");
  private String display;

  private DesktopBench() throws Exception {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int chars = Integer.parseInt(args[1]), clicks = Integer.parseInt(args[2]), shots = Integer.parseInt(args[3]);
    DesktopBench b = new DesktopBench();
    Runtime.getRuntime().addShutdownHook(new Thread(b::stopAll));
    try {
      b.startX();
      try (X11Driver d = X11Driver.open(b.display)) {
        b.typing(d, chars);
        b.clicks(d, clicks);
        b.screenshots(d, shots);
      }
      b.throughANode(root, chars);
    } finally {
      b.stopAll();
    }
  }

  private void startX() throws Exception {
    Process x = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", WIDTH + "x" + HEIGHT + "x24", "-nolisten", "tcp")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    started.add(x);
    display = ":" + new BufferedReader(new InputStreamReader(x.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip();
    System.out.println("Xvfb " + display + " " + WIDTH + "x" + HEIGHT + "x24");
  }

  private Process launch(List<String> argv, Path output) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()));
    pb.environment().put("DISPLAY", display);
    pb.environment().put("LANG", "C.UTF-8");
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static DesktopWindow window(X11Driver d, String title) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (DesktopWindow w : d.windows()) if (w.title().contains(title)) return w;
      Thread.sleep(50);
    }
    throw new IllegalStateException("no window '" + title + "' appeared");
  }

  /** Text of {@code n} characters from {@code alphabet}, in lines of 80, ending with a line break. */
  private static String text(String alphabet, int n) {
    int[] cps = alphabet.codePoints().toArray();
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.appendCodePoint(cps[i % cps.length]);
      if (i % 80 == 0 || i == n) b.append('\n');
    }
    return b.toString();
  }

  private void typing(X11Driver d, int n) throws Exception {
    Path out = work.resolve("typed.txt");
    launch(List.of("xterm", "-u8", "-T", "bench-term", "-geometry", "100x30+0+0", "-e", "sh", "-c", "stty -echo; cat > " + out), null);
    DesktopWindow term = window(d, "bench-term");
    Thread.sleep(1_000); // xterm and its shell ready
    d.focus(term.id());
    long bytes = 0;
    for (String[] kind : new String[][] {{"ASCII (US keymap, with Shift)", ASCII}, {"characters not on the keymap (remapped keys)", UNICODE}}) {
      int count = kind[1].equals(UNICODE) ? Math.max(80, n / 5) : n;
      String t = text(kind[1], count);
      long expected = bytes + t.getBytes(StandardCharsets.UTF_8).length;
      long t0 = System.nanoTime();
      d.type(t);
      long sent = System.nanoTime() - t0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((Files.exists(out) ? Files.size(out) : 0) < expected && System.nanoTime() < deadline) Thread.sleep(2);
      long read = System.nanoTime() - t0;
      long got = Files.exists(out) ? Files.size(out) : 0;
      int typed = t.codePointCount(0, t.length());
      System.out.printf("typing %s: %d characters; sent in %.0f ms (%.0f chars/s), read by the program in %.0f ms (%.0f chars/s)%s%n",
          kind[0], typed, sent / 1e6, typed / (sent / 1e9), read / 1e6, typed / (read / 1e9),
          got == expected ? "" : " INCOMPLETE: " + got + " of " + expected + " bytes");
      bytes = expected;
    }
    d.jobEnded();
  }

  private void clicks(X11Driver d, int n) throws Exception {
    Path out = work.resolve("xev.txt");
    launch(List.of("stdbuf", "-oL", "xev", "-name", "bench-xev", "-geometry", "400x400+500+100", "-event", "button"), out);
    DesktopWindow xev = window(d, "bench-xev");
    Thread.sleep(500);
    Rect b = xev.bounds();
    for (boolean moving : new boolean[] {false, true}) {
      long before = releases(out);
      long t0 = System.nanoTime();
      d.moveTo(b.x() + 200, b.y() + 200);
      for (int i = 0; i < n; i++) {
        if (moving) d.moveTo(b.x() + 20 + (i * 37) % 360, b.y() + 20 + (i * 53) % 360);
        d.click(MouseButton.LEFT, 1);
      }
      long sent = System.nanoTime() - t0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (releases(out) - before < n && System.nanoTime() < deadline) Thread.sleep(2);
      long seen = System.nanoTime() - t0;
      long got = releases(out) - before;
      System.out.printf("clicks%s: %d; sent in %.0f ms (%.0f clicks/s), all seen by the program in %.0f ms (%.0f clicks/s)%s%n",
          moving ? " each at a new point (move + click)" : " at one point", n, sent / 1e6, n / (sent / 1e9), seen / 1e6, n / (seen / 1e9),
          got == n ? "" : " INCOMPLETE: " + got + " of " + n);
    }
  }

  private static long releases(Path xevOutput) throws Exception {
    if (!Files.exists(xevOutput)) return 0;
    try (var lines = Files.lines(xevOutput, StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> l.startsWith("ButtonRelease")).count();
    }
  }

  private void screenshots(X11Driver d, int n) throws Exception {
    List<Double> capture = new ArrayList<>(), encode = new ArrayList<>();
    int size = 0;
    for (int i = 0; i < n + 3; i++) {
      long t0 = System.nanoTime();
      BufferedImage img = d.capture(d.screen());
      long t1 = System.nanoTime();
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      long t2 = System.nanoTime();
      if (i < 3) continue; // warm-up
      capture.add((t1 - t0) / 1e6);
      encode.add((t2 - t1) / 1e6);
      size = png.size();
    }
    System.out.printf("screenshot %dx%d, %d runs: capture (XGetImage + conversion) median %.1f ms, p95 %.1f ms; PNG encoding median %.1f ms,"
        + " p95 %.1f ms; %d KiB per PNG (xterm and xev on screen)%n", WIDTH, HEIGHT, n, pct(capture, 50), pct(capture, 95), pct(encode, 50),
        pct(encode, 95), size / 1024);
  }

  /** The same work as steps of jobs on a node: what a user sees in the job's step times. */
  private void throughANode(Path root, int n) throws Exception {
    BenchNodes nodes = new BenchNodes(root, "desktopbench");
    try {
      NodeClient node = new NodeClient(nodes.start("desk", Map.of("ROBOGRID_DESKTOPS", "bench=" + display, "ROBOGRID_CAPABILITIES", "http")));
      node.awaitHealth(Duration.ofSeconds(120));
      node.listen();
      Path out = work.resolve("node-typed.txt");
      String t = text(ASCII, n);
      JsonObject wf = new JsonObject().put("requires", new JsonArray().add("desktop:bench")).put("steps", new JsonArray()
          .add(step("term", "desktop.launch", new JsonObject().put("command", "xterm").put("title", "node-term")
              .put("args", new JsonArray(List.of("-u8", "-T", "node-term", "-geometry", "100x30+0+0", "-e", "sh", "-c", "stty -echo; cat > " + out)))))
          .add(step("type", "desktop.type", new JsonObject().put("text", t), "term"))
          .add(step("shot", "desktop.screenshot", new JsonObject().put("name", "screen"), "type")));
      long t0 = System.nanoTime();
      String id = node.submit(new JsonObject().put("workflow", wf).encode());
      NodeClient.Done done = node.done(id).get(120, TimeUnit.SECONDS);
      long total = System.nanoTime() - t0;
      JsonObject job = node.job(id);
      if (!done.succeeded()) throw new IllegalStateException("the bench job " + done.state() + ": " + job.encodePrettily());
      JsonObject steps = job.getJsonObject("metrics").getJsonObject("steps");
      int typed = t.codePointCount(0, t.length());
      long typeMs = steps.getJsonObject("type").getLong("ms");
      System.out.printf("through a node: desktop.launch of xterm %d ms (window shown and settled), desktop.type of %d characters %d ms"
          + " (%.0f chars/s), desktop.screenshot of the screen %d ms (capture, PNG, artifact sent); job POST to SUCCEEDED %d ms%n",
          steps.getJsonObject("term").getLong("ms"), typed, typeMs, typed / (typeMs / 1e3), steps.getJsonObject("shot").getLong("ms"), total / 1_000_000);
    } finally {
      nodes.stopAll();
    }
  }

  private static JsonObject step(String id, String type, JsonObject with, String... needs) {
    JsonObject s = new JsonObject().put("id", id).put("type", type).put("with", with);
    if (needs.length > 0) s.put("needs", new JsonArray(List.of((Object[]) needs)));
    return s;
  }

  private synchronized void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    started.clear();
  }
}
