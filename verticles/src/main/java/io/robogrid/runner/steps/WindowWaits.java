package io.robogrid.runner.steps;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.desktop.DesktopJob;
import io.robogrid.runner.desktop.DesktopWindow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Waiting on a desktop for a window to appear (or go), and for a new one to draw itself. The waits are timers on the
 * event loop and each look is one short call on the desktop's thread, which stays free for keep-alive nudges between.
 */
final class WindowWaits {
  /** How often a step waiting for a window looks again. */
  static final long POLL_MS = 100;
  /** A new window whose pixels stayed the same this long has drawn itself. */
  static final long SETTLED_MS = 200;
  static final long SETTLE_POLL_MS = 50;

  private WindowWaits() {}

  /**
   * Looks at the desktop's windows every {@link #POLL_MS} until one satisfies {@code wanted} (or, {@code gone}, none
   * does), the deadline passes, the {@code launched} program (if any) exited with an error, or the step is cancelled. The waits happen on the event
   * loop: the desktop's thread stays free for keep-alive nudges in between.
   */
  static Future<DesktopWindow> appeared(StepContext ctx, DesktopJob job, Supplier<Predicate<DesktopWindow>> wanted, boolean gone,
                                        long deadline, Process launched, Path output, String what) {
    Promise<DesktopWindow> result = Promise.promise();
    Runnable[] look = new Runnable[1];
    look[0] = () -> {
      if (ctx.cancellation().isCancelled()) {
        result.tryFail(new StepFailure(ErrorClass.CANCELLED, "stopped waiting for " + what));
        return;
      }
      job.look(d -> {
        List<DesktopWindow> all = d.windows();
        Predicate<DesktopWindow> test = wanted.get();
        DesktopWindow topmost = null;
        for (DesktopWindow w : all) if (test.test(w)) topmost = w;
        return new Seen(all, topmost);
      }).onComplete(ar -> {
        if (ar.failed()) {
          result.tryFail(ar.cause());
          return;
        }
        DesktopWindow found = ar.result().found;
        if (gone ? found == null : found != null) {
          result.tryComplete(found);
        } else if (launched != null && !launched.isAlive() && launched.exitValue() != 0) {
          result.tryFail(new StepFailure(ErrorClass.LAUNCH_FAILED, "the program exited with code " + launched.exitValue()
              + " before showing " + what + outputTail(output)));
        } else if (System.nanoTime() > deadline) {
          List<DesktopWindow> all = ar.result().all;
          String now = all.isEmpty() ? "none" : all.stream().map(w -> "'" + w.title() + "'").collect(Collectors.joining(", "));
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
   * for {@link #SETTLED_MS}, {@code settle} at most. A window is mapped before its program has drawn it: clicking
   * where a button is not yet is input lost.
   */
  static Future<DesktopWindow> settled(StepContext ctx, DesktopJob job, DesktopWindow window, Duration settle) {
    long max = settle.toNanos();
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

  private record Seen(List<DesktopWindow> all, DesktopWindow found) {}

  /** The last 500 bytes the program wrote, for the failure message (only the end is read: output can be large). */
  private static String outputTail(Path output) {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(output.toFile(), "r")) {
      long from = Math.max(0, f.length() - 500);
      byte[] b = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(b);
      String s = new String(b, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? "" : ": " + (from > 0 ? "…" : "") + s;
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
