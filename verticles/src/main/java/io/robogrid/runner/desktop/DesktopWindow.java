package io.robogrid.runner.desktop;

import io.vertx.core.json.JsonObject;

/**
 * A top-level window of a desktop, as a step sees it.
 *
 * @param id the window system's handle (an X window id, a Windows HWND): later steps may name it
 * @param title its title
 * @param pid the process that owns it, or 0 when the window system does not say
 * @param bounds where it is on the screen
 */
public record DesktopWindow(long id, String title, long pid, Rect bounds) {

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("id", id).put("title", title).mergeIn(bounds.toJson());
    if (pid > 0) j.put("pid", pid);
    return j;
  }
}
