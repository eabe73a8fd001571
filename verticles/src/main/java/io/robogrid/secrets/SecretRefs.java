package io.robogrid.secrets;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The secrets a workflow refers to: every {@code ${secret:name}} in its steps and login sub-flow. */
public final class SecretRefs {
  private static final Pattern REF = Pattern.compile("\\$\\{\\s*secret:([^}:]+?)\\s*(?::-[^}]*)?}");

  private SecretRefs() {}

  public static Set<String> in(JsonObject workflow) {
    Set<String> names = new TreeSet<>();
    collect(workflow, names);
    return names;
  }

  private static void collect(Object v, Set<String> names) {
    if (v instanceof String s && s.contains("secret:")) {
      Matcher m = REF.matcher(s);
      // $${…} is a literal ${…}, not a reference
      while (m.find()) if (m.start() == 0 || s.charAt(m.start() - 1) != '$') names.add(m.group(1).trim());
    } else if (v instanceof JsonObject o) {
      o.forEach(e -> collect(e.getValue(), names));
    } else if (v instanceof JsonArray a) {
      a.forEach(x -> collect(x, names));
    }
  }
}
