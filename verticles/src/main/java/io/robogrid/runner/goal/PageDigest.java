package io.robogrid.runner.goal;

import com.microsoft.playwright.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A page read into what matters for deciding the next action: URL, title, headings, some visible text, and its
 * interactive elements (at most {@link #MAX_ELEMENTS}; hidden and disabled ones marked). Read on the slot's thread.
 *
 * @param fingerprint the page's state (URL, elements, which fields are filled and boxes ticked, text): the same state
 *                    three times means the run is going round in circles
 */
public record PageDigest(String url, String title, List<String> headings, String text, List<Element> elements, int total, int fingerprint) {
  public static final int MAX_ELEMENTS = 150;
  private static final String DIGEST = script("digest.js");
  private static final String SETTLE = script("settle.js");

  /** Slot thread: reads the page (it may be between two documents after a navigation: then it waits for the new one). */
  public static PageDigest read(Page page) {
    RuntimeException last = null;
    for (int i = 0; i < 3; i++) {
      try {
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.DOMCONTENTLOADED);
        Object raw = page.evaluate(DIGEST, MAX_ELEMENTS);
        return fromJson(new JsonObject(asMap(raw)));
      } catch (com.microsoft.playwright.PlaywrightException e) {
        last = e; // "execution context was destroyed": a navigation was under way
      }
    }
    throw last;
  }

  /** Slot thread: waits until the page has been quiet for a moment (a render, a fetch, a modal that comes late). */
  public static void settle(Page page, long quietMs, long maxMs) {
    try {
      page.waitForLoadState(com.microsoft.playwright.options.LoadState.DOMCONTENTLOADED);
      page.evaluate(SETTLE, List.of(quietMs, maxMs));
    } catch (com.microsoft.playwright.PlaywrightException e) {
      // a navigation replaced the document while it was being watched: the next read waits for the new one
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object raw) {
    return (Map<String, Object>) io.vertx.core.json.Json.decodeValue(io.vertx.core.json.Json.encode(raw), Map.class);
  }

  static PageDigest fromJson(JsonObject j) {
    List<Element> elements = new ArrayList<>();
    j.getJsonArray("elements", new JsonArray()).forEach(e -> elements.add(Element.fromJson((JsonObject) e)));
    List<String> headings = new ArrayList<>();
    j.getJsonArray("headings", new JsonArray()).forEach(h -> headings.add(String.valueOf(h)));
    StringBuilder state = new StringBuilder(j.getString("url", ""));
    for (Element e : elements) state.append('|').append(e.role()).append(e.name()).append(e.filled()).append(e.checked()).append(e.selected()).append(e.hidden());
    state.append('|').append(j.getString("text", ""));
    return new PageDigest(j.getString("url", ""), j.getString("title", ""), List.copyOf(headings), j.getString("text", ""), List.copyOf(elements),
        j.getInteger("total", elements.size()), state.toString().hashCode());
  }

  public Optional<Element> byRef(String ref) {
    return elements.stream().filter(e -> e.ref().equals(ref)).findFirst();
  }

  /** The element {@code identity} describes (the path cache's record of it), if it is on this page and can be acted on. */
  public Optional<Element> find(JsonObject identity) {
    return elements.stream().filter(Element::actionable).filter(e -> e.matches(identity)).findFirst();
  }

  /** What a language model is shown of the page: bounded, and without any field's value. */
  public JsonObject toJson() {
    JsonArray els = new JsonArray();
    elements.stream().filter(e -> !e.hidden() || e.isCheckbox()).forEach(e -> els.add(e.toJson()));
    return new JsonObject().put("url", url).put("title", title).put("headings", new JsonArray(headings)).put("text", text).put("elements", els);
  }

  private static String script(String name) {
    try (InputStream in = PageDigest.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      // the comments at the top are for people: Playwright is given the function alone
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().dropWhile(l -> l.startsWith("//"))
          .collect(java.util.stream.Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
