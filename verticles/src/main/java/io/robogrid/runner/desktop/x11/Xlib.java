package io.robogrid.runner.desktop.x11;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The Xlib functions and structures jna-platform's {@link X11} lacks or maps wrongly, written against Xlib.h:
 * {@code XGetImage} with the real {@code XImage} layout (jna-platform has it as an opaque pointer), input focus,
 * {@code XErrorEvent} in its real field order (jna-platform swaps {@code resourceid} and {@code serial}), the error
 * handlers with that event, and the keyboard-mapping calls whose jna-platform signatures return one keysym instead of
 * the array.
 */
interface Xlib extends Library {
  Xlib INSTANCE = Native.load("X11", Xlib.class);

  int ZPixmap = 2;
  int RevertToParent = 2;
  int IsViewable = 2;
  int BadWindow = 3;
  int BadMatch = 8;

  int XInitThreads();

  Pointer XGetImage(X11.Display display, NativeLong drawable, int x, int y, int width, int height, NativeLong planeMask, int format);

  int XSetInputFocus(X11.Display display, NativeLong window, int revertTo, NativeLong time);

  int XRaiseWindow(X11.Display display, NativeLong window);

  int XResetScreenSaver(X11.Display display);

  /** Returns a pointer to {@code count × keysymsPerKeycode} keysyms (unsigned long each); free it with XFree. */
  Pointer XGetKeyboardMapping(X11.Display display, byte firstKeycode, int count, IntByReference keysymsPerKeycode);

  int XChangeKeyboardMapping(X11.Display display, int firstKeycode, int keysymsPerKeycode, NativeLong[] keysyms, int numCodes);

  int XDisplayKeycodes(X11.Display display, IntByReference minKeycode, IntByReference maxKeycode);

  int XFree(Pointer data);

  int XGetErrorText(X11.Display display, int code, byte[] buffer, int length);

  /** Reads a window property: returns Success (0) and fills the out parameters; free {@code prop} with XFree. */
  int XGetWindowProperty(X11.Display display, NativeLong window, NativeLong property, NativeLong offset, NativeLong length, boolean delete,
                         NativeLong reqType, NativeLongByRef actualType, IntByReference actualFormat, NativeLongByRef items,
                         NativeLongByRef bytesAfter, PointerByReference prop);

  NativeLong XInternAtom(X11.Display display, String name, boolean onlyIfExists);

  ErrorHandler XSetErrorHandler(ErrorHandler handler);

  IOErrorHandler XSetIOErrorHandler(IOErrorHandler handler);

  /** libX11 1.8 and later only: what happens after an I/O error instead of exit(). */
  void XSetIOErrorExitHandler(X11.Display display, IOErrorExitHandler handler, Pointer userData);

  /** An {@code unsigned long} out parameter. */
  final class NativeLongByRef extends com.sun.jna.ptr.NativeLongByReference {}

  /** {@code XErrorEvent} as Xlib.h declares it. */
  @Structure.FieldOrder({"type", "display", "resourceid", "serial", "error_code", "request_code", "minor_code"})
  class XErrorEvent extends Structure {
    public int type;
    public Pointer display;
    public NativeLong resourceid;
    public NativeLong serial;
    public byte error_code;
    public byte request_code;
    public byte minor_code;

    public XErrorEvent(Pointer p) {
      super(p);
      read();
    }

    public XErrorEvent() {}
  }

  /** {@code XImage} as Xlib.h declares it, its function table included (destroying an image goes through it). */
  @Structure.FieldOrder({"width", "height", "xoffset", "format", "data", "byte_order", "bitmap_unit", "bitmap_bit_order", "bitmap_pad",
      "depth", "bytes_per_line", "bits_per_pixel", "red_mask", "green_mask", "blue_mask", "obdata", "create_image", "destroy_image",
      "get_pixel", "put_pixel", "sub_image", "add_pixel"})
  class XImage extends Structure {
    public int width, height, xoffset, format;
    public Pointer data;
    public int byte_order, bitmap_unit, bitmap_bit_order, bitmap_pad, depth, bytes_per_line, bits_per_pixel;
    public NativeLong red_mask, green_mask, blue_mask;
    public Pointer obdata;
    public Pointer create_image, destroy_image, get_pixel, put_pixel, sub_image, add_pixel;

    public XImage(Pointer p) {
      super(p);
      read();
    }

    public XImage() {}
  }

  interface ErrorHandler extends Callback {
    int invoke(Pointer display, Pointer errorEvent);
  }

  interface IOErrorHandler extends Callback {
    int invoke(Pointer display);
  }

  interface IOErrorExitHandler extends Callback {
    void invoke(Pointer display, Pointer userData);
  }
}
