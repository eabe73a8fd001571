package io.robogrid.runner.desktop;

import io.robogrid.core.Durations;
import io.robogrid.grid.Capability;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The desktops a runner drives and how, from the node config: {@code runner.desktops} names each desktop and its X
 * display ({@code {"desk1": ":99"}}, or {@code ROBOGRID_DESKTOPS=desk1=:99,desk2=:100}; on Windows the value is only a
 * label: the node drives the interactive session it runs in), {@code runner.desktop} holds the settings.
 *
 * @param displays desktop name → X display
 * @param keepAlive how often a desktop a job holds gets a keep-alive nudge when nothing else was typed or clicked ({@code 0s}: never)
 * @param launchTimeout how long {@code desktop.launch} waits for the program's window by default
 * @param windowTimeout how long {@code desktop.waitForWindow} waits by default
 * @param pauseAfter how long a step that sent input waits before the next step, by default: applications handle input
 *     asynchronously (a Swing text field loses keys typed within ~50 ms of the click that focused it)
 */
public record DesktopOptions(Map<String, String> displays, Duration keepAlive, Duration launchTimeout, Duration windowTimeout,
                             Duration pauseAfter) {

  public static DesktopOptions fromJson(JsonObject runner) {
    JsonObject r = runner == null ? new JsonObject() : runner;
    Object raw = r.getValue("desktops");
    if (raw != null && !(raw instanceof JsonObject)) throw new IllegalArgumentException("runner.desktops: must be an object of desktop names to X displays, like {\"desk1\": \":99\"}");
    Map<String, String> displays = new LinkedHashMap<>();
    if (raw instanceof JsonObject d) {
      for (String name : d.fieldNames()) {
        if (!Capability.NAME.matcher(Capability.DESKTOP_PREFIX + name).matches() || name.contains(":")) {
          throw new IllegalArgumentException("runner.desktops: '" + name + "' is not a desktop name (letters, digits, '.', '_', '-')");
        }
        if (!(d.getValue(name) instanceof String display) || display.isBlank()) {
          throw new IllegalArgumentException("runner.desktops." + name + ": must be an X display like \":99\"");
        }
        displays.put(name, display.strip());
      }
    }
    JsonObject s = r.getJsonObject("desktop", new JsonObject());
    // in the order configured (Map.copyOf would not keep it: its iteration order changes from run to run)
    return new DesktopOptions(java.util.Collections.unmodifiableMap(displays), Durations.setting(s, "runner.desktop", "keepAlive", "3m"),
        Durations.setting(s, "runner.desktop", "launchTimeout", "30s"), Durations.setting(s, "runner.desktop", "windowTimeout", "10s"),
        Durations.setting(s, "runner.desktop", "pauseAfter", "100ms"));
  }

  /** Reads {@code ROBOGRID_DESKTOPS}: {@code name=display} pairs separated by commas. */
  public static JsonObject parseList(String spec) {
    JsonObject out = new JsonObject();
    for (String pair : spec.split(",")) {
      if (pair.isBlank()) continue;
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException("ROBOGRID_DESKTOPS: '" + pair.strip() + "' is not name=display (like desk1=:99)");
      }
      out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return out;
  }
}
