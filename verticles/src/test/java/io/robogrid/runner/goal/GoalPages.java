package io.robogrid.runner.goal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built page digests and goal states for the model levels' tests: the pages of the lead's test sites, as read. */
final class GoalPages {
  private GoalPages() {}

  static final String SWIM_GOAL = "register Ada Lovelace for the Tuesday swimming class";

  static JsonObject link(String ref, String name, String href) {
    return new JsonObject().put("ref", ref).put("tag", "a").put("role", "link").put("name", name).put("href", href).put("selector", "a.x-" + ref);
  }

  static JsonObject button(String ref, String name, String type, String form) {
    JsonObject b = new JsonObject().put("ref", ref).put("tag", "button").put("role", "button").put("name", name).put("selector", "#b-" + ref);
    if (type != null) b.put("type", type);
    if (form != null) b.put("form", form);
    return b;
  }

  static JsonObject textbox(String ref, String label, String fieldName, boolean filled, String form) {
    JsonObject t = new JsonObject().put("ref", ref).put("tag", "input").put("role", "textbox").put("name", label).put("label", label)
        .put("type", "text").put("filled", filled).put("selector", "#f-" + ref);
    if (fieldName != null) t.put("fieldName", fieldName);
    if (form != null) t.put("form", form);
    return t;
  }

  static PageDigest page(String url, String title, List<String> headings, JsonObject... elements) {
    return PageDigest.fromJson(new JsonObject().put("url", url).put("title", title).put("headings", new JsonArray(headings))
        .put("text", title + " " + String.join(" ", headings)).put("elements", new JsonArray(List.of((Object[]) elements))));
  }

  /** The leisure centre's navigation, on every page. */
  static JsonObject[] nav() {
    return new JsonObject[] {link("e1", "Home", "/"), link("e2", "Classes", "/classes"), link("e3", "Timetable", "/timetable"),
        link("e4", "About us", "/about"), link("e5", "Contact", "/contact"), link("e6", "Log in", "/login")};
  }

  static JsonObject[] with(JsonObject[] first, JsonObject... more) {
    JsonObject[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  static GoalState state(String goal, Map<String, String> data, Set<String> secrets) {
    return new GoalState(new GoalSpec(goal, "http://site.test/", new JsonObject().put("textPresent", "Booked"), data, secrets, 20, 0.05,
        List.of(Decider.Level.values())));
  }

  /** Records that {@code name} on {@code page} was clicked and worked. */
  static void clicked(GoalState state, PageDigest page, String name) {
    state.onPage(page);
    Element e = page.elements().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    state.record(Decision.of(Decider.Level.RULES, Decision.Action.CLICK, e, "test", 1), true, null);
  }

  static void filled(GoalState state, PageDigest page, String label, String key) {
    state.onPage(page);
    Element e = page.elements().stream().filter(x -> x.name().equals(label)).findFirst().orElseThrow();
    state.record(Decision.of(Decider.Level.RULES, Decision.Action.FILL, e, "test", 1).typing(key, null), true, null);
  }

  static PageDigest searchPage() {
    return page("http://site.test/", "Riverside Leisure Centre", List.of("Find a class"),
        with(nav(), textbox("e7", "Search classes", "q", false, "search"), button("e8", "Search", "submit", "search")));
  }

  static PageDigest resultsPage() {
    return page("http://site.test/classes?q=swimming", "Search results – Riverside Leisure Centre", List.of("3 classes found"),
        with(nav(), textbox("e7", "Search classes", "q", true, "search"), button("e8", "Search", "submit", "search"),
            link("e9", "Swimming – Thursday", "/classes/17"), link("e10", "Yoga – Tuesday", "/classes/21"), link("e11", "Swimming – Tuesday", "/classes/12")));
  }

  static PageDigest detailPage() {
    return page("http://site.test/classes/12", "Swimming – Tuesday – Riverside Leisure Centre", List.of("Swimming – Tuesday", "Other sessions"),
        with(nav(), link("e7", "Back to results", "/classes?q=swimming"), button("e8", "Book a place", null, null),
            link("e9", "Swimming – Thursday", "/classes/17"), link("e10", "Aqua aerobics – Friday", "/classes/30")));
  }
}
