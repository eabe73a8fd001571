package io.robogrid.runner.desktop;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * What a desktop step can do to one desktop session: the operating system's part of a desktop robot. There is one
 * implementation per window system (X11 with XTest on Linux, User32/GDI on Windows), chosen at start by
 * {@link DesktopDrivers}.
 * <p>
 * Every method blocks and may only be called on the desktop's own thread (an X connection, like the Windows input
 * queue, belongs to one thread). A failure is a {@link io.robogrid.core.StepFailure}: {@code WINDOW_NOT_FOUND} for a
 * window that is gone, {@code INVALID_COORDINATES} for a point off the screen, {@code DESKTOP_ERROR} for the window
 * system refusing a request or going away. None of them ever ends the JVM.
 */
public interface DesktopDriver extends AutoCloseable {

  /** A line for logs: which display or session, and its size. */
  String describe();

  /** The screen's bounds (on Windows the primary monitor). */
  Rect screen();

  /** The visible top-level windows that have a title, bottom to top (the last one is on top). */
  List<DesktopWindow> windows();

  /** Window {@code id} as it is now; fails with {@code WINDOW_NOT_FOUND} when there is no such window. */
  DesktopWindow window(long id);

  /** Raises window {@code id} and gives it the keyboard focus. */
  void focus(long id);

  /** Moves the pointer to ({@code x}, {@code y}) in screen pixels, which the caller has checked are on the screen. */
  void moveTo(int x, int y);

  /** Clicks {@code button} {@code count} times (2: a double click) where the pointer is. */
  void click(MouseButton button, int count);

  /** Types {@code text} into the focused window: any Unicode, including characters the keyboard layout has no key for. */
  void type(String text);

  /** Presses one key combination: the modifiers down in order, the key down and up, the modifiers up in reverse. */
  void press(KeyCombo combo);

  /** The pixels of {@code area} of the screen (clipped to it), as they are now. */
  BufferedImage capture(Rect area);

  /**
   * A small input that changes nothing a user would see (on X11 the pointer moves one pixel and back, on Windows it
   * moves by nothing), so that the session counts as used and does not lock or start its screen saver.
   */
  void nudge();

  /** What a program launched on this desktop needs in its environment ({@code DISPLAY} on X11). */
  Map<String, String> launchEnvironment();

  /** Called when a job takes the desktop: the driver re-reads what others may have changed since (the keyboard map). */
  default void jobStarted() {}

  /**
   * Undoes what a job changed in the session beyond its own input: keys the X driver remapped to type characters the
   * layout lacks get their old (empty) meaning back. Called when a job lets go of the desktop.
   */
  default void jobEnded() {}

  /** False once the connection to the window system is gone (an X server that died): the driver is then replaced. */
  default boolean connected() {
    return true;
  }

  /** Lets go of the window system (the X connection); the driver is not used after this. Never throws. */
  @Override
  void close();
}
