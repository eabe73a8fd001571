package io.robogrid.runner.desktop.windows;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.desktop.MouseButton;
import io.robogrid.runner.desktop.Rect;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of Windows mouse input: where an absolute {@code SendInput} move lands, and which
 * {@code MOUSEEVENTF_*} bits press and release which button. Pure, so it is tested on any OS.
 */
public final class WindowsGeometry {
  private WindowsGeometry() {}

  public static final int MOUSEEVENTF_MOVE = 0x0001;
  public static final int MOUSEEVENTF_LEFTDOWN = 0x0002;
  public static final int MOUSEEVENTF_LEFTUP = 0x0004;
  public static final int MOUSEEVENTF_RIGHTDOWN = 0x0008;
  public static final int MOUSEEVENTF_RIGHTUP = 0x0010;
  public static final int MOUSEEVENTF_MIDDLEDOWN = 0x0020;
  public static final int MOUSEEVENTF_MIDDLEUP = 0x0040;
  public static final int MOUSEEVENTF_VIRTUALDESK = 0x4000;
  public static final int MOUSEEVENTF_ABSOLUTE = 0x8000;

  /** The highest normalized coordinate: Microsoft documents that (65535, 65535) is the lower-right corner. */
  public static final int NORMALIZED_MAX = 65535;

  /** A point in the 0..65535 space of {@code MOUSEEVENTF_ABSOLUTE | MOUSEEVENTF_VIRTUALDESK}. */
  public record Normalized(int dx, int dy) {}

  /**
   * Pixel ({@code x}, {@code y}) in the normalized space of {@code virtualScreen}, the bounding box of all monitors
   * (its origin is negative when a monitor sits left of or above the primary one).
   *
   * @throws StepFailure {@code INVALID_COORDINATES} for a point on no monitor's side of the virtual screen
   */
  public static Normalized normalize(int x, int y, Rect virtualScreen) {
    if (!virtualScreen.contains(x, y)) {
      throw new StepFailure(ErrorClass.INVALID_COORDINATES, "(" + x + ", " + y + ") is outside the virtual screen " + virtualScreen);
    }
    return new Normalized(axis(x - virtualScreen.x(), virtualScreen.width()), axis(y - virtualScreen.y(), virtualScreen.height()));
  }

  /**
   * Pixel {@code offset} (0 .. {@code extent - 1}) on one axis as a normalized coordinate. The first and last pixels
   * are the corners Microsoft documents, 0 and 65535. The others aim at the middle of the pixel's share of the 65536
   * steps, which lands on the pixel whether Windows maps back with {@code n * extent / 65536} rounded down (what
   * measurements and ReactOS show) or with {@code n * (extent - 1) / 65535} rounded: the often quoted
   * {@code round(offset * 65535 / (extent - 1))} is one pixel short on some columns of a 1920-pixel screen under the
   * first.
   */
  static int axis(int offset, int extent) {
    if (offset <= 0) return 0;
    if (offset >= extent - 1) return NORMALIZED_MAX;
    return (int) ((2L * offset + 1) * 65536 / (2L * extent));
  }

  /** The flag that presses {@code button}. */
  public static int downFlag(MouseButton button) {
    return switch (button) {
      case LEFT -> MOUSEEVENTF_LEFTDOWN;
      case RIGHT -> MOUSEEVENTF_RIGHTDOWN;
      case MIDDLE -> MOUSEEVENTF_MIDDLEDOWN;
    };
  }

  /** The flag that releases {@code button}. */
  public static int upFlag(MouseButton button) {
    return switch (button) {
      case LEFT -> MOUSEEVENTF_LEFTUP;
      case RIGHT -> MOUSEEVENTF_RIGHTUP;
      case MIDDLE -> MOUSEEVENTF_MIDDLEUP;
    };
  }

  /**
   * The flags of {@code count} clicks of {@code button}, one input each: down, up, down, up… With the buttons swapped
   * (a left-handed mouse, {@code SM_SWAPBUTTON}) Windows swaps injected left and right too, so the robot's "left" is
   * sent as the physical right button to stay the primary click.
   */
  public static List<Integer> clickFlags(MouseButton button, int count, boolean buttonsSwapped) {
    if (count < 1) throw new StepFailure(ErrorClass.BAD_WORKFLOW, "a click count must be at least 1, not " + count);
    MouseButton physical = !buttonsSwapped ? button : switch (button) {
      case LEFT -> MouseButton.RIGHT;
      case RIGHT -> MouseButton.LEFT;
      case MIDDLE -> MouseButton.MIDDLE;
    };
    List<Integer> flags = new ArrayList<>(2 * count);
    for (int i = 0; i < count; i++) {
      flags.add(downFlag(physical));
      flags.add(upFlag(physical));
    }
    return flags;
  }
}
