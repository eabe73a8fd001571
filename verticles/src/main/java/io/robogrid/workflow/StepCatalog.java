package io.robogrid.workflow;

import io.robogrid.core.ErrorClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The step types a workflow may use and what each accepts. Validation happens on the node that takes the
 * submission; execution happens on a runner, which has an executor for every type listed here.
 */
public final class StepCatalog {
  private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

  private static final java.util.regex.Pattern PAGE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int MAX_ALTERNATIVES = 10;

  private final Map<String, StepType> types;

  private StepCatalog(Map<String, StepType> types) {
    this.types = Collections.unmodifiableMap(types);
  }

  public StepType get(String name) {
    return types.get(name);
  }

  public Set<String> names() {
    return types.keySet();
  }

  /** The built-in types: {@code log}, {@code wait}, {@code set}, {@code fail}, {@code http}, {@code agent}, the {@code browser.*} and the {@code desktop.*} steps. */
  public static StepCatalog builtIn() {
    Map<String, StepType> t = new LinkedHashMap<>();
    t.put("log", new StepType("log", null, (with, where, p) -> {
      if (!(with.getValue("message") instanceof String)) p.add(where + ".message", "is required (a string)");
      Object level = with.getValue("level");
      if (level != null && !Set.of("debug", "info", "warn", "error").contains(String.valueOf(level))) {
        p.add(where + ".level", "must be one of debug, info, warn, error");
      }
    }));
    t.put("wait", new StepType("wait", null, (with, where, p) -> {
      if (with.getValue("duration") == null) p.add(where + ".duration", "is required");
      else if (!isPlaceholder(with.getValue("duration"))) FieldReader.duration(with, "duration", where, p, null);
    }));
    t.put("set", new StepType("set", null, (with, where, p) -> {}));
    t.put("fail", new StepType("fail", null, (with, where, p) -> {
      FieldReader.string(with, "message", where, p, false);
      String cls = FieldReader.string(with, "errorClass", where, p, false);
      if (cls != null && ErrorClass.fromName(cls) == null) p.add(where + ".errorClass", "unknown error class '" + cls + "'");
      FieldReader.integer(with, "times", where, p, 0, 1_000_000);
    }));
    t.put("http", new StepType("http", "http", StepCatalog::validateHttp));
    t.put("agent", new StepType("agent", null, StepCatalog::validateAgent));
    browser(t, "browser.goto", (with, where, p) -> {
      String url = FieldReader.string(with, "url", where, p, true);
      if (url != null && !url.contains("${") && !(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("data:"))) {
        p.add(where + ".url", "must be an http://, https:// or data: URL");
      }
    });
    browser(t, "browser.click", (with, where, p) -> {
      selector(with, where, p, true);
      repeat(with, where, p);
      String opens = FieldReader.string(with, "opensPage", where, p, false);
      if (opens != null && !PAGE_NAME.matcher(opens).matches()) p.add(where + ".opensPage", "must be a page name (letters, digits, '_', '-')");
    });
    browser(t, "browser.fill", (with, where, p) -> {
      selector(with, where, p, true);
      if (with.getValue("value") == null) p.add(where + ".value", "is required");
    });
    browser(t, "browser.press", (with, where, p) -> {
      selector(with, where, p, true);
      FieldReader.string(with, "key", where, p, true);
      repeat(with, where, p);
    });
    browser(t, "browser.select", (with, where, p) -> {
      selector(with, where, p, true);
      if (with.getValue("value") == null) p.add(where + ".value", "is required");
    });
    browser(t, "browser.check", (with, where, p) -> selector(with, where, p, true));
    browser(t, "browser.extract", (with, where, p) -> {
      selector(with, where, p, true);
      FieldReader.string(with, "attribute", where, p, false);
      if (with.getValue("all") != null && !(with.getValue("all") instanceof Boolean)) p.add(where + ".all", "must be true or false");
    });
    browser(t, "browser.waitFor", (with, where, p) -> {
      if (with.getValue("selector") != null) selector(with, where, p, true);
      long given = java.util.stream.Stream.of("selector", "url", "text").filter(k -> with.getValue(k) != null).count();
      if (given != 1) p.add(where, "needs exactly one of selector, url, text");
      String state = FieldReader.string(with, "state", where, p, false);
      if (state != null && !Set.of("attached", "detached", "visible", "hidden").contains(state)) {
        p.add(where + ".state", "must be one of attached, detached, visible, hidden");
      }
    });
    browser(t, "browser.assert", (with, where, p) -> {
      goal(with, where, p);
    });
    browser(t, "browser.screenshot", (with, where, p) -> {
      String name = FieldReader.string(with, "name", where, p, true);
      if (name != null && !name.contains("${") && !name.matches("[A-Za-z0-9._-]{1,100}")) {
        p.add(where + ".name", "use letters, digits, '.', '_' and '-' (at most 100)");
      }
      if (with.getValue("fullPage") != null && !(with.getValue("fullPage") instanceof Boolean)) p.add(where + ".fullPage", "must be true or false");
    });
    browser(t, "browser.evaluate", (with, where, p) -> FieldReader.string(with, "script", where, p, true));
    browser(t, "browser.goal", GoalParameters::validate);
    desktop(t, "desktop.launch", (with, where, p) -> {
      FieldReader.string(with, "command", where, p, true);
      Object args = with.getValue("args");
      if (args != null && !(args instanceof JsonArray a && a.stream().allMatch(x -> x instanceof String))) p.add(where + ".args", "must be a list of strings");
      windowMatch(with, where, p, false);
      FieldReader.duration(with, "timeout", where, p, null);
      FieldReader.duration(with, "settle", where, p, null);
      flags(with, where, p, "keepRunning", "focus");
    });
    desktop(t, "desktop.findWindow", (with, where, p) -> {
      windowMatch(with, where, p, true);
      flags(with, where, p, "focus");
    });
    desktop(t, "desktop.waitForWindow", (with, where, p) -> {
      windowMatch(with, where, p, true);
      FieldReader.duration(with, "timeout", where, p, null);
      FieldReader.duration(with, "settle", where, p, null);
      flags(with, where, p, "gone");
    });
    desktop(t, "desktop.move", (with, where, p) -> point(with, where, p, true));
    desktop(t, "desktop.click", (with, where, p) -> {
      point(with, where, p, false);
      Object button = with.getValue("button");
      if (button != null && !(button instanceof String b && java.util.List.of("left", "middle", "right").contains(b.toLowerCase(java.util.Locale.ROOT)))) {
        p.add(where + ".button", "must be left, middle or right");
      }
      flags(with, where, p, "double");
    });
    desktop(t, "desktop.type", (with, where, p) -> {
      String text = FieldReader.string(with, "text", where, p, false);
      if (with.getValue("text") == null) p.add(where + ".text", "is required");
      else if (text != null && text.length() > MAX_TYPED) p.add(where + ".text", "has " + text.length() + " characters; at most " + MAX_TYPED + " are typed in one step");
      java.time.Duration delay = FieldReader.duration(with, "delay", where, p, null);
      if (delay != null && delay.toMillis() > 5_000) p.add(where + ".delay", "may be at most 5s between characters");
    });
    desktop(t, "desktop.key", (with, where, p) -> {
      Object keys = with.getValue("keys");
      if (keys == null) p.add(where + ".keys", "is required (like \"ctrl+a\", \"Return\" or a list of them)");
      else if (!isPlaceholder(keys)) {
        try {
          io.robogrid.runner.desktop.KeyCombo.sequence(keys instanceof JsonArray a ? a.getList() : keys);
        } catch (IllegalArgumentException e) {
          p.add(where + ".keys", e.getMessage());
        }
      }
    });
    desktop(t, "desktop.screenshot", (with, where, p) -> {
      String name = FieldReader.string(with, "name", where, p, true);
      if (name != null && !name.contains("${") && !name.matches("[A-Za-z0-9._-]{1,100}")) {
        p.add(where + ".name", "use letters, digits, '.', '_' and '-' (at most 100)");
      }
      window(with, where, p);
    });
    return new StepCatalog(t);
  }

  /** The capability a desktop step stands for: the workflow says which desktop ({@code requires} or the step's {@code desktop}). */
  public static final String DESKTOP = io.robogrid.grid.Capability.DESKTOP_PREFIX;
  static final int MAX_TYPED = 100_000;

  /**
   * A desktop step: it runs on a leased desktop, the one its {@code desktop} names or else the one desktop the
   * workflow requires (see {@link WorkflowParser}).
   */
  private static void desktop(Map<String, StepType> types, String name, StepType.Validator validator) {
    types.put(name, new StepType(name, DESKTOP, (with, where, p) -> {
      Object desktop = with.getValue("desktop");
      if (desktop != null && !isDesktopName(desktop)) {
        p.add(where + ".desktop", "must be a desktop name like desk1 (no placeholders: it decides where the job runs)");
      }
      java.time.Duration pause = FieldReader.duration(with, "pauseAfter", where, p, null);
      if (pause != null && pause.toSeconds() > 60) p.add(where + ".pauseAfter", "may be at most 60s");
      validator.validate(with, where, p);
    }));
  }

  /** Whether {@code v} names a desktop ({@code desk1} of {@code desktop:desk1}). */
  static boolean isDesktopName(Object v) {
    return v instanceof String d && !d.contains(":") && io.robogrid.grid.Capability.NAME.matcher(DESKTOP + d).matches();
  }

  /** {@code title} (contained in the window's title) or {@code titleRegex}, one of them, required or not. */
  private static void windowMatch(JsonObject with, String where, Problems p, boolean required) {
    String title = FieldReader.string(with, "title", where, p, false);
    String regex = FieldReader.string(with, "titleRegex", where, p, false);
    if (title != null && regex != null) p.add(where, "give title or titleRegex, not both");
    else if (required && title == null && regex == null && with.getValue("title") == null && with.getValue("titleRegex") == null) {
      p.add(where, "needs title (a part of the window's title) or titleRegex");
    }
    if (regex != null && !regex.contains("${")) {
      try {
        java.util.regex.Pattern.compile(regex);
      } catch (java.util.regex.PatternSyntaxException e) {
        p.add(where + ".titleRegex", "is not a valid regular expression: " + e.getDescription());
      }
    }
  }

  /** {@code x} and {@code y} (whole pixels; both, or with {@code required} false neither) and an optional {@code window}. */
  private static void point(JsonObject with, String where, Problems p, boolean required) {
    boolean hasX = with.getValue("x") != null, hasY = with.getValue("y") != null;
    if (hasX != hasY || required && !hasX) p.add(where, required ? "needs x and y" : "needs both x and y, or neither (to click where the pointer is)");
    for (String k : java.util.List.of("x", "y")) {
      Object v = with.getValue(k);
      if (v != null && !isPlaceholder(v)) FieldReader.integer(with, k, where, p, -100_000, 100_000);
    }
    window(with, where, p);
    if (with.getValue("window") != null && !hasX) p.add(where + ".window", "needs x and y: the point relative to the window");
  }

  private static void window(JsonObject with, String where, Problems p) {
    Object w = with.getValue("window");
    if (w != null && !(w instanceof Number || w instanceof String || w instanceof JsonObject)) {
      p.add(where + ".window", "must be a window id, a title, or a window an earlier step found");
    }
    if (w instanceof JsonObject o && o.getValue("id") == null) windowMatch(o, where + ".window", p, true);
  }

  private static void flags(JsonObject with, String where, Problems p, String... keys) {
    for (String k : keys) if (with.getValue(k) != null && !(with.getValue(k) instanceof Boolean)) p.add(where + "." + k, "must be true or false");
  }

  /**
   * A browser step: it needs the {@code browser} capability, so it runs in a leased browser slot. Every browser step
   * may name the page (tab) it acts on; without a name it acts on the job's first page.
   */
  private static void browser(Map<String, StepType> types, String name, StepType.Validator validator) {
    types.put(name, new StepType(name, "browser", (with, where, p) -> {
      String page = FieldReader.string(with, "page", where, p, false);
      if (page != null && !PAGE_NAME.matcher(page).matches()) p.add(where + ".page", "must be a page name (letters, digits, '_', '-')");
      validator.validate(with, where, p);
    }));
  }

  /** A Playwright selector, or a list of alternatives tried in order (sites change: the list keeps a robot working). */
  private static void selector(JsonObject with, String where, Problems p, boolean required) {
    Object v = with.getValue("selector");
    if (v == null) {
      if (required) p.add(where + ".selector", "is required");
    } else if (v instanceof JsonArray a) {
      if (a.isEmpty() || a.size() > MAX_ALTERNATIVES || !a.stream().allMatch(x -> x instanceof String str && !str.isBlank())) {
        p.add(where + ".selector", "must be a selector or a list of 1 to " + MAX_ALTERNATIVES + " selectors");
      }
    } else if (!(v instanceof String str) || str.isBlank()) {
      p.add(where + ".selector", "must be a selector or a list of 1 to " + MAX_ALTERNATIVES + " selectors");
    }
  }

  /** Goal indicators: at least one of an element visible, the URL containing a string, a text present. */
  private static void goal(JsonObject with, String where, Problems p) {
    if (java.util.stream.Stream.of("selector", "urlContains", "textPresent").allMatch(k -> with.getValue(k) == null)) {
      p.add(where, "needs at least one goal indicator: selector, urlContains, textPresent");
    }
    if (with.getValue("selector") != null) selector(with, where, p, false);
    FieldReader.string(with, "urlContains", where, p, false);
    FieldReader.string(with, "textPresent", where, p, false);
  }

  /** {@code until}: repeat the action (a "next" button, a "load more" link) until a goal indicator holds. */
  private static void repeat(JsonObject with, String where, Problems p) {
    Object until = with.getValue("until");
    if (until != null) {
      if (until instanceof JsonObject u) goal(u, where + ".until", p);
      else p.add(where + ".until", "must be a goal: {\"selector\" | \"urlContains\" | \"textPresent\": ...}");
    }
    FieldReader.integer(with, "maxRepeats", where, p, 1, 1000);
  }

  private static void validateHttp(JsonObject with, String where, Problems p) {
    String url = FieldReader.string(with, "url", where, p, true);
    if (url != null && !url.contains("${") && !(url.startsWith("http://") || url.startsWith("https://"))) {
      p.add(where + ".url", "must be an http:// or https:// URL");
    }
    String method = FieldReader.string(with, "method", where, p, false);
    if (method != null && !HTTP_METHODS.contains(method.toUpperCase(java.util.Locale.ROOT))) {
      p.add(where + ".method", "must be one of " + String.join(", ", HTTP_METHODS.stream().sorted().toList()));
    }
    Object headers = with.getValue("headers");
    if (headers != null) {
      if (!(headers instanceof JsonObject h)) p.add(where + ".headers", "must be an object of header names to strings");
      else h.forEach(e -> {
        if (!(e.getValue() instanceof String)) p.add(where + ".headers." + e.getKey(), "must be a string");
      });
    }
    Object expect = with.getValue("expectStatus");
    if (expect != null) {
      boolean ok = expect instanceof Integer i && i >= 100 && i <= 599
          || expect instanceof JsonArray a && !a.isEmpty() && a.stream().allMatch(v -> v instanceof Integer i && i >= 100 && i <= 599);
      if (!ok) p.add(where + ".expectStatus", "must be an HTTP status (100-599) or a list of them");
    }
    FieldReader.duration(with, "timeout", where, p, null);
  }

  private static boolean isPlaceholder(Object v) {
    return v instanceof String s && s.contains("${");
  }

  /** What an agent capability may be called: also what agents ask for in {@code ?capability=}. */
  public static final java.util.regex.Pattern CAPABILITY = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  /**
   * {@code agent}: {@code capability} names what kind of agent may do the work; every other field is a task
   * parameter handed to the agent. Secrets are not: the parameters are stored and shown to the agent, and an agent
   * keeps its own credentials.
   */
  private static void validateAgent(JsonObject with, String where, Problems p) {
    String cap = FieldReader.string(with, "capability", where, p, true);
    if (cap != null && !cap.contains("${") && !CAPABILITY.matcher(cap).matches()) {
      p.add(where + ".capability", "must be 1 to 64 letters, digits, '.', '_', ':' or '-'");
    }
    for (String ref : Interpolator.references(with)) {
      if (ref.startsWith("secret:")) {
        p.add(where, "an agent step cannot hand a secret to an agent (${" + ref + "}): its parameters are stored and shown to the agent");
        break;
      }
    }
  }
}
