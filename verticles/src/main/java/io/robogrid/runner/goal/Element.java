package io.robogrid.runner.goal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One interactive element of a page as the digest read it. {@code ref} names it on this page only; {@code selector},
 * {@code role}, {@code name} and {@code label} describe it well enough to find it again on a later visit.
 *
 * @param filled for a text field, whether it has a value (the value itself is never read: it may be a secret)
 */
public record Element(String ref, String tag, String role, String name, String label, String placeholder, String fieldName, String id,
                      String type, String selector, boolean hidden, boolean disabled, boolean required, Boolean checked, Boolean filled,
                      boolean inModal, List<String> options, String selected, String href, String form) {

  static Element fromJson(JsonObject j) {
    List<String> options = new ArrayList<>();
    JsonArray o = j.getJsonArray("options");
    if (o != null) o.forEach(x -> options.add(String.valueOf(x)));
    return new Element(j.getString("ref"), j.getString("tag"), j.getString("role"), j.getString("name", ""), j.getString("label", ""),
        j.getString("placeholder"), j.getString("fieldName"), j.getString("id"), j.getString("type"), j.getString("selector"),
        j.getBoolean("hidden", false), j.getBoolean("disabled", false), j.getBoolean("required", false), j.getBoolean("checked"),
        j.getBoolean("filled"), j.getBoolean("inModal", false), List.copyOf(options), j.getString("selected"), j.getString("href"),
        j.getString("form"));
  }

  /** What a model or a person reads of it: role, name and the other texts that say what it is for. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("ref", ref).put("role", role).put("name", name);
    if (!label.isEmpty() && !label.equals(name)) j.put("label", label);
    if (placeholder != null) j.put("placeholder", placeholder);
    if (fieldName != null) j.put("fieldName", fieldName);
    if (type != null) j.put("type", type);
    if (hidden) j.put("hidden", true);
    if (disabled) j.put("disabled", true);
    if (required) j.put("required", true);
    if (checked != null) j.put("checked", checked);
    if (filled != null) j.put("filled", filled);
    if (inModal) j.put("inModal", true);
    if (!options.isEmpty()) j.put("options", new JsonArray(options));
    if (selected != null) j.put("selected", selected);
    if (href != null) j.put("href", href);
    return j;
  }

  /** Whether a person could act on it now. */
  public boolean actionable() {
    return !hidden && !disabled;
  }

  public boolean isTextField() {
    return "textbox".equals(role) || "searchbox".equals(role) || "input".equals(tag) && (type == null || List.of("text", "email", "tel", "password",
        "search", "url", "number", "date", "time", "datetime-local").contains(type)) || "textarea".equals(tag);
  }

  public boolean isCheckbox() {
    return "checkbox".equals(role) || "checkbox".equals(type);
  }

  public boolean isSelect() {
    return "select".equals(tag);
  }

  /** A link, a button or anything else one clicks. */
  public boolean isClickable() {
    return !isTextField() && !isSelect() && !isCheckbox() && !"radio".equals(type);
  }

  /** The texts that say what the element is for, lowercased: name, label, placeholder, field name, id. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (String s : new String[] {name, label, placeholder, fieldName, id}) {
      if (s != null && !s.isBlank() && b.indexOf(s.toLowerCase(Locale.ROOT)) < 0) b.append(b.length() == 0 ? "" : " ").append(s.toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  /** How it is recognised on a later visit (the path cache): its stable selector, role and name. */
  public JsonObject identity() {
    return new JsonObject().put("selector", selector).put("role", role).put("name", name).put("label", label);
  }

  /**
   * Whether this element is the one {@code identity} describes: the same role and name; for an element without a
   * name, the same stable selector and label. A named element under another name is another element, wherever it is:
   * the first link of a list of results is not the one clicked last time when the list holds other results.
   */
  public boolean matches(JsonObject identity) {
    String r = identity.getString("role"), n = identity.getString("name", ""), s = identity.getString("selector");
    if (!role.equals(r)) return false;
    if (!n.isEmpty()) return n.equalsIgnoreCase(name);
    return name.isEmpty() && s != null && s.equals(selector) && label.equalsIgnoreCase(identity.getString("label", ""));
  }
}
