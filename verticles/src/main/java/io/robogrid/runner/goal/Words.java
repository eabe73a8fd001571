package io.robogrid.runner.goal;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Words of labels and data keys, for matching one to the other without a model: {@code firstName} ~ "First name". */
final class Words {
  /** The few words people write several ways on forms. */
  private static final Map<String, String> SAME = Map.ofEntries(
      Map.entry("mail", "email"), Map.entry("emailaddress", "email"),
      Map.entry("telephone", "phone"), Map.entry("tel", "phone"), Map.entry("mobile", "phone"),
      Map.entry("surname", "last"), Map.entry("family", "last"), Map.entry("given", "first"), Map.entry("forename", "first"),
      Map.entry("postcode", "zip"), Map.entry("postal", "zip"), Map.entry("passphrase", "password"), Map.entry("pwd", "password"),
      Map.entry("username", "user"), Map.entry("login", "user"), Map.entry("query", "search"), Map.entry("q", "search"),
      Map.entry("fullname", "name"), Map.entry("yourname", "name"), Map.entry("organisation", "company"),
      Map.entry("organization", "company"), Map.entry("groupname", "group"), Map.entry("team", "group"));

  private Words() {}

  /** Lowercased words, camelCase and snake_case split, common variants made one: "E-mail address" → [email, address]. */
  static Set<String> of(String text) {
    Set<String> out = new LinkedHashSet<>();
    if (text == null) return out;
    String split = text.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).replace("e-mail", "email");
    for (String w : split.split("[^\\p{L}\\p{N}]+")) {
      if (w.isEmpty() || STOP.contains(w)) continue;
      out.add(SAME.getOrDefault(w, w));
    }
    return out;
  }

  private static final Set<String> STOP = Set.of("your", "the", "a", "an", "of", "please", "enter", "here", "optional", "required", "field");

  /**
   * How well a field's texts name a data key, from 0 to 1: every word of the key among the field's words is 1;
   * some of them, their share; the key's words run together ("firstname") in the field's text, 0.9.
   */
  static double match(String key, String fieldText) {
    Set<String> k = of(key), f = of(fieldText);
    if (k.isEmpty() || f.isEmpty()) return 0;
    long common = k.stream().filter(f::contains).count();
    if (common == k.size()) return 1;
    String joined = String.join("", k);
    if (String.join("", f).contains(joined) && joined.length() >= 4) return 0.9;
    return (double) common / k.size() * 0.7;
  }

  /** Whether {@code text} contains one of {@code phrases} as words (so "ok" does not match "book"). */
  static boolean hasAny(String text, java.util.List<String> phrases) {
    String t = " " + String.join(" ", of(text)) + " ";
    for (String p : phrases) if (t.contains(" " + String.join(" ", of(p)) + " ")) return true;
    return false;
  }
}
