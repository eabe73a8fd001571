package io.robogrid.runner.desktop.x11;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.desktop.DesktopDriver;
import io.robogrid.runner.desktop.DesktopWindow;
import io.robogrid.runner.desktop.KeyCombo;
import io.robogrid.runner.desktop.MouseButton;
import io.robogrid.runner.desktop.Rect;
import java.awt.image.BufferedImage;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A desktop on an X display, driven with XTest (synthetic input the server treats as real) through jna-platform's
 * X11 bindings and the few {@link Xlib} mappings they lack. Typing maps each character to its keysym and the key (and
 * Shift) that gives it; a character the keyboard map has no key for is typed on a spare keycode remapped to it for the
 * job, and the map is put back when the job ends. Errors never end the JVM: see {@link X11Errors}.
 * <p>
 * Used on one thread only (the desktop's).
 */
public final class X11Driver implements DesktopDriver {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(X11Driver.class);
  private static final X11 X = X11.INSTANCE;
  private static final Xlib XLIB = Xlib.INSTANCE;
  private static final NativeLong CURRENT_TIME = new NativeLong(0);
  private static final long SHIFT_L = 0xffe1, CONTROL_L = 0xffe3, ALT_L = 0xffe9, SUPER_L = 0xffeb;
  /** Key events sent before the buffer is flushed to the server while typing. */
  private static final int FLUSH_EVERY = 64;

  private final String displayName;
  private final X11.Display display;
  private final X11.Window root;
  private final Rect screen;
  private X11Keymap keymap;
  private final Map<String, NativeLong> atoms = new HashMap<>();
  private boolean closed;

  private X11Driver(String displayName, X11.Display display) {
    this.displayName = displayName;
    this.display = display;
    int s = X.XDefaultScreen(display);
    this.root = X.XRootWindow(display, s);
    this.screen = new Rect(0, 0, X.XDisplayWidth(display, s), X.XDisplayHeight(display, s));
    this.keymap = new X11Keymap(display, displayName);
  }

  /** Connects to X display {@code displayName} ({@code :99}); fails with DESKTOP_ERROR when it cannot be reached or lacks XTEST. */
  public static X11Driver open(String displayName) {
    X11Errors.install();
    X11.Display d = X.XOpenDisplay(displayName);
    if (d == null) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "cannot open X display " + displayName
          + " (is its X server running, and may this user connect to it?)");
    }
    X11Errors.protect(d);
    IntByReference a = new IntByReference(), b = new IntByReference(), c = new IntByReference(), e = new IntByReference();
    if (!X11.XTest.INSTANCE.XTestQueryExtension(d, a, b, c, e)) {
      X.XCloseDisplay(d);
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "X display " + displayName + " has no XTEST extension: input cannot be sent to it");
    }
    X11Driver driver = new X11Driver(displayName, d);
    log.info("desktop on X display {}: {}x{}, {} spare keycodes for characters the keyboard map lacks", displayName,
        driver.screen.width(), driver.screen.height(), driver.keymap.spareCount());
    return driver;
  }

  @Override
  public String describe() {
    return "X display " + displayName + " (" + screen.width() + "x" + screen.height() + ")";
  }

  @Override
  public Rect screen() {
    return screen;
  }

  @Override
  public boolean connected() {
    return !closed && !X11Errors.isLost(display);
  }

  // ---- windows

  @Override
  public List<DesktopWindow> windows() {
    alive("listing windows");
    List<DesktopWindow> out = new ArrayList<>();
    for (long top : tree(root.longValue()).children()) {
      X11.XWindowAttributes attrs = attributes(top);
      if (attrs == null || attrs.map_state != Xlib.IsViewable) continue;
      // without a window manager the top-level window is the application's; with one it is a frame around it
      long client = titled(top, 3);
      if (client == 0) continue;
      DesktopWindow w = describeWindow(client);
      if (w != null) out.add(w);
    }
    X11Errors.take(display); // windows that went away while being listed are simply not listed
    return out;
  }

  @Override
  public DesktopWindow window(long id) {
    alive("looking at window " + hex(id));
    DesktopWindow w = describeWindow(id);
    List<X11Errors.XError> errors = X11Errors.take(display);
    if (w == null) {
      if (!errors.isEmpty()) throw X11Errors.failure(display, "window " + hex(id) + " on " + displayName, errors.get(0));
      throw new StepFailure(ErrorClass.WINDOW_NOT_FOUND, "there is no window " + hex(id) + " on " + displayName);
    }
    return w;
  }

  @Override
  public void focus(long id) {
    X11.XWindowAttributes attrs = attributes(id);
    if (attrs == null) {
      List<X11Errors.XError> errors = X11Errors.take(display);
      if (!errors.isEmpty()) throw X11Errors.failure(display, "focusing window " + hex(id), errors.get(0));
      throw new StepFailure(ErrorClass.WINDOW_NOT_FOUND, "there is no window " + hex(id) + " on " + displayName);
    }
    if (attrs.map_state != Xlib.IsViewable) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "window " + hex(id) + " is not shown (unmapped or minimised): it cannot take the focus");
    }
    long top = topLevel(id);
    XLIB.XRaiseWindow(display, new NativeLong(top));
    XLIB.XSetInputFocus(display, new NativeLong(id), Xlib.RevertToParent, CURRENT_TIME);
    sync("focusing window " + hex(id));
  }

  // ---- input

  @Override
  public void moveTo(int x, int y) {
    alive("moving the pointer");
    X11.XTest.INSTANCE.XTestFakeMotionEvent(display, -1, x, y, CURRENT_TIME);
    sync("moving the pointer to " + x + "," + y);
  }

  @Override
  public void click(MouseButton button, int count) {
    alive("clicking");
    int b = switch (button) {
      case LEFT -> 1;
      case MIDDLE -> 2;
      case RIGHT -> 3;
    };
    for (int i = 0; i < count; i++) {
      X11.XTest.INSTANCE.XTestFakeButtonEvent(display, b, true, CURRENT_TIME);
      X11.XTest.INSTANCE.XTestFakeButtonEvent(display, b, false, CURRENT_TIME);
    }
    sync("clicking " + button.name().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public void type(String text) {
    alive("typing");
    int[] chars = text.codePoints().toArray();
    long[] keysyms = new long[chars.length];
    for (int i = 0; i < chars.length; i++) {
      try {
        keysyms[i] = X11Keysyms.forCodePoint(chars[i]);
      } catch (IllegalArgumentException e) {
        throw new StepFailure(ErrorClass.BAD_WORKFLOW, "cannot type character " + (i + 1) + ": " + e.getMessage());
      }
    }
    // every missing keysym is mapped before the first key goes out: clients read the map once, when they see a key
    keymap.prepare(keysyms);
    int sent = 0;
    for (long ks : keysyms) {
      X11Keymap.Key k = keymap.key(ks);
      if (k.shift()) key(keymap.code(SHIFT_L), true);
      key(k.code(), true);
      key(k.code(), false);
      if (k.shift()) key(keymap.code(SHIFT_L), false);
      if (++sent % FLUSH_EVERY == 0) X.XFlush(display);
    }
    sync("typing " + chars.length + " characters");
  }

  @Override
  public void press(KeyCombo combo) {
    alive("pressing " + combo);
    long ks;
    if (combo.isCharacter()) {
      ks = X11Keysyms.forCodePoint(combo.key().codePointAt(0));
    } else {
      X11.KeySym named = X.XStringToKeysym(combo.key());
      ks = named == null ? 0 : named.longValue();
      if (ks == 0) throw new StepFailure(ErrorClass.BAD_WORKFLOW, "X knows no key named " + combo.key());
    }
    keymap.prepare(new long[] {ks});
    X11Keymap.Key k = keymap.key(ks);
    List<Integer> mods = new ArrayList<>();
    for (KeyCombo.Modifier m : combo.modifiers()) {
      mods.add(keymap.code(switch (m) {
        case CTRL -> CONTROL_L;
        case SHIFT -> SHIFT_L;
        case ALT -> ALT_L;
        case SUPER -> SUPER_L;
      }));
    }
    if (k.shift() && !combo.modifiers().contains(KeyCombo.Modifier.SHIFT)) mods.add(keymap.code(SHIFT_L));
    for (int m : mods) key(m, true);
    key(k.code(), true);
    key(k.code(), false);
    for (int i = mods.size() - 1; i >= 0; i--) key(mods.get(i), false);
    sync("pressing " + combo);
  }

  private void key(int keycode, boolean down) {
    X11.XTest.INSTANCE.XTestFakeKeyEvent(display, keycode, down, CURRENT_TIME);
  }

  @Override
  public void nudge() {
    alive("keeping the session awake");
    PointerAt at = pointer();
    int x = at.x(), y = at.y();
    X11.XTest.INSTANCE.XTestFakeMotionEvent(display, -1, x > 0 ? x - 1 : x + 1, y, CURRENT_TIME);
    X11.XTest.INSTANCE.XTestFakeMotionEvent(display, -1, x, y, CURRENT_TIME);
    XLIB.XResetScreenSaver(display);
    sync("keeping the session awake");
  }

  /** Another program (or a node that died mid-job) may have changed the keyboard map since the last job. */
  @Override
  public void jobStarted() {
    alive("taking the desktop");
    keymap = new X11Keymap(display, displayName);
  }

  /** Puts back the keys remapped for the job, and turns Caps Lock off if the job left it on: the next job types as written. */
  @Override
  public void jobEnded() {
    if (!connected()) return;
    keymap.restore();
    if ((pointer().state() & LOCK_MASK) != 0) {
      long capsLock = 0xffe5;
      X11Keymap.Key k = keymap.find(capsLock);
      if (k != null) {
        key(k.code(), true);
        key(k.code(), false);
        log.info("desktop {}: the job left Caps Lock on; turned it off", displayName);
      }
    }
    X.XSync(display, false);
    X11Errors.take(display);
  }

  private static final int LOCK_MASK = 1 << 1;

  /** Where the pointer is on the screen, and the modifier and button state (Shift, Lock, Control…) the server reports with it. */
  private record PointerAt(int x, int y, int state) {}

  private PointerAt pointer() {
    X11.WindowByReference r = new X11.WindowByReference(), c = new X11.WindowByReference();
    IntByReference rx = new IntByReference(), ry = new IntByReference(), wx = new IntByReference(), wy = new IntByReference();
    IntByReference mask = new IntByReference();
    X.XQueryPointer(display, root, r, c, rx, ry, wx, wy, mask);
    return new PointerAt(rx.getValue(), ry.getValue(), mask.getValue());
  }

  // ---- screenshots

  @Override
  public BufferedImage capture(Rect area) {
    alive("taking a screenshot");
    Rect r = area.intersect(screen);
    if (r == null) throw new StepFailure(ErrorClass.INVALID_COORDINATES, "area " + area + " is not on the screen (" + screen + ")");
    Pointer p = XLIB.XGetImage(display, root, r.x(), r.y(), r.width(), r.height(), new NativeLong(-1L), Xlib.ZPixmap);
    if (p == null) {
      List<X11Errors.XError> errors = X11Errors.take(display);
      if (!errors.isEmpty()) throw X11Errors.failure(display, "taking a screenshot of " + r, errors.get(0));
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "the X server returned no image for " + r);
    }
    Xlib.XImage image = new Xlib.XImage(p);
    try {
      return X11Images.toImage(image);
    } finally {
      // XDestroyImage is a macro over the image's own function table
      Function.getFunction(image.destroy_image).invokeInt(new Object[] {p});
    }
  }

  @Override
  public Map<String, String> launchEnvironment() {
    return Map.of("DISPLAY", displayName);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (!X11Errors.isLost(display)) {
      try {
        keymap.restore();
      } catch (RuntimeException e) {
        log.debug("restoring the keyboard map of {}: {}", displayName, e.getMessage());
      }
      X.XCloseDisplay(display);
    }
    X11Errors.forget(display);
  }

  // ---- helpers

  private void alive(String doing) {
    if (closed) throw new StepFailure(ErrorClass.DESKTOP_ERROR, doing + ": the desktop " + displayName + " is closed");
    if (X11Errors.isLost(display)) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, doing + ": the connection to X display " + displayName + " was lost (its X server stopped?)");
    }
  }

  /** Waits until the server has handled every request sent, then fails with the first error it reported. */
  private void sync(String doing) {
    X.XSync(display, false);
    alive(doing);
    List<X11Errors.XError> errors = X11Errors.take(display);
    if (!errors.isEmpty()) throw X11Errors.failure(display, doing, errors.get(0));
  }

  /** A window's place in the tree: its parent (0 when none, or when the window is gone) and its children, bottom to top. */
  private record Tree(long parent, long[] children) {}

  private Tree tree(long window) {
    X11.WindowByReference rootRet = new X11.WindowByReference(), parent = new X11.WindowByReference();
    PointerByReference kids = new PointerByReference();
    IntByReference n = new IntByReference();
    if (X.XQueryTree(display, new X11.Window(window), rootRet, parent, kids, n) == 0) return new Tree(0, new long[0]);
    long[] children = readLongs(kids.getValue(), n.getValue());
    if (kids.getValue() != null) X.XFree(kids.getValue());
    return new Tree(parent.getValue() == null ? 0 : parent.getValue().longValue(), children);
  }

  /** The child of the root window that contains {@code window} (its frame, under a window manager). */
  private long topLevel(long window) {
    long w = window;
    for (int i = 0; i < 32; i++) {
      long p = tree(w).parent();
      if (p == 0 || p == root.longValue()) return w;
      w = p;
    }
    return window;
  }

  private X11.XWindowAttributes attributes(long window) {
    X11.XWindowAttributes a = new X11.XWindowAttributes();
    return X.XGetWindowAttributes(display, new X11.Window(window), a) == 0 ? null : a;
  }

  /** {@code window} itself if it has a title, else the first titled window below it, {@code depth} levels at most. */
  private long titled(long window, int depth) {
    if (title(window) != null) return window;
    if (depth == 0) return 0;
    for (long child : tree(window).children()) {
      long found = titled(child, depth - 1);
      if (found != 0) return found;
    }
    return 0;
  }

  private DesktopWindow describeWindow(long window) {
    X11.XWindowAttributes a = attributes(window);
    if (a == null) return null;
    IntByReference ax = new IntByReference(), ay = new IntByReference();
    X11.WindowByReference child = new X11.WindowByReference();
    if (!X.XTranslateCoordinates(display, new X11.Window(window), root, 0, 0, ax, ay, child)) return null;
    String t = title(window);
    long[] pid = longProperty(window, "_NET_WM_PID");
    return new DesktopWindow(window, t == null ? "" : t, pid.length > 0 ? pid[0] : 0, new Rect(ax.getValue(), ay.getValue(), a.width, a.height));
  }

  /** The window's title: {@code _NET_WM_NAME} (UTF-8) when set, else {@code WM_NAME}; null when it has none. */
  private String title(long window) {
    byte[] utf8 = property(window, "_NET_WM_NAME");
    if (utf8 != null && utf8.length > 0) return new String(utf8, StandardCharsets.UTF_8);
    byte[] name = property(window, "WM_NAME");
    return name == null || name.length == 0 ? null : new String(name, StandardCharsets.ISO_8859_1);
  }

  private NativeLong atom(String name) {
    return atoms.computeIfAbsent(name, n -> XLIB.XInternAtom(display, n, false));
  }

  /** A property's bytes (8-bit formats), or null when the window does not have it. */
  private byte[] property(long window, String name) {
    PropertyValue v = readProperty(window, name);
    return v == null || v.format != 8 ? null : v.bytes;
  }

  /** A 32-bit property's values (Xlib hands them over as C longs), or none. */
  private long[] longProperty(long window, String name) {
    PropertyValue v = readProperty(window, name);
    if (v == null || v.format != 32) return new long[0];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(v.bytes).order(ByteOrder.nativeOrder());
    long[] out = new long[v.bytes.length / Native.LONG_SIZE];
    for (int i = 0; i < out.length; i++) out[i] = Native.LONG_SIZE == 8 ? b.getLong() : b.getInt() & 0xffffffffL;
    return out;
  }

  private record PropertyValue(int format, byte[] bytes) {}

  private PropertyValue readProperty(long window, String name) {
    Xlib.NativeLongByRef type = new Xlib.NativeLongByRef(), items = new Xlib.NativeLongByRef(), after = new Xlib.NativeLongByRef();
    IntByReference format = new IntByReference();
    PointerByReference data = new PointerByReference();
    int status = XLIB.XGetWindowProperty(display, new NativeLong(window), atom(name), new NativeLong(0), new NativeLong(4096), false,
        new NativeLong(0) /* AnyPropertyType */, type, format, items, after, data);
    if (status != 0 || data.getValue() == null) return null;
    Pointer p = data.getValue();
    int n = (int) items.getValue().longValue();
    int f = format.getValue();
    byte[] bytes = p.getByteArray(0, f == 32 ? n * Native.LONG_SIZE : f == 16 ? n * 2 : n);
    XLIB.XFree(p);
    return new PropertyValue(f, bytes);
  }

  static long[] readLongs(Pointer p, int n) {
    long[] out = new long[n];
    if (p == null) return out;
    for (int i = 0; i < n; i++) out[i] = Native.LONG_SIZE == 8 ? p.getLong(8L * i) : p.getInt(4L * i) & 0xffffffffL;
    return out;
  }

  static String hex(long id) {
    return String.format("0x%x", id);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
