package io.robogrid.runner.steps;

import io.robogrid.core.Durations;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.robogrid.runner.desktop.DesktopDriver;
import io.robogrid.runner.desktop.DesktopJob;
import io.robogrid.runner.desktop.DesktopOptions;
import io.robogrid.runner.desktop.DesktopWindow;
import io.robogrid.runner.desktop.KeyCombo;
import io.robogrid.runner.desktop.MouseButton;
import io.robogrid.runner.desktop.Rect;
import io.robogrid.runner.desktop.WindowMatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The {@code desktop.*} steps, on the desktop the job leased (on the desktop's thread, never on an event loop).
 * Coordinates are screen pixels, or relative to a window's top-left corner when the step names a {@code window}
 * (an id, a title, or a window as an earlier step output it); a point off the screen or outside that window fails
 * the step with INVALID_COORDINATES before any input is sent. A failed step leaves a screenshot of the screen with
 * the job.
 */
public final class DesktopStep implements StepExecutor {
  /** The step types, by the name workflows use. */
  public enum Action {
    LAUNCH("desktop.launch"), FIND_WINDOW("desktop.findWindow"), WAIT_FOR_WINDOW("desktop.waitForWindow"), MOVE("desktop.move"),
    CLICK("desktop.click"), TYPE("desktop.type"), KEY("desktop.key"), SCREENSHOT("desktop.screenshot");

    public final String type;

    Action(String type) {
      this.type = type;
    }
  }

  /** How often a step waiting for a window looks again. */
  static final long POLL_MS = 100;
  /** A new window whose pixels stayed the same this long has drawn itself. */
  static final long SETTLED_MS = 200;
  static final long SETTLE_POLL_MS = 50;
  /** Characters typed per call to the desktop's thread: a cancel is seen between chunks, and nudges are not needed meanwhile. */
  static final int TYPE_CHUNK = 200;

  private final Action action;
  private final DesktopOptions options;

  public DesktopStep(Action action, DesktopOptions options) {
    this.action = action;
    this.options = options;
  }

  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    DesktopJob job;
    try {
      job = desktopOf(ctx);
    } catch (StepFailure f) {
      return Future.failedFuture(f);
    }
    Future<JsonObject> result;
    try {
      result = switch (action) {
        case LAUNCH -> launch(ctx, job);
        case FIND_WINDOW -> findWindow(ctx, job);
        case WAIT_FOR_WINDOW -> waitForWindow(ctx, job);
        case MOVE -> job.act(d -> point(d, ctx.with(), true)).map(p -> new JsonObject().put("x", p[0]).put("y", p[1]));
        case CLICK -> click(ctx, job);
        case TYPE -> type(ctx, job);
        case KEY -> key(ctx, job);
        case SCREENSHOT -> screenshot(ctx, job);
      };
    } catch (IllegalArgumentException e) {
      result = Future.failedFuture(new StepFailure(ErrorClass.BAD_WORKFLOW, action.type + ": " + e.getMessage()));
    }
    return result.recover(e -> {
      StepFailure failure = StepFailure.of(e);
      if (ctx.cancellation().isCancelled() || failure.errorClass() == ErrorClass.CANCELLED) return Future.failedFuture(failure);
      return keepFailedScreen(ctx, job).transform(ignored -> Future.failedFuture(failure));
    });
  }

  /** The desktop the step drives: the one it names, or the job's only one. */
  private DesktopJob desktopOf(StepContext ctx) {
    String named = ctx.with().getString("desktop");
    if (named != null) {
      DesktopJob job = ctx.desktops().get(named);
      if (job == null) throw new StepFailure(ErrorClass.BAD_WORKFLOW, action.type + ": the job holds no desktop named " + named);
      return job;
    }
    if (ctx.desktops().size() == 1) return ctx.desktops().values().iterator().next();
    throw new StepFailure(ErrorClass.BAD_WORKFLOW, ctx.desktops().isEmpty() ? action.type + " needs a desktop: the job holds none"
        : action.type + ": the job holds desktops " + ctx.desktops().keySet() + "; name the one to drive in 'desktop'");
  }

  // ---- windows

  private Future<JsonObject> launch(StepContext ctx, DesktopJob job) {
    JsonObject with = ctx.with();
    String command = with.getString("command");
    List<String> argv = new ArrayList<>();
    argv.add(command);
    with.getJsonArray("args", new JsonArray()).forEach(a -> argv.add(String.valueOf(a)));
    WindowMatch match = WindowMatch.of(with);
    Duration timeout = duration(with, "timeout", options.launchTimeout());
    boolean keep = with.getBoolean("keepRunning", false);
    long deadline = System.nanoTime() + timeout.toNanos();
    return job.act(d -> {
      Set<Long> before = d.windows().stream().map(DesktopWindow::id).collect(Collectors.toSet());
      Path output;
      Process process;
      try {
        output = Files.createTempFile("robogrid-launch-", ".log");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(d.launchEnvironment());
        process = pb.start();
      } catch (IOException e) {
        throw new StepFailure(ErrorClass.LAUNCH_FAILED, "cannot start " + command + ": " + e.getMessage());
      }
      job.launched(process, keep, output);
      ctx.log().log("info", "started " + String.join(" ", argv) + " (pid " + process.pid() + ")");
      return new Launch(process, before, output);
    }).compose(l -> {
      Predicate<DesktopWindow> wanted = w -> !l.before.contains(w.id()) && (match != null ? match.matches(w) : ownedBy(w, l.process));
      return poll(ctx, job, wanted, false, deadline, l, match != null ? "a window with " + match : "a window of " + command + " (pid " + l.process.pid() + ")")
          .compose(w -> settle(ctx, job, w))
          .compose(w -> with.getBoolean("focus", true) ? job.act(d -> {
            d.focus(w.id());
            return w;
          }) : Future.succeededFuture(w))
          .map(w -> new JsonObject().put("pid", l.process.pid()).put("window", w.toJson()));
    });
  }

  private record Launch(Process process, Set<Long> before, Path output) {}

  /** A window of the launched process or one of its children; a window that does not say its process counts too. */
  private static boolean ownedBy(DesktopWindow w, Process p) {
    return w.pid() == 0 || w.pid() == p.pid() || p.descendants().anyMatch(h -> h.pid() == w.pid());
  }

  private Future<JsonObject> findWindow(StepContext ctx, DesktopJob job) {
    WindowMatch match = WindowMatch.of(ctx.with());
    boolean focus = ctx.with().getBoolean("focus", true);
    Future<DesktopWindow> found = focus ? job.act(d -> {
      DesktopWindow w = find(d, match);
      d.focus(w.id());
      return w;
    }) : job.look(d -> find(d, match));
    return found.map(DesktopWindow::toJson);
  }

  private Future<JsonObject> waitForWindow(StepContext ctx, DesktopJob job) {
    WindowMatch match = WindowMatch.of(ctx.with());
    boolean gone = ctx.with().getBoolean("gone", false);
    long deadline = System.nanoTime() + duration(ctx.with(), "timeout", options.windowTimeout()).toNanos();
    return poll(ctx, job, match::matches, gone, deadline, null, "a window with " + match)
        .compose(w -> w == null ? Future.succeededFuture(null) : settle(ctx, job, w))
        .map(w -> w == null ? new JsonObject().put("gone", true) : w.toJson());
  }

  /**
   * Looks at the desktop's windows every {@link #POLL_MS} until one satisfies {@code wanted} (or, {@code gone}, none
   * does), the deadline passes, the launched program died, or the step is cancelled. The waits happen on the event
   * loop: the desktop's thread stays free for keep-alive nudges in between.
   */
  private Future<DesktopWindow> poll(StepContext ctx, DesktopJob job, Predicate<DesktopWindow> wanted, boolean gone, long deadline,
                                     Launch launch, String what) {
    Promise<DesktopWindow> result = Promise.promise();
    Runnable[] look = new Runnable[1];
    look[0] = () -> {
      if (ctx.cancellation().isCancelled()) {
        result.tryFail(new StepFailure(ErrorClass.CANCELLED, "stopped waiting for " + what));
        return;
      }
      job.look(d -> d.windows()).onComplete(ar -> {
        if (ar.failed()) {
          result.tryFail(ar.cause());
          return;
        }
        DesktopWindow found = null;
        for (DesktopWindow w : ar.result()) if (wanted.test(w)) found = w; // the topmost
        if (gone ? found == null : found != null) {
          result.tryComplete(found);
        } else if (launch != null && !launch.process.isAlive() && launch.process.exitValue() != 0) {
          result.tryFail(new StepFailure(ErrorClass.LAUNCH_FAILED, "the program exited with code " + launch.process.exitValue()
              + " before showing " + what + outputTail(launch.output)));
        } else if (System.nanoTime() > deadline) {
          String now = ar.result().isEmpty() ? "none" : ar.result().stream().map(w -> "'" + w.title() + "'").collect(Collectors.joining(", "));
          result.tryFail(new StepFailure(ErrorClass.WINDOW_NOT_FOUND, gone ? what + " was still there when the wait ended"
              : "no " + what.replaceFirst("^a ", "") + " appeared in time (windows now: " + now + ")"));
        } else {
          ctx.vertx().setTimer(POLL_MS, t -> look[0].run());
        }
      });
    };
    look[0].run();
    return result.future();
  }

  /**
   * Waits until a window that just appeared has drawn itself: its pixels are not one flat colour and have not changed
   * for {@link #SETTLED_MS}, {@code settle} at most (default 2 s, {@code 0s}: do not wait). A window is mapped before
   * its program is ready for input: a Swing window that gets keys within ~200 ms of showing loses them.
   */
  private Future<DesktopWindow> settle(StepContext ctx, DesktopJob job, DesktopWindow window) {
    long max = duration(ctx.with(), "settle", Duration.ofSeconds(2)).toNanos();
    if (max == 0) return Future.succeededFuture(window);
    long start = System.nanoTime();
    Promise<DesktopWindow> result = Promise.promise();
    long[] last = {0, start}; // pixel hash, when it last changed
    Runnable[] look = new Runnable[1];
    look[0] = () -> job.look(d -> {
      DesktopWindow now = d.window(window.id());
      BufferedImage img = d.capture(now.bounds());
      int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
      boolean flat = java.util.Arrays.stream(px).allMatch(p -> p == px[0]);
      return new Frame(now, java.util.Arrays.hashCode(px), flat);
    }).onComplete(ar -> {
      if (ar.failed()) {
        result.tryFail(ar.cause());
        return;
      }
      Frame f = ar.result();
      long t = System.nanoTime();
      if (f.hash != last[0]) {
        last[0] = f.hash;
        last[1] = t;
      } else if (!f.flat && t - last[1] >= SETTLED_MS * 1_000_000) {
        result.tryComplete(f.window);
        return;
      }
      if (t - start >= max || ctx.cancellation().isCancelled()) {
        ctx.log().log("info", "window '" + f.window.title() + "' still changing after " + (t - start) / 1_000_000 + " ms; going on");
        result.tryComplete(f.window);
      } else {
        ctx.vertx().setTimer(SETTLE_POLL_MS, x -> look[0].run());
      }
    });
    look[0].run();
    return result.future();
  }

  private record Frame(DesktopWindow window, int hash, boolean flat) {}

  private static String outputTail(Path output) {
    try {
      String s = Files.readString(output, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) return "";
      return ": " + (s.length() > 500 ? "…" + s.substring(s.length() - 500) : s);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The topmost window {@code match} selects; fails with WINDOW_NOT_FOUND listing what there is. */
  static DesktopWindow find(DesktopDriver d, WindowMatch match) {
    List<DesktopWindow> all = d.windows();
    DesktopWindow w = match.topmost(all);
    if (w == null) {
      String now = all.isEmpty() ? "none" : all.stream().map(x -> "'" + x.title() + "'").collect(Collectors.joining(", "));
      throw new StepFailure(ErrorClass.WINDOW_NOT_FOUND, "no window with " + match + " (windows now: " + now + ")");
    }
    return w;
  }

  /**
   * The window a step's {@code window} names: an id (a number), a title (a string: contained in the title), or an
   * object (an earlier step's window output, with its {@code id}; or {@code title}/{@code titleRegex}).
   */
  static DesktopWindow window(DesktopDriver d, Object spec) {
    if (spec instanceof Number n) return d.window(n.longValue());
    if (spec instanceof String s) return find(d, new WindowMatch(s, null));
    if (spec instanceof JsonObject o) {
      if (o.getValue("id") instanceof Number n) return d.window(n.longValue());
      WindowMatch m = WindowMatch.of(o);
      if (m != null) return find(d, m);
    }
    throw new StepFailure(ErrorClass.BAD_WORKFLOW, "window must be a window id, a title, or a window an earlier step found, not " + spec);
  }

  // ---- input

  /**
   * The step's point on the screen (its {@code x}, {@code y}, relative to its {@code window} when it names one), checked
   * to be on the screen and inside that window; the pointer is moved there when {@code move}. Null when the step gives
   * no point.
   */
  static int[] point(DesktopDriver d, JsonObject with, boolean move) {
    if (with.getValue("x") == null && with.getValue("y") == null) return null;
    int x = coordinate(with, "x"), y = coordinate(with, "y");
    int ax = x, ay = y;
    Object spec = with.getValue("window");
    if (spec != null) {
      DesktopWindow w = window(d, spec);
      Rect b = w.bounds();
      if (x < 0 || y < 0 || x >= b.width() || y >= b.height()) {
        throw new StepFailure(ErrorClass.INVALID_COORDINATES, "(" + x + ", " + y + ") is outside window '" + w.title() + "' ("
            + b.width() + "x" + b.height() + ")");
      }
      ax = b.x() + x;
      ay = b.y() + y;
    }
    Rect screen = d.screen();
    if (!screen.contains(ax, ay)) {
      throw new StepFailure(ErrorClass.INVALID_COORDINATES, "(" + ax + ", " + ay + ") is off the screen (" + screen.width() + "x" + screen.height() + ")");
    }
    if (move) d.moveTo(ax, ay);
    return new int[] {ax, ay};
  }

  private static int coordinate(JsonObject with, String key) {
    Object v = with.getValue(key);
    if (v instanceof Number n) return n.intValue();
    if (v instanceof String str && str.strip().matches("-?\\d{1,9}")) return Integer.parseInt(str.strip());
    throw new StepFailure(ErrorClass.BAD_WORKFLOW, key + " must be a whole number of pixels, not " + (v == null ? "missing" : "'" + v + "'"));
  }

  private Future<JsonObject> click(StepContext ctx, DesktopJob job) {
    JsonObject with = ctx.with();
    MouseButton button = MouseButton.of(with.getString("button"));
    int clicks = with.getBoolean("double", false) ? 2 : 1;
    return job.act(d -> {
      int[] p = point(d, with, true);
      d.click(button, clicks);
      JsonObject out = new JsonObject().put("button", button.name().toLowerCase(java.util.Locale.ROOT)).put("clicks", clicks);
      if (p != null) out.put("x", p[0]).put("y", p[1]);
      return out;
    });
  }

  private Future<JsonObject> type(StepContext ctx, DesktopJob job) {
    // one line break is one Return, whichever convention the text uses
    String text = String.valueOf(ctx.with().getValue("text")).replace("\r\n", "\n");
    long delayMs = duration(ctx.with(), "delay", Duration.ZERO).toMillis();
    int[] cps = text.codePoints().toArray();
    return typeFrom(ctx, job, cps, 0, delayMs).map(v -> new JsonObject().put("typed", cps.length));
  }

  /** Types {@code cps} from {@code from} on, a chunk per call to the desktop's thread, stopping when the step is cancelled. */
  private Future<Void> typeFrom(StepContext ctx, DesktopJob job, int[] cps, int from, long delayMs) {
    if (from >= cps.length) return Future.succeededFuture();
    if (ctx.cancellation().isCancelled()) return Future.failedFuture(new StepFailure(ErrorClass.CANCELLED, "stopped typing after " + from + " characters"));
    int to = Math.min(cps.length, from + (delayMs > 0 ? 1 : TYPE_CHUNK));
    String chunk = new String(cps, from, to - from);
    return job.act(d -> {
      d.type(chunk);
      if (delayMs > 0) sleep(delayMs);
      return (Void) null;
    }).compose(v -> typeFrom(ctx, job, cps, to, delayMs));
  }

  private Future<JsonObject> key(StepContext ctx, DesktopJob job) {
    List<KeyCombo> combos = KeyCombo.sequence(ctx.with().getValue("keys"));
    return job.act(d -> {
      for (KeyCombo c : combos) d.press(c);
      return new JsonObject().put("keys", new JsonArray(combos.stream().map(KeyCombo::toString).toList()));
    });
  }

  // ---- screenshots

  private Future<JsonObject> screenshot(StepContext ctx, DesktopJob job) {
    String name = ctx.with().getString("name");
    String file = name.endsWith(".png") ? name : name + ".png";
    Object spec = ctx.with().getValue("window");
    return job.look(d -> {
      Rect area = spec == null ? d.screen() : window(d, spec).bounds();
      BufferedImage image = d.capture(area);
      byte[] png = png(image);
      ctx.artifacts().save(file, "image/png", png);
      return new JsonObject().put("name", file).put("width", image.getWidth()).put("height", image.getHeight()).put("bytes", png.length);
    });
  }

  /** The whole screen as the step failed on it, kept with the job; never fails itself. */
  private static Future<Void> keepFailedScreen(StepContext ctx, DesktopJob job) {
    String name = ctx.stepId() + "-attempt" + ctx.attempt() + "-try" + ctx.tries() + "-failure.png";
    return job.look(d -> {
      if (!d.connected()) return (Void) null;
      ctx.artifacts().save(name, "image/png", png(d.capture(d.screen())));
      return (Void) null;
    }).otherwiseEmpty();
  }

  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "could not encode the screenshot as PNG: " + e.getMessage());
    }
    return out.toByteArray();
  }

  private static Duration duration(JsonObject with, String key, Duration dflt) {
    Object v = with.getValue(key);
    if (v == null) return dflt;
    try {
      return Durations.parse(String.valueOf(v));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
