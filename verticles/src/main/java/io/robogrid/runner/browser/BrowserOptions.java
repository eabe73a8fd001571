package io.robogrid.runner.browser;

import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the browser slots, from {@code runner.browser} in the node config.
 *
 * @param executable the Chromium binary (Debian's by default: Playwright's own browser download does not work offline)
 * @param recycleAfter a slot's browser is closed and a new one launched after this many jobs
 * @param actionTimeout how long a browser step waits for its element or page before it fails
 */
public record BrowserOptions(Path executable, int recycleAfter, Duration actionTimeout) {
  /** Headless, no sandbox (nodes may run as root), and none of Chromium's calls home: the network may be closed. */
  static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic");

  public static BrowserOptions fromJson(JsonObject runner) {
    JsonObject j = runner == null ? new JsonObject() : runner.getJsonObject("browser", new JsonObject());
    int recycle = j.getInteger("recycleAfter", 50);
    if (recycle < 1) throw new IllegalArgumentException("runner.browser.recycleAfter: must be at least 1, not " + recycle);
    return new BrowserOptions(Path.of(j.getString("executable", "/usr/bin/chromium")), recycle,
        Durations.setting(j, "runner.browser", "actionTimeout", "10s"));
  }

  /** The Playwright driver must not try to download browsers: Debian's Chromium is used, and the network may be closed. */
  public static Playwright.CreateOptions driverOptions() {
    return new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"));
  }

  /** How a slot launches its Chromium (the browser benchmark launches its own the same way). */
  public BrowserType.LaunchOptions launchOptions() {
    return new BrowserType.LaunchOptions().setExecutablePath(executable).setHeadless(true).setArgs(ARGS);
  }
}
