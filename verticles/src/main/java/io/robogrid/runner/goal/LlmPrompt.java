package io.robogrid.runner.goal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What level 3 tells the language model, and how its answer is read. The model sees the goal, the data by name (secret
 * values as [secret]), the page's digest (no field values), the last actions and how they went, and the run's notes;
 * every secret value is then taken out of the whole text once more, wherever it may have come from (a page that
 * echoes it, an error message). The answer must be one JSON object naming an action that can be carried out on this
 * page; anything else is a problem described in words the model can act on when it is asked again.
 */
final class LlmPrompt {
  /** The page's part of the prompt is cut to this (a digest is at most 150 elements; their JSON rarely passes 15,000). */
  static final int MAX_PAGE_CHARS = 20_000;
  static final int HISTORY = 10;
  static final int MAX_REASON = 300;

  static final String SYSTEM = """
      You operate a web browser to reach a goal for a user. Each turn you are shown the goal, the data you may type \
      (by name), the page as a list of interactive elements (each with a ref such as "e12"), and what was done so far. \
      Choose the ONE next action.
      Answer with one JSON object and nothing else:
      {"action": "click|fill|select|check|press|goto|done|give-up", "target": "e12", "dataKey": "...", "value": "...", \
      "key": "Enter", "url": "https://...", "reason": "...", "confidence": 0.8}
      - click, check: "target" is the ref of an element on this page.
      - fill (a text field) and select (a list): "target", and "dataKey" naming one of the data to type it; "value" only \
      for a literal text that is not among the data. A value shown as [secret] is typed for you: give its dataKey.
      - press: "target" and "key" (Enter, Tab, Escape, ArrowDown...).
      - goto: "url", http or https.
      - done: the goal is reached on this page. give-up: the goal cannot be reached from here.
      - "reason": one short sentence. "confidence": from 0 to 1, how sure you are that this action brings the goal closer.
      Leave out the fields the action does not use. Do not repeat an action that failed or changed nothing.""";

  private LlmPrompt() {}

  static String user(GoalState state) {
    GoalSpec spec = state.spec();
    StringBuilder b = new StringBuilder();
    b.append("Goal: ").append(spec.goal()).append("\n\n");
    b.append("Data (name: value): ").append(spec.shownData().encode()).append("\n");
    List<String> untyped = state.untypedData();
    if (!spec.data().isEmpty()) b.append("Not typed yet: ").append(untyped.isEmpty() ? "none" : String.join(", ", untyped)).append("\n");
    b.append("\nPage:\n").append(page(state.page())).append("\n");
    List<GoalState.Taken> history = state.history();
    if (!history.isEmpty()) {
      b.append("\nDone so far (latest last):\n");
      if (history.size() > HISTORY) b.append("(").append(history.size() - HISTORY).append(" earlier actions not shown)\n");
      for (GoalState.Taken t : history.subList(Math.max(0, history.size() - HISTORY), history.size())) b.append(line(t)).append("\n");
    }
    List<String> notes = state.notes();
    if (!notes.isEmpty()) {
      b.append("\nNotes:\n");
      notes.subList(Math.max(0, notes.size() - 5), notes.size()).forEach(n -> b.append("- ").append(n).append("\n"));
    }
    b.append("\nStep ").append(state.nextStep()).append(" of at most ").append(spec.maxSteps()).append(". Your JSON answer:");
    return redact(b.toString(), spec);
  }

  /** The digest as the model may see it, cut at the end when it is too long (what is left out is said). */
  static String page(PageDigest page) {
    JsonObject j = page.toJson();
    String s = j.encode();
    JsonArray els = j.getJsonArray("elements");
    int left = 0;
    while (s.length() > MAX_PAGE_CHARS && !els.isEmpty()) {
      int drop = Math.max(1, els.size() / 10);
      for (int i = 0; i < drop && !els.isEmpty(); i++, left++) els.remove(els.size() - 1);
      j.put("elementsNotShown", left);
      s = j.encode();
    }
    return s;
  }

  private static String line(GoalState.Taken t) {
    Decision d = t.decision();
    StringBuilder b = new StringBuilder().append(t.step()).append(". ").append(d.action().label());
    if (d.target() != null) b.append(" '").append(d.target().name()).append("' (").append(d.target().role()).append(")");
    if (d.dataKey() != null) b.append(" with data ").append(d.dataKey());
    else if (d.value() != null) b.append(" with \"").append(d.value()).append("\"");
    if (d.key() != null) b.append(" key ").append(d.key());
    if (d.url() != null) b.append(" ").append(d.url());
    b.append(" [").append(d.level().label()).append("]: ");
    b.append(t.ok() ? "ok" : "FAILED" + (t.error() == null ? "" : ": " + clip(t.error(), 200)));
    return b.toString();
  }

  /** Every secret value out of {@code text}, whatever put it there. */
  static String redact(String text, GoalSpec spec) {
    return LocalModelDecider.redact(text, spec);
  }

  /** An answer read: the decision, or what is wrong with it. */
  record Read(Decision decision, String problem) {
    static Read bad(String problem) {
      return new Read(null, problem);
    }
  }

  /** Reads the model's answer against the page it was shown. */
  static Read read(String answer, GoalState state) {
    if (answer == null || answer.isBlank()) return Read.bad("the answer was empty");
    String text = answer.strip();
    int from = text.indexOf('{'), to = text.lastIndexOf('}');
    if (from < 0 || to < from) return Read.bad("the answer is not a JSON object");
    JsonObject j;
    try {
      j = new JsonObject(text.substring(from, to + 1)); // tolerate a code fence or a sentence around it
    } catch (DecodeException | ClassCastException e) {
      return Read.bad("the answer is not valid JSON (" + clip(e.getMessage(), 120) + ")");
    }
    String a = str(j, "action");
    Decision.Action action = Decision.Action.of(a);
    if (action == null) return Read.bad("\"action\" " + (a == null ? "is missing" : "'" + a + "' is not one of click, fill, select, check, press, goto, done, give-up"));
    String reason = str(j, "reason");
    if (reason == null || reason.isBlank()) return Read.bad("\"reason\" is missing");
    reason = clip(reason.strip(), MAX_REASON);
    double confidence = 0.5;
    Object c = j.getValue("confidence");
    if (c != null) {
      if (!(c instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) return Read.bad("\"confidence\" must be a number from 0 to 1");
      confidence = n.doubleValue();
    }
    Element target = null;
    if (List.of(Decision.Action.CLICK, Decision.Action.FILL, Decision.Action.SELECT, Decision.Action.CHECK, Decision.Action.PRESS).contains(action)) {
      String ref = str(j, "target");
      if (ref == null || ref.isBlank()) return Read.bad("\"" + action.label() + "\" needs \"target\", the ref of an element on this page");
      target = state.page().byRef(ref.strip()).orElse(null);
      if (target == null) return Read.bad("there is no element '" + ref + "' on this page");
      boolean usable = action == Decision.Action.CHECK ? !target.disabled() : target.actionable();
      if (!usable) return Read.bad("'" + ref + "' is " + (target.disabled() ? "disabled" : "hidden") + ": it cannot be acted on");
    }
    Decision d = Decision.of(Decider.Level.LLM, action, target, reason, confidence);
    switch (action) {
      case FILL, SELECT -> {
        if (action == Decision.Action.FILL && !target.isTextField()) return Read.bad("'" + target.ref() + "' is not a text field: fill needs one");
        if (action == Decision.Action.SELECT && !target.isSelect()) return Read.bad("'" + target.ref() + "' is not a list: select needs one");
        String key = str(j, "dataKey"), value = str(j, "value");
        Map<String, String> data = state.spec().data();
        if (key != null && !key.isBlank()) {
          if (!data.containsKey(key)) return Read.bad("\"dataKey\" '" + key + "' is not one of the data (" + String.join(", ", data.keySet()) + ")");
          value = null;
        } else if (value != null) {
          key = keyOf(value, state.spec()); // a data value written out is typed as that data
          if (key != null) value = null;
        } else {
          return Read.bad("\"" + action.label() + "\" needs \"dataKey\" (one of the data) or \"value\"");
        }
        if (action == Decision.Action.SELECT) {
          String wanted = key != null ? data.get(key) : value;
          if (!target.options().isEmpty() && LocalModelDecider.option(target, wanted) == null) {
            return Read.bad("the list '" + target.ref() + "' has no option " + (key != null ? "for data " + key : "'" + value + "'"));
          }
        }
        d = d.typing(key, value);
      }
      case CHECK -> {
        if (!target.isCheckbox() && !"radio".equals(target.type()) && !"radio".equals(target.role())) return Read.bad("'" + target.ref() + "' is not a box to check");
      }
      case PRESS -> {
        String key = str(j, "key");
        if (key == null || key.isBlank()) return Read.bad("\"press\" needs \"key\" (Enter, Tab, Escape...)");
        d = d.pressing(key.strip());
      }
      case GOTO -> {
        String url = str(j, "url");
        if (url == null || url.isBlank()) return Read.bad("\"goto\" needs \"url\"");
        try {
          URI u = URI.create(state.page().url()).resolve(url.strip()); // a path is taken on this site
          if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) return Read.bad("\"url\" must be an http or https URL");
          d = d.going(u.toString());
        } catch (IllegalArgumentException e) {
          return Read.bad("\"url\" '" + clip(url, 100) + "' is not a URL");
        }
      }
      default -> { }
    }
    return new Read(d, null);
  }

  private static String keyOf(String value, GoalSpec spec) {
    for (Map.Entry<String, String> e : spec.data().entrySet()) if (!spec.secretKeys().contains(e.getKey()) && e.getValue().equals(value)) return e.getKey();
    return null;
  }

  private static String str(JsonObject j, String key) {
    Object v = j.getValue(key);
    return v == null ? null : String.valueOf(v);
  }

  static String clip(String s, int n) {
    if (s == null) return "";
    return s.length() <= n ? s : s.substring(0, n) + "…";
  }
}
