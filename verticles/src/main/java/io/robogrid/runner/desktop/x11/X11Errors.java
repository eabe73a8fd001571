package io.robogrid.runner.desktop.x11;

import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.X11;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Xlib's error handling, made safe for a server process. Xlib's default handlers print and call {@code exit()}: a
 * bad window id in one step would end the node. The handlers installed here only record what happened; the driver
 * checks after each request that can fail and turns the record into a {@link StepFailure}. A lost connection (the X
 * server died) is recorded too, and with libX11 1.8 or later the exit Xlib would then make is replaced as well.
 * <p>
 * Xlib's handlers are global to the process, and run on whichever thread is inside Xlib when the error arrives,
 * so errors are kept per display: each display is used by one thread only.
 */
final class X11Errors {
  private static final Logger log = LoggerFactory.getLogger(X11Errors.class);

  /** One X protocol error, as the server reported it. */
  record XError(int code, int request, int minor, long resource) {}

  private static final Map<Long, List<XError>> pending = new ConcurrentHashMap<>();
  private static final Set<Long> lost = ConcurrentHashMap.newKeySet();
  // strong references: a callback JNA has handed to C must never be collected
  private static Xlib.ErrorHandler errorHandler;
  private static Xlib.IOErrorHandler ioErrorHandler;
  private static Xlib.IOErrorExitHandler exitHandler;
  private static Boolean exitHandlerAvailable;

  private X11Errors() {}

  /** Installs the handlers once per process, before the first display is opened. */
  static synchronized void install() {
    if (errorHandler != null) return;
    Xlib.INSTANCE.XInitThreads(); // several desktops means several threads in Xlib
    errorHandler = (display, event) -> {
      // only record: an error handler must not make requests of its own
      Xlib.XErrorEvent e = new Xlib.XErrorEvent(event);
      pending.computeIfAbsent(Pointer.nativeValue(display), k -> new ArrayList<>())
          .add(new XError(e.error_code & 0xff, e.request_code & 0xff, e.minor_code & 0xff, e.resourceid.longValue()));
      return 0;
    };
    ioErrorHandler = display -> {
      lost.add(Pointer.nativeValue(display));
      log.error("the connection to an X display was lost (its X server died or closed it)");
      return 0;
    };
    exitHandler = (display, data) -> lost.add(Pointer.nativeValue(display));
    Xlib.INSTANCE.XSetErrorHandler(errorHandler);
    Xlib.INSTANCE.XSetIOErrorHandler(ioErrorHandler);
  }

  /**
   * Keeps a lost connection to {@code display} from ending the process. Needs libX11 1.8 (XSetIOErrorExitHandler);
   * with an older one a dying X server still takes the node with it, and that is said in the log once.
   */
  static synchronized void protect(X11.Display display) {
    if (Boolean.FALSE.equals(exitHandlerAvailable)) return;
    try {
      Xlib.INSTANCE.XSetIOErrorExitHandler(display, exitHandler, null);
      exitHandlerAvailable = true;
    } catch (UnsatisfiedLinkError e) {
      exitHandlerAvailable = false;
      log.warn("libX11 is older than 1.8 (no XSetIOErrorExitHandler): if an X server dies while a node is connected to it, the node exits");
    }
  }

  static boolean isLost(X11.Display display) {
    return lost.contains(Pointer.nativeValue(display.getPointer()));
  }

  /** The errors recorded for {@code display} since the last call, oldest first; the record is emptied. */
  static List<XError> take(X11.Display display) {
    List<XError> errors = pending.remove(Pointer.nativeValue(display.getPointer()));
    return errors == null ? List.of() : errors;
  }

  /** Forgets a display that was closed. */
  static void forget(X11.Display display) {
    long key = Pointer.nativeValue(display.getPointer());
    pending.remove(key);
    lost.remove(key);
  }

  /** The error as a step failure: a window that does not exist is WINDOW_NOT_FOUND, the rest DESKTOP_ERROR. */
  static StepFailure failure(X11.Display display, String doing, XError e) {
    byte[] text = new byte[256];
    Xlib.INSTANCE.XGetErrorText(display, e.code(), text, text.length);
    String name = new String(text, 0, java.util.stream.IntStream.range(0, text.length).filter(i -> text[i] == 0).findFirst().orElse(text.length),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    String message = doing + ": X error " + name + " (code " + e.code() + ") on request " + requestName(e.request())
        + String.format(", resource 0x%x", e.resource());
    return new StepFailure(e.code() == Xlib.BadWindow ? ErrorClass.WINDOW_NOT_FOUND : ErrorClass.DESKTOP_ERROR, message);
  }

  private static String requestName(int major) {
    String name = switch (major) {
      case 2 -> "ChangeWindowAttributes";
      case 3 -> "GetWindowAttributes";
      case 8 -> "MapWindow";
      case 12 -> "ConfigureWindow";
      case 14 -> "GetGeometry";
      case 15 -> "QueryTree";
      case 20 -> "GetProperty";
      case 38 -> "QueryPointer";
      case 40 -> "TranslateCoords";
      case 42 -> "SetInputFocus";
      case 73 -> "GetImage";
      case 100 -> "ChangeKeyboardMapping";
      case 101 -> "GetKeyboardMapping";
      default -> null;
    };
    return name != null ? "X_" + name : major >= 128 ? major + " (an extension's)" : String.valueOf(major);
  }
}
