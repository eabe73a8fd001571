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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
    LAUNCH("desktop.launch", true), FIND_WINDOW("desktop.findWindow", true), WAIT_FOR_WINDOW("desktop.waitForWindow", false),
    MOVE("desktop.move", true), CLICK("desktop.click", true), TYPE("desktop.type", true), KEY("desktop.key", true),
    SCREENSHOT("desktop.screenshot", false);

    public final String type;
    /** Whether the step sends input (a focus change counts): the application gets {@code pauseAfter} to handle it. */
    final boolean sendsInput;

    Action(String type, boolean sendsInput) {
      this.type = type;
      this.sendsInput = sendsInput;
    }
  }

  /** The longest pause between typed characters a step may ask for. */
  static final long MAX_DELAY_MS = 5_000;
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
    } catch (IllegalArgumentException | ClassCastException e) {
      result = Future.failedFuture(e);
    }
    if (action.sendsInput) result = result.compose(out -> pauseAfter(ctx, out));
    return result.recover(e -> {
      StepFailure failure = parameterMistake(e);
      if (ctx.cancellation().isCancelled() || failure.errorClass() == ErrorClass.CANCELLED) return Future.failedFuture(failure);
      return keepFailedScreen(ctx, job).transform(ignored -> Future.failedFuture(failure));
    });
  }

  /**
   * Gives the application time to handle the input before the next step sends more: {@code pauseAfter}, else
   * {@code runner.desktop.pauseAfter}. A timer, not a sleep: the desktop's thread stays free.
   */
  private Future<JsonObject> pauseAfter(StepContext ctx, JsonObject output) {
    long ms = duration(ctx.with(), "pauseAfter", options.pauseAfter()).toMillis();
    return ms <= 0 ? Future.succeededFuture(output) : ctx.vertx().timer(ms).map(output);
  }

  /**
   * A parameter the workflow got wrong (a placeholder that resolved to the wrong type, a bad pattern inside a window
   * object) is the workflow's mistake, BAD_WORKFLOW, wherever it was noticed; anything else keeps its class.
   */
  private StepFailure parameterMistake(Throwable e) {
    if (e instanceof IllegalArgumentException) return new StepFailure(ErrorClass.BAD_WORKFLOW, action.type + ": " + e.getMessage());
    if (e instanceof ClassCastException) return new StepFailure(ErrorClass.BAD_WORKFLOW, action.type + ": a parameter has the wrong type (" + e.getMessage() + ")");
    return StepFailure.of(e);
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
    if (!(with.getValue("command") instanceof String command) || command.isBlank()) {
      throw new IllegalArgumentException("command must be the program to start, not " + with.getValue("command"));
    }
    List<String> argv = new ArrayList<>();
    argv.add(command);
    with.getJsonArray("args", new JsonArray()).forEach(a -> argv.add(String.valueOf(a)));
    WindowMatch match = WindowMatch.of(with);
    Duration timeout = duration(with, "timeout", options.launchTimeout());
    boolean keep = with.getBoolean("keepRunning", false);
    long deadline = System.nanoTime() + timeout.toNanos();
    return job.act(d -> {
      Set<Long> before = d.windows().stream().map(DesktopWindow::id).collect(Collectors.toSet());
      Path output = null;
      try {
        output = Files.createTempFile("robogrid-launch-", ".log");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(d.launchEnvironment());
        return new Launch(pb.start(), before, output);
      } catch (IOException e) {
        deleteQuietly(output);
        throw new StepFailure(ErrorClass.LAUNCH_FAILED, "cannot start " + command + ": " + e.getMessage());
      }
    }).compose(l -> {
      // back on the event loop: the job's list of programs and its log are kept there
      job.launched(l.process, keep, l.output);
      ctx.log().log("info", "started " + String.join(" ", argv) + " (pid " + l.process.pid() + ")");
      // evaluated on the desktop's thread at each look: finding the program's children reads /proc
      Supplier<Predicate<DesktopWindow>> wanted = () -> {
        Set<Long> owners = match != null ? Set.of() : owners(l.process);
        return w -> !l.before.contains(w.id()) && (match != null ? match.matches(w) : w.pid() == 0 || owners.contains(w.pid()));
      };
      return WindowWaits.appeared(ctx, job, wanted, false, deadline, l.process, l.output,
              match != null ? "a window with " + match : "a window of " + command + " (pid " + l.process.pid() + ")")
          .compose(w -> WindowWaits.settled(ctx, job, w, settle(ctx)))
          .compose(w -> with.getBoolean("focus", true) ? job.act(d -> {
            d.focus(w.id());
            return w;
          }) : Future.succeededFuture(w))
          .map(w -> new JsonObject().put("pid", l.process.pid()).put("window", w.toJson()));
    });
  }

  private record Launch(Process process, Set<Long> before, Path output) {}

  /** The launched process and its children: a window of any of them (or one that does not say its process) is the program's. */
  private static Set<Long> owners(Process p) {
    Set<Long> pids = new java.util.HashSet<>();
    pids.add(p.pid());
    p.descendants().forEach(h -> pids.add(h.pid()));
    return pids;
  }

  private static void deleteQuietly(Path file) {
    try {
      if (file != null) Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
  }

  /** The step's {@code title} or {@code titleRegex}; a placeholder that resolved to something else is the workflow's mistake. */
  private static WindowMatch requiredMatch(JsonObject with) {
    WindowMatch match = WindowMatch.of(with);
    if (match == null) throw new IllegalArgumentException("needs title or titleRegex as a string, not " + with.getValue("title") + " / " + with.getValue("titleRegex"));
    return match;
  }

  private Future<JsonObject> findWindow(StepContext ctx, DesktopJob job) {
    WindowMatch match = requiredMatch(ctx.with());
    boolean focus = ctx.with().getBoolean("focus", true);
    Future<DesktopWindow> found = focus ? job.act(d -> {
      DesktopWindow w = find(d, match);
      d.focus(w.id());
      return w;
    }) : job.look(d -> find(d, match));
    return found.map(DesktopWindow::toJson);
  }

  private Future<JsonObject> waitForWindow(StepContext ctx, DesktopJob job) {
    WindowMatch match = requiredMatch(ctx.with());
    boolean gone = ctx.with().getBoolean("gone", false);
    long deadline = System.nanoTime() + duration(ctx.with(), "timeout", options.windowTimeout()).toNanos();
    return WindowWaits.appeared(ctx, job, () -> match::matches, gone, deadline, null, null, "a window with " + match)
        .compose(w -> w == null ? Future.succeededFuture(null) : WindowWaits.settled(ctx, job, w, settle(ctx)))
        .map(w -> w == null ? new JsonObject().put("gone", true) : w.toJson());
  }

  /** How long a new window may take to draw itself: {@code settle}, 2 s by default, {@code 0s}: not waited for. */
  private static Duration settle(StepContext ctx) {
    return duration(ctx.with(), "settle", Duration.ofSeconds(2));
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
      WindowMatch m;
      try {
        m = WindowMatch.of(o);
      } catch (IllegalArgumentException e) {
        throw new StepFailure(ErrorClass.BAD_WORKFLOW, "window: " + e.getMessage());
      }
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
    if (delayMs > MAX_DELAY_MS) throw new IllegalArgumentException("delay may be at most " + MAX_DELAY_MS + " ms between characters");
    int[] cps = text.codePoints().toArray();
    return typeFrom(ctx, job, cps, 0, delayMs).map(v -> new JsonObject().put("typed", cps.length));
  }

  /** Types {@code cps} from {@code from} on, a chunk per call to the desktop's thread, stopping when the step is cancelled. */
  private Future<Void> typeFrom(StepContext ctx, DesktopJob job, int[] cps, int from, long delayMs) {
    if (from >= cps.length) return Future.succeededFuture();
    if (ctx.cancellation().isCancelled()) return Future.failedFuture(new StepFailure(ErrorClass.CANCELLED, "stopped typing after " + from + " characters"));
    int to = Math.min(cps.length, from + (delayMs > 0 ? 1 : TYPE_CHUNK));
    String chunk = new String(cps, from, to - from);
    Future<Void> typed = job.act(d -> {
      d.type(chunk);
      return null;
    });
    // the pause between characters is a timer, not a sleep: the desktop's thread stays free meanwhile
    if (delayMs > 0 && to < cps.length) typed = typed.compose(v -> ctx.vertx().timer(delayMs).mapEmpty());
    return typed.compose(v -> typeFrom(ctx, job, cps, to, delayMs));
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
    // checked again here: a name built from input must still be a plain file name
    if (!(ctx.with().getValue("name") instanceof String name) || !name.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException("name must be letters, digits, '.', '_' and '-' (at most 100), not " + ctx.with().getValue("name"));
    }
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
    return job.look(d -> {
      if (!d.connected()) return (Void) null;
      ctx.artifacts().save(ctx.failureArtifact("png"), "image/png", png(d.capture(d.screen())));
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
}
