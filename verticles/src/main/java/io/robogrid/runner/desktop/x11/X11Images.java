package io.robogrid.runner.desktop.x11;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteOrder;

/** An X image (ZPixmap, as XGetImage returns it) as a Java image: rows copied as they are in the common case. */
final class X11Images {
  private X11Images() {}

  static BufferedImage toImage(Xlib.XImage img) {
    int w = img.width, h = img.height;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    long rm = img.red_mask.longValue(), gm = img.green_mask.longValue(), bm = img.blue_mask.longValue();
    boolean lsb = img.byte_order == 0;
    boolean nativeOrder = lsb == (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
    if (img.bits_per_pixel == 32 && rm == 0xff0000 && gm == 0xff00 && bm == 0xff && nativeOrder) {
      for (int y = 0; y < h; y++) img.data.read((long) y * img.bytes_per_line, dst, y * w, w); // the common case: copy rows
      return out;
    }
    int bytes = img.bits_per_pixel / 8;
    if (bytes < 1 || bytes > 4) throw new StepFailure(ErrorClass.DESKTOP_ERROR, "unsupported X image format: " + img.bits_per_pixel + " bits per pixel");
    byte[] row = new byte[img.bytes_per_line];
    for (int y = 0; y < h; y++) {
      img.data.read((long) y * img.bytes_per_line, row, 0, row.length);
      for (int x = 0; x < w; x++) {
        long pixel = 0;
        for (int i = 0; i < bytes; i++) {
          int v = row[x * bytes + i] & 0xff;
          pixel |= lsb ? (long) v << (8 * i) : (long) v << (8 * (bytes - 1 - i));
        }
        dst[y * w + x] = channel(pixel, rm) << 16 | channel(pixel, gm) << 8 | channel(pixel, bm);
      }
    }
    return out;
  }

  /** The 8-bit value of the channel {@code mask} selects in {@code pixel}. */
  private static int channel(long pixel, long mask) {
    if (mask == 0) return 0;
    int shift = Long.numberOfTrailingZeros(mask);
    int bits = Long.bitCount(mask);
    long v = (pixel & mask) >>> shift;
    return bits >= 8 ? (int) (v >>> (bits - 8)) : (int) (v * 255 / ((1L << bits) - 1));
  }
}
