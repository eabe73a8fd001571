package io.robogrid.runner.desktop;

import java.util.Locale;

/** The mouse buttons a {@code desktop.click} may press. */
public enum MouseButton {
  LEFT, MIDDLE, RIGHT;

  /** {@code left}, {@code middle}, {@code right} in any case; null when the name is none of them. */
  public static MouseButton of(String name) {
    if (name == null) return LEFT;
    for (MouseButton b : values()) if (b.name().equals(name.trim().toUpperCase(Locale.ROOT))) return b;
    return null;
  }
}
