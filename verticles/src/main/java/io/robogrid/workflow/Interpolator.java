package io.robogrid.workflow;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${…}} placeholders in a step's {@code with}: {@code ${input.a.b}}, {@code ${steps.<id>.output.x}},
 * {@code ${env:NAME}}, and any {@code ${<scheme>:name}} a caller registers (secrets come this way later).
 * A string that is exactly one placeholder takes the referenced value with its JSON type; inside longer text
 * the value is written as text. {@code ${env:PORT:-8080}} gives a default for a value that is not set.
 * {@code $${} stands for a literal {@code ${}.
 */
public final class Interpolator {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$?\\$\\{([^}]*)}");

  private final JsonObject input;
  private final Map<String, JsonObject> stepOutputs;
  private final Map<String, Function<String, Object>> schemes;

  /** @param schemes resolvers for {@code ${scheme:name}}, e.g. {@code env} → {@code System::getenv}; a null answer is an error */
  public Interpolator(JsonObject input, Map<String, JsonObject> stepOutputs, Map<String, Function<String, Object>> schemes) {
    this.input = input;
    this.stepOutputs = stepOutputs;
    this.schemes = schemes;
  }

  /** A copy of {@code with} with every placeholder resolved. @throws StepFailure BAD_REFERENCE naming what could not be resolved */
  public JsonObject resolve(JsonObject with) {
    return (JsonObject) resolveValue(with);
  }

  private Object resolveValue(Object v) {
    if (v instanceof String s) return resolveString(s);
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey(), resolveValue(e.getValue())));
      return out;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(resolveValue(x)));
      return out;
    }
    return v;
  }

  private Object resolveString(String s) {
    Matcher m = PLACEHOLDER.matcher(s);
    if (m.matches() && !s.startsWith("$$")) return lookup(m.group(1).trim());
    m.reset(); // matches() moved the matcher: find() must start from the beginning again
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().startsWith("$$")) replacement = m.group().substring(1);
      else {
        Object value = lookup(m.group(1).trim());
        replacement = value instanceof String str ? str : String.valueOf(value instanceof JsonObject || value instanceof JsonArray ? value.toString() : value);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Object lookup(String expr) {
    int dflt = expr.indexOf(":-");
    if (dflt > 0) {
      try {
        return lookup(expr.substring(0, dflt));
      } catch (Missing e) {
        return expr.substring(dflt + 2); // only a value that is not there takes the default; a malformed reference still fails
      }
    }
    int colon = expr.indexOf(':');
    int dot = expr.indexOf('.');
    if (colon > 0 && (dot < 0 || colon < dot)) {
      String scheme = expr.substring(0, colon);
      Function<String, Object> resolver = schemes.get(scheme);
      if (resolver == null) throw bad("unknown reference scheme '" + scheme + ":' in ${" + expr + "}");
      Object v = resolver.apply(expr.substring(colon + 1));
      if (v == null) throw new Missing("${" + expr + "} is not set");
      return v;
    }
    String[] parts = expr.split("\\.");
    if (parts[0].equals("input")) return walk(input, parts, 1, expr);
    if (parts[0].equals("steps") && parts.length >= 3 && parts[2].equals("output")) {
      JsonObject out = stepOutputs.get(parts[1]);
      if (out == null) throw new Missing("${" + expr + "}: step '" + parts[1] + "' has no output yet");
      return walk(out, parts, 3, expr);
    }
    throw bad("cannot resolve ${" + expr + "} (use input.…, steps.<id>.output.…, or scheme:name)");
  }

  private static Object walk(Object root, String[] parts, int from, String expr) {
    Object cur = root;
    for (int i = from; i < parts.length; i++) {
      String key = parts[i];
      if (cur instanceof JsonObject o && o.containsKey(key)) cur = o.getValue(key);
      else if (cur instanceof JsonArray a && key.matches("\\d{1,9}") && Integer.parseInt(key) < a.size()) cur = a.getValue(Integer.parseInt(key));
      else throw new Missing("${" + expr + "}: no '" + key + "'");
    }
    if (cur == null) throw new Missing("${" + expr + "} is null");
    return cur;
  }

  private static StepFailure bad(String message) {
    return new StepFailure(ErrorClass.BAD_REFERENCE, message);
  }

  /** A well-formed reference to a value that is not there: the one case a {@code :-default} covers. */
  private static final class Missing extends StepFailure {
    Missing(String message) {
      super(ErrorClass.BAD_REFERENCE, message);
    }
  }

  /**
   * Why {@code expr} can never resolve, whatever the run: an unknown root or scheme, or a step reference without
   * {@code .output}; null when it is well formed. Checked at submission so that such a workflow is refused up front.
   */
  public static String malformed(String expr, java.util.Set<String> schemes) {
    String e = expr.contains(":-") ? expr.substring(0, expr.indexOf(":-")) : expr;
    int colon = e.indexOf(':');
    int dot = e.indexOf('.');
    if (colon > 0 && (dot < 0 || colon < dot)) {
      String scheme = e.substring(0, colon);
      return schemes.contains(scheme) ? null : "unknown reference scheme '" + scheme + ":' (known: " + String.join(", ", new java.util.TreeSet<>(schemes)) + ")";
    }
    String[] parts = e.split("\\.");
    if (parts[0].equals("input")) return null;
    if (parts[0].equals("steps")) return parts.length >= 3 && parts[2].equals("output") ? null : "a step reference reads steps.<id>.output[.field]";
    return "unknown reference root '" + parts[0] + "' (use input.…, steps.<id>.output.…, or scheme:name)";
  }

  /** The placeholder expressions in a value (not resolved), for checks at submission. */
  public static List<String> references(Object value) {
    List<String> out = new ArrayList<>();
    collect(value, out);
    return out;
  }

  private static void collect(Object v, List<String> out) {
    if (v instanceof String s) {
      Matcher m = PLACEHOLDER.matcher(s);
      while (m.find()) if (!m.group().startsWith("$$")) out.add(m.group(1).trim());
    } else if (v instanceof JsonObject o) {
      o.forEach(e -> collect(e.getValue(), out));
    } else if (v instanceof JsonArray a) {
      a.forEach(x -> collect(x, out));
    }
  }
}
