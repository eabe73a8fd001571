package io.robogrid.runner.desktop;

import io.robogrid.runner.desktop.windows.WindowsDriver;
import io.robogrid.runner.desktop.x11.X11Driver;
import java.util.Locale;

/** Chooses the desktop driver of the operating system the node runs on. Both are compiled into every build. */
public final class DesktopDrivers {
  private DesktopDrivers() {}

  public static boolean windows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }

  /**
   * Connects to a desktop: on Windows the interactive session this node runs in ({@code display} is only a label),
   * elsewhere X display {@code display} ({@code :99}). Blocking: call it on the desktop's own thread.
   */
  public static DesktopDriver open(String display) {
    return windows() ? WindowsDriver.open() : X11Driver.open(display);
  }
}
