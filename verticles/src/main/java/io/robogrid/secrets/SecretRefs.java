package io.robogrid.secrets;

import io.robogrid.workflow.Interpolator;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/** The secrets a workflow refers to: every {@code ${secret:name}} in its steps and login sub-flow. */
public final class SecretRefs {
  private static final String SCHEME = "secret:";

  private SecretRefs() {}

  public static Set<String> in(JsonObject workflow) {
    Set<String> names = new TreeSet<>();
    for (String ref : Interpolator.references(workflow)) {
      if (!ref.startsWith(SCHEME)) continue;
      int dflt = ref.indexOf(":-"); // ${secret:x:-fallback}
      names.add((dflt > 0 ? ref.substring(SCHEME.length(), dflt) : ref.substring(SCHEME.length())).trim());
    }
    return names;
  }
}
