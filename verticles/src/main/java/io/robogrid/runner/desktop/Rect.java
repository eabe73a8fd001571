package io.robogrid.runner.desktop;

import io.vertx.core.json.JsonObject;

/** A rectangle in screen pixels: a screen, a window's bounds, the area of a screenshot. */
public record Rect(int x, int y, int width, int height) {

  public boolean contains(int px, int py) {
    return px >= x && py >= y && px < x + width && py < y + height;
  }

  /** The part of this rectangle inside {@code other}, or null when they do not overlap. */
  public Rect intersect(Rect other) {
    int x1 = Math.max(x, other.x), y1 = Math.max(y, other.y);
    int x2 = Math.min(x + width, other.x + other.width), y2 = Math.min(y + height, other.y + other.height);
    return x2 > x1 && y2 > y1 ? new Rect(x1, y1, x2 - x1, y2 - y1) : null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("x", x).put("y", y).put("width", width).put("height", height);
  }

  @Override
  public String toString() {
    return width + "x" + height + "+" + x + "+" + y;
  }
}
