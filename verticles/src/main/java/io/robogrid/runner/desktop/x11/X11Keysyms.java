package io.robogrid.runner.desktop.x11;

/**
 * Which X keysym types a character. Pure: the keyboard map is asked separately which key (and whether Shift) gives
 * that keysym, and a character no key gives is typed through a key remapped for the purpose.
 */
final class X11Keysyms {
  static final long RETURN = 0xff0d;
  static final long TAB = 0xff09;
  static final long BACKSPACE = 0xff08;
  static final long ESCAPE = 0xff1b;
  /** Unicode characters beyond Latin-1 have keysyms of their own: 0x01000000 + the code point (X11 keysymdef.h). */
  static final long UNICODE_OFFSET = 0x01000000L;

  private X11Keysyms() {}

  /** The keysym that types {@code codePoint}: control characters a keyboard has keys for, Latin-1 as is, the rest in the Unicode range. */
  static long forCodePoint(int codePoint) {
    return switch (codePoint) {
      case '\n', '\r' -> RETURN;
      case '\t' -> TAB;
      case '\b' -> BACKSPACE;
      case 0x1b -> ESCAPE;
      default -> {
        if (codePoint >= 0x20 && codePoint <= 0x7e || codePoint >= 0xa0 && codePoint <= 0xff) yield codePoint;
        if (codePoint < 0x20 || codePoint == 0x7f) throw new IllegalArgumentException(String.format("U+%04X is a control character no key types", codePoint));
        yield UNICODE_OFFSET + codePoint;
      }
    };
  }
}
