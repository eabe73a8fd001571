package io.robogrid.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.X11;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real X server (Xvfb) for desktop tests, on a display number it picks itself ({@code -displayfd}), so that test
 * runs never share a screen. {@code scripts/test} installs Xvfb; this starts one per test class.
 */
public final class Xvfb implements AutoCloseable {
  public final String display;
  public final int width;
  public final int height;
  private final Process process;
  private X11.Display probe;

  private Xvfb(String display, int width, int height, Process process) {
    this.display = display;
    this.width = width;
    this.height = height;
    this.process = process;
  }

  public static Xvfb start(int width, int height) {
    try {
      Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", width + "x" + height + "x24", "-nolisten", "tcp", "-noreset")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
      String number = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          return null;
        }
      }).get(20, TimeUnit.SECONDS);
      if (number == null || !number.strip().matches("\\d+")) {
        p.destroyForcibly();
        throw new IllegalStateException("Xvfb did not start (it said '" + number + "')");
      }
      return new Xvfb(":" + number.strip(), width, height, p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run Xvfb (install it: apt-get install xvfb, or run scripts/test, which does): " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException("Xvfb did not start: " + e, e);
    }
  }

  /**
   * How long the X server has seen no input, in milliseconds (the MIT-SCREEN-SAVER extension's idle time: what
   * decides when a session locks or its screen saver starts).
   */
  public synchronized long idleMillis() {
    if (probe == null) probe = X11.INSTANCE.XOpenDisplay(display);
    Pointer info = Xss.INSTANCE.XScreenSaverAllocInfo();
    try {
      if (Xss.INSTANCE.XScreenSaverQueryInfo(probe, X11.INSTANCE.XDefaultRootWindow(probe), info) == 0) {
        throw new IllegalStateException("the X server answered no screen saver info");
      }
      // XScreenSaverInfo: Window window; int state; int kind; unsigned long til_or_since; unsigned long idle; ...
      long offset = Native.LONG_SIZE + 4 + 4 + Native.LONG_SIZE;
      return Native.LONG_SIZE == 8 ? info.getLong(offset) : info.getInt(offset) & 0xffffffffL;
    } finally {
      X11.INSTANCE.XFree(info);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the X server at once (the way a crashed one goes). */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    if (probe != null && process.isAlive()) X11.INSTANCE.XCloseDisplay(probe);
    probe = null;
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** libXss: the screen saver extension's client side. */
  interface Xss extends Library {
    Xss INSTANCE = Native.load("Xss", Xss.class);

    Pointer XScreenSaverAllocInfo();

    int XScreenSaverQueryInfo(X11.Display display, X11.Window drawable, Pointer info);
  }

}
