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

  /** The built-in types: {@code log}, {@code wait}, {@code set}, {@code fail}, {@code http}, and the {@code browser.*} steps. */
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
    return new StepCatalog(t);
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
}
