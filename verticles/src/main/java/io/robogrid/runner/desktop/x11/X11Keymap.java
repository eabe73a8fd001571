package io.robogrid.runner.desktop.x11;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which keycode (and whether with Shift) gives each keysym, from the server's core keyboard map, and the spare
 * keycodes (with no keysym at all) used to type what the map lacks.
 */
final class X11Keymap {
  /** A key (and whether Shift is held with it) that types a keysym. */
  record Key(int code, boolean shift) {}

  /** How long clients get to read keys typed with a remapped keycode before it is given another meaning. */
  private static final long REMAP_SETTLE_MS = 100;
  private static final X11 X = X11.INSTANCE;
  private static final Xlib XLIB = Xlib.INSTANCE;

  private final X11.Display display;
  private final String displayName;
  final int min, perCode;
  final long[] syms;
  final Map<Long, Key> index = new HashMap<>();
  final List<Integer> spare = new ArrayList<>();
  /** Spare keycodes in use, to which keysym, least recently used first. */
  final LinkedHashMap<Integer, Long> remapped = new LinkedHashMap<>(16, 0.75f, true);

  /** Reads the server's core keyboard map (a round trip). */
  X11Keymap(X11.Display display, String displayName) {
    this.display = display;
    this.displayName = displayName;
    IntByReference lo = new IntByReference(), hi = new IntByReference(), per = new IntByReference();
    XLIB.XDisplayKeycodes(display, lo, hi);
    min = lo.getValue();
    int count = hi.getValue() - min + 1;
    Pointer p = XLIB.XGetKeyboardMapping(display, (byte) min, count, per);
    perCode = per.getValue();
    syms = X11Driver.readLongs(p, count * perCode);
    if (p != null) XLIB.XFree(p);
    for (int i = 0; i < count; i++) {
      boolean empty = true;
      for (int level = 0; level < perCode; level++) if (syms[i * perCode + level] != 0) empty = false;
      if (empty) spare.add(min + i);
      for (int level = 0; level < Math.min(2, perCode); level++) {
        long ks = syms[i * perCode + level];
        if (ks != 0) index.putIfAbsent(ks, new Key(min + i, level == 1));
      }
    }
  }

  int spareCount() {
    return spare.size();
  }

  /** The key that types {@code keysym} now, or null. */
  Key find(long keysym) {
    return index.get(keysym);
  }

  int code(long keysym) {
    Key k = index.get(keysym);
    if (k == null) throw new StepFailure(ErrorClass.DESKTOP_ERROR, "the keyboard map of " + displayName + " has no key for keysym " + X11Driver.hex(keysym));
    return k.code();
  }

  Key key(long keysym) {
    Key k = index.get(keysym);
    if (k != null) {
      if (remapped.containsKey(k.code())) remapped.get(k.code()); // touch: recently used
      return k;
    }
    prepare(new long[] {keysym});
    return index.get(keysym);
  }

  /** Maps every keysym of {@code keysyms} the map lacks to a spare keycode, all before any key is sent. */
  void prepare(long[] keysyms) {
    java.util.LinkedHashSet<Long> missing = new java.util.LinkedHashSet<>();
    for (long ks : keysyms) if (!index.containsKey(ks)) missing.add(ks);
    // more than there are spare keys: the rest are mapped as they come (each reuse waits for the clients)
    missing.stream().limit(spare.size()).forEach(this::remap);
  }

  private void remap(long keysym) {
    if (spare.isEmpty()) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "the keyboard map of " + displayName + " has no free key to type keysym " + X11Driver.hex(keysym));
    }
    Integer code = spare.stream().filter(c -> !remapped.containsKey(c)).findFirst().orElse(null);
    if (code == null) { // all in use: take the least recently used, once clients have read what it typed last
      code = remapped.keySet().iterator().next();
      X.XSync(display, false);
      sleep(REMAP_SETTLE_MS);
      index.remove(remapped.remove(code));
    }
    XLIB.XChangeKeyboardMapping(display, code, 2, new NativeLong[] {new NativeLong(keysym), new NativeLong(keysym)}, 1);
    remapped.put(code, keysym);
    index.put(keysym, new Key(code, false));
  }

  /** Gives every remapped keycode its empty meaning back, once clients have read the keys typed with it. */
  void restore() {
    if (remapped.isEmpty()) return;
    X.XSync(display, false);
    sleep(REMAP_SETTLE_MS);
    for (Map.Entry<Integer, Long> e : remapped.entrySet()) {
      XLIB.XChangeKeyboardMapping(display, e.getKey(), 2, new NativeLong[] {new NativeLong(0), new NativeLong(0)}, 1);
      index.remove(e.getValue());
    }
    remapped.clear();
    X.XSync(display, false);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
