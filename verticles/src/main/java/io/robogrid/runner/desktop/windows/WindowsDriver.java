package io.robogrid.runner.desktop.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.GDI32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef.DWORD;
import com.sun.jna.platform.win32.WinDef.HBITMAP;
import com.sun.jna.platform.win32.WinDef.HDC;
import com.sun.jna.platform.win32.WinDef.HKL;
import com.sun.jna.platform.win32.WinDef.HWND;
import com.sun.jna.platform.win32.WinDef.LONG;
import com.sun.jna.platform.win32.WinDef.RECT;
import com.sun.jna.platform.win32.WinDef.WORD;
import com.sun.jna.platform.win32.WinGDI;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinUser;
import com.sun.jna.platform.win32.WinUser.INPUT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.desktop.DesktopDriver;
import io.robogrid.runner.desktop.DesktopDrivers;
import io.robogrid.runner.desktop.DesktopWindow;
import io.robogrid.runner.desktop.KeyCombo;
import io.robogrid.runner.desktop.MouseButton;
import io.robogrid.runner.desktop.Rect;
import io.robogrid.runner.desktop.windows.WindowsGeometry.Normalized;
import io.robogrid.runner.desktop.windows.WindowsKeys.Stroke;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The desktop of the interactive Windows session this node runs in, through User32 (SendInput, window enumeration)
 * and GDI (screenshots). What can be worked out without Windows lives in {@link WindowsKeys} and
 * {@link WindowsGeometry}, where it is tested; this class only moves their plans in and out of native calls.
 * <p>
 * Nothing here touches a native library before {@link #open()} has checked the OS: User32's {@code INSTANCE} cannot
 * load elsewhere, and this class is compiled into every build.
 */
public final class WindowsDriver implements DesktopDriver {
  /** {@code CAPTUREBLT}: include layered windows (tooltips, menus, translucent apps) in a screen copy. */
  private static final int CAPTUREBLT = 0x40000000;

  private final User32 user32;
  private final GDI32 gdi32;
  private final Kernel32 kernel32;
  private final Dwmapi dwmapi;
  private final int sessionId;

  /** The one dwmapi call needed, which jna-platform does not bind. */
  private interface Dwmapi extends StdCallLibrary {
    int DWMWA_CLOAKED = 14;

    int DwmGetWindowAttribute(HWND hwnd, int attribute, IntByReference value, int size);
  }

  private WindowsDriver(User32 user32, GDI32 gdi32, Kernel32 kernel32, Dwmapi dwmapi, int sessionId) {
    this.user32 = user32;
    this.gdi32 = gdi32;
    this.kernel32 = kernel32;
    this.dwmapi = dwmapi;
    this.sessionId = sessionId;
  }

  /**
   * The desktop of this process's session. Fails with {@code DESKTOP_ERROR} off Windows, and in session 0, where
   * services run and no user's desktop exists to type into.
   */
  public static WindowsDriver open() {
    if (!DesktopDrivers.windows()) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "the Windows desktop driver needs Windows; this is " + System.getProperty("os.name"));
    }
    User32 user32;
    GDI32 gdi32;
    Kernel32 kernel32;
    Dwmapi dwmapi;
    int sessionId;
    try { // JNA's own native part loads here too: everything that can fail to link stays inside
      user32 = User32.INSTANCE;
      gdi32 = GDI32.INSTANCE;
      kernel32 = Kernel32.INSTANCE;
      dwmapi = Native.load("dwmapi", Dwmapi.class);
      IntByReference session = new IntByReference();
      if (!kernel32.ProcessIdToSessionId(kernel32.GetCurrentProcessId(), session)) {
        throw new StepFailure(ErrorClass.DESKTOP_ERROR, "cannot tell this process's Windows session (error " + Native.getLastError() + ")");
      }
      sessionId = session.getValue();
    } catch (LinkageError e) {
      String why = String.valueOf(e.getMessage()); // JNA may append its whole search path
      if (why.length() > 300) why = why.substring(0, 300) + "…";
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "cannot load user32/gdi32/kernel32/dwmapi through JNA: " + why, e);
    }
    if (sessionId == 0) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "this node runs in session 0 (as a service), which has no interactive desktop;"
          + " run it in the logged-on user's session (a scheduled task at logon, or the user's startup)");
    }
    return new WindowsDriver(user32, gdi32, kernel32, dwmapi, sessionId);
  }

  @Override
  public String describe() {
    Rect s = screen();
    return "Windows session " + sessionId + " (" + s.width() + "x" + s.height() + ")";
  }

  /** The primary monitor, whose top-left corner is (0, 0) of the virtual screen by definition. */
  @Override
  public Rect screen() {
    return new Rect(0, 0, user32.GetSystemMetrics(WinUser.SM_CXSCREEN), user32.GetSystemMetrics(WinUser.SM_CYSCREEN));
  }

  /** All monitors' bounding box: what absolute mouse coordinates are relative to. */
  private Rect virtualScreen() {
    return new Rect(user32.GetSystemMetrics(WinUser.SM_XVIRTUALSCREEN), user32.GetSystemMetrics(WinUser.SM_YVIRTUALSCREEN),
        user32.GetSystemMetrics(WinUser.SM_CXVIRTUALSCREEN), user32.GetSystemMetrics(WinUser.SM_CYVIRTUALSCREEN));
  }

  /**
   * EnumWindows walks the top-level windows from the top of the z-order down; the contract wants them bottom up. A
   * cloaked window counts as hidden, whatever its visible style says.
   */
  @Override
  public List<DesktopWindow> windows() {
    List<HWND> topDown = new ArrayList<>();
    user32.EnumWindows((hwnd, data) -> topDown.add(hwnd), null);
    List<DesktopWindow> bottomUp = new ArrayList<>();
    for (int i = topDown.size() - 1; i >= 0; i--) {
      HWND hwnd = topDown.get(i);
      if (!user32.IsWindowVisible(hwnd) || cloaked(hwnd)) continue;
      String title = title(hwnd);
      if (title.isEmpty()) continue;
      DesktopWindow w = describe(hwnd, title);
      if (w != null) bottomUp.add(w); // null: it closed while we looked
    }
    return bottomUp;
  }

  @Override
  public DesktopWindow window(long id) {
    HWND hwnd = existing(id);
    DesktopWindow w = describe(hwnd, title(hwnd));
    if (w == null) throw notFound(id);
    return w;
  }

  /**
   * Restores the window if it is minimized and brings it to the foreground. Windows only lets the process that had
   * the last input take the foreground; tapping Alt through SendInput makes this process that one. The tap is
   * skipped when the window already has the foreground, where it would open the window's menu bar.
   */
  @Override
  public void focus(long id) {
    HWND hwnd = existing(id);
    if ((user32.GetWindowLong(hwnd, WinUser.GWL_STYLE) & WinUser.WS_MINIMIZE) != 0) user32.ShowWindow(hwnd, WinUser.SW_RESTORE);
    if (!isForeground(hwnd)) {
      WindowsKeys.VirtualKey alt = WindowsKeys.modifierKey(KeyCombo.Modifier.ALT);
      sendKeys(List.of(alt.down(), alt.up()), "tapping Alt to take the foreground");
      user32.SetForegroundWindow(hwnd);
    }
    user32.BringWindowToTop(hwnd);
    if (!isForeground(hwnd)) {
      if (!user32.IsWindow(hwnd)) throw notFound(id);
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "Windows did not give window " + hex(id) + " the foreground (the foreground lock"
          + " kept it with another window)");
    }
  }

  /** An absolute SendInput move rather than SetCursorPos, so the target sees the move a real mouse makes. */
  @Override
  public void moveTo(int x, int y) {
    Normalized to = WindowsGeometry.normalize(x, y, virtualScreen());
    INPUT[] inputs = inputs(1);
    mouse(inputs[0], to.dx(), to.dy(),
        WindowsGeometry.MOUSEEVENTF_MOVE | WindowsGeometry.MOUSEEVENTF_ABSOLUTE | WindowsGeometry.MOUSEEVENTF_VIRTUALDESK);
    send(inputs, "moving the pointer to (" + x + ", " + y + ")");
  }

  /** All the presses in one SendInput call, so a double click is two clicks well within the double-click time. */
  @Override
  public void click(MouseButton button, int count) {
    boolean swapped = user32.GetSystemMetrics(WinUser.SM_SWAPBUTTON) != 0;
    List<Integer> flags = WindowsGeometry.clickFlags(button, count, swapped);
    INPUT[] inputs = inputs(flags.size());
    for (int i = 0; i < inputs.length; i++) mouse(inputs[i], 0, 0, flags.get(i));
    send(inputs, "clicking " + button.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void type(String text) {
    if (!text.isEmpty()) sendKeys(WindowsKeys.type(text), "typing");
  }

  /** Characters are looked up in the foreground window's layout: layouts are per thread, and that one reads the keys. */
  @Override
  public void press(KeyCombo combo) {
    HKL layout = foregroundLayout();
    sendKeys(WindowsKeys.press(combo, c -> user32.VkKeyScanExW((char) c, layout)), "pressing " + combo);
  }

  /** A GDI copy of the screen area, through a memory DC, read back as top-down 32-bit pixels. */
  @Override
  public BufferedImage capture(Rect area) {
    Rect screen = screen();
    Rect clip = area.intersect(screen);
    if (clip == null) throw new StepFailure(ErrorClass.INVALID_COORDINATES, "area " + area + " is off the screen " + screen);
    int w = clip.width(), h = clip.height();
    HDC screenDc = user32.GetDC(null);
    if (screenDc == null) {
      throw new StepFailure(ErrorClass.DESKTOP_ERROR, "no device context for the screen (error " + Native.getLastError() + ")");
    }
    HDC memoryDc = null;
    HBITMAP bitmap = null;
    try {
      memoryDc = gdi32.CreateCompatibleDC(screenDc);
      bitmap = gdi32.CreateCompatibleBitmap(screenDc, w, h);
      if (memoryDc == null || bitmap == null) {
        throw new StepFailure(ErrorClass.DESKTOP_ERROR, "GDI could not allocate a " + w + "x" + h + " bitmap");
      }
      HANDLE previous = gdi32.SelectObject(memoryDc, bitmap);
      boolean copied;
      try {
        copied = gdi32.BitBlt(memoryDc, 0, 0, w, h, screenDc, clip.x(), clip.y(), GDI32.SRCCOPY | CAPTUREBLT);
      } finally {
        gdi32.SelectObject(memoryDc, previous); // GetDIBits wants the bitmap out of any DC
      }
      if (!copied) {
        throw new StepFailure(ErrorClass.DESKTOP_ERROR,
            "GDI could not copy the screen (error " + Native.getLastError() + "; is the session locked?)");
      }
      WinGDI.BITMAPINFO info = new WinGDI.BITMAPINFO();
      info.bmiHeader.biWidth = w;
      info.bmiHeader.biHeight = -h; // negative: rows top-down, as BufferedImage has them
      info.bmiHeader.biPlanes = 1;
      info.bmiHeader.biBitCount = 32;
      info.bmiHeader.biCompression = WinGDI.BI_RGB;
      Memory pixels = new Memory((long) w * h * 4);
      if (gdi32.GetDIBits(screenDc, bitmap, 0, h, pixels, info, WinGDI.DIB_RGB_COLORS) != h) {
        throw new StepFailure(ErrorClass.DESKTOP_ERROR, "GDI could not read the screen copy back (error " + Native.getLastError() + ")");
      }
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      image.setRGB(0, 0, w, h, pixels.getIntArray(0, w * h), 0, w); // BGRA bytes are 0xAARRGGBB ints, alpha unused
      return image;
    } finally {
      if (bitmap != null) gdi32.DeleteObject(bitmap);
      if (memoryDc != null) gdi32.DeleteDC(memoryDc);
      user32.ReleaseDC(null, screenDc);
    }
  }

  /**
   * A relative move by (0, 0): real input as far as the idle timer is concerned, so the session neither locks nor
   * starts its screen saver, and the pointer stays put. The execution state keeps the display on as well.
   */
  @Override
  public void nudge() {
    INPUT[] inputs = inputs(1);
    mouse(inputs[0], 0, 0, WindowsGeometry.MOUSEEVENTF_MOVE);
    send(inputs, "nudging the pointer");
    kernel32.SetThreadExecutionState(WinBase.ES_DISPLAY_REQUIRED | WinBase.ES_SYSTEM_REQUIRED);
  }

  /** A program started from this node inherits the session's desktop; it needs nothing added. */
  @Override
  public Map<String, String> launchEnvironment() {
    return Map.of();
  }

  /** Nothing to let go of: User32 and GDI need no connection, and every DC is released where it is taken. */
  @Override
  public void close() {}

  private HWND existing(long id) {
    HWND hwnd = new HWND(new Pointer(id));
    if (id == 0 || !user32.IsWindow(hwnd)) throw notFound(id);
    return hwnd;
  }

  /** The window as a step sees it, or null when it went away between the caller's look and ours. */
  private DesktopWindow describe(HWND hwnd, String title) {
    RECT r = new RECT();
    if (!user32.GetWindowRect(hwnd, r)) return null;
    IntByReference pid = new IntByReference();
    if (user32.GetWindowThreadProcessId(hwnd, pid) == 0) return null;
    return new DesktopWindow(Pointer.nativeValue(hwnd.getPointer()), title, Integer.toUnsignedLong(pid.getValue()),
        new Rect(r.left, r.top, r.right - r.left, r.bottom - r.top));
  }

  /**
   * Whether DWM hides a window that says it is visible: suspended Store apps and the windows of other virtual desktops
   * are, and a step must not find (or focus) what the user cannot see.
   */
  private boolean cloaked(HWND hwnd) {
    IntByReference cloaked = new IntByReference();
    return dwmapi.DwmGetWindowAttribute(hwnd, Dwmapi.DWMWA_CLOAKED, cloaked, 4) == 0 && cloaked.getValue() != 0;
  }

  private String title(HWND hwnd) {
    int length = user32.GetWindowTextLength(hwnd);
    if (length <= 0) return "";
    char[] buffer = new char[length + 1];
    int read = user32.GetWindowText(hwnd, buffer, buffer.length);
    return new String(buffer, 0, Math.max(0, Math.min(read, length)));
  }

  private boolean isForeground(HWND hwnd) {
    HWND foreground = user32.GetForegroundWindow();
    return foreground != null && Pointer.nativeValue(foreground.getPointer()) == Pointer.nativeValue(hwnd.getPointer());
  }

  private HKL foregroundLayout() {
    HWND foreground = user32.GetForegroundWindow();
    int thread = foreground == null ? 0 : user32.GetWindowThreadProcessId(foreground, null);
    return user32.GetKeyboardLayout(thread);
  }

  /**
   * Sends a plan of key strokes in one call, so no other input lands between a modifier and its key. When Windows
   * takes only part of it, the keys that part left down are released before the failure is reported.
   */
  private void sendKeys(List<Stroke> plan, String what) {
    if (plan.isEmpty()) return;
    HKL layout = foregroundLayout();
    int sent = sendInput(keyInputs(plan, layout));
    if (sent == plan.size()) return;
    int error = Native.getLastError();
    List<Stroke> release = WindowsKeys.releaseAfter(plan, sent);
    if (!release.isEmpty()) sendInput(keyInputs(release, layout)); // best effort: the failure below is the news
    throw refused(what, sent, plan.size(), error);
  }

  /**
   * The KEYBDINPUTs of {@code plan}. Virtual-key strokes carry the layout's hardware scan code as well: remote-desktop
   * and Citrix clients forward that, not the virtual key.
   */
  private INPUT[] keyInputs(List<Stroke> plan, HKL layout) {
    INPUT[] inputs = inputs(plan.size());
    for (int i = 0; i < inputs.length; i++) {
      Stroke s = plan.get(i);
      int scan = s.unicode() || s.scan() != 0 ? s.scan() : user32.MapVirtualKeyEx(s.vk(), WinUser.MAPVK_VK_TO_VSC, layout) & 0xFF;
      inputs[i].type = new DWORD(INPUT.INPUT_KEYBOARD);
      inputs[i].input.setType("ki");
      inputs[i].input.ki.wVk = new WORD(s.vk());
      inputs[i].input.ki.wScan = new WORD(scan);
      inputs[i].input.ki.dwFlags = new DWORD(s.flags());
      inputs[i].input.ki.time = new DWORD(0);
      inputs[i].input.ki.dwExtraInfo = new ULONG_PTR(0);
    }
    return inputs;
  }

  private void send(INPUT[] inputs, String what) {
    int sent = sendInput(inputs);
    if (sent != inputs.length) throw refused(what, sent, inputs.length, Native.getLastError());
  }

  private int sendInput(INPUT[] inputs) {
    return user32.SendInput(new DWORD(inputs.length), inputs, inputs[0].size()).intValue();
  }

  /** SendInput refuses input as a whole when the session is locked or on another desktop (UAC, Ctrl+Alt+Del). */
  private static StepFailure refused(String what, int sent, int total, int error) {
    return new StepFailure(ErrorClass.DESKTOP_ERROR, what + ": Windows took " + sent + " of " + total + " inputs (error " + error
        + "); input is blocked by UIPI (the target runs elevated) or a locked session or secure desktop");
  }

  /** INPUT structures contiguous in native memory, as SendInput reads them. */
  private static INPUT[] inputs(int count) {
    return (INPUT[]) new INPUT().toArray(count);
  }

  private static void mouse(INPUT input, int dx, int dy, int flags) {
    input.type = new DWORD(INPUT.INPUT_MOUSE);
    input.input.setType("mi");
    input.input.mi.dx = new LONG(dx);
    input.input.mi.dy = new LONG(dy);
    input.input.mi.mouseData = new DWORD(0);
    input.input.mi.dwFlags = new DWORD(flags);
    input.input.mi.time = new DWORD(0);
    input.input.mi.dwExtraInfo = new ULONG_PTR(0);
  }

  private static StepFailure notFound(long id) {
    return new StepFailure(ErrorClass.WINDOW_NOT_FOUND, "no window " + hex(id));
  }

  private static String hex(long id) {
    return "0x" + Long.toHexString(id);
  }
}
