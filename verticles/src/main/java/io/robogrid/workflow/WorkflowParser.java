package io.robogrid.workflow;

import io.robogrid.grid.Capability;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a workflow definition (a robot's, or one submitted inline) into a validated {@link Workflow}.
 * Refuses, with every problem named by its path: unknown fields and step types, duplicate or bad ids,
 * dangling {@code needs}, cycles, and {@code ${steps.x…}} references to a step that is not a predecessor.
 */
public final class WorkflowParser {
  public static final Set<String> POLICY_FIELDS = Set.of("steps", "retry", "timeout", "priority", "requires", "maxSteps", "login",
      "maxLostAttempts");
  private static final Set<String> STEP_FIELDS = Set.of("id", "type", "with", "needs", "timeout", "retry", "name", "description");
  private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
  public static final int MAX_STEPS = 500;
  /** The {@code ${scheme:name}} references a runner resolves. */
  public static final Set<String> SCHEMES = Set.of("env", "secret");
  public static final int MIN_PRIORITY = -100, MAX_PRIORITY = 100;
  static final int MAX_LOGIN_STEPS = 20;
  private static final Set<String> GOAL_FIELDS = Set.of("selector", "urlContains", "textPresent");

  private final StepCatalog catalog;

  public WorkflowParser(StepCatalog catalog) {
    this.catalog = catalog;
  }

  /** @param where the path of {@code json} in its source, prefixed to every problem; {@code extraFields} are allowed beside the policy fields */
  public Workflow parse(JsonObject json, String where, Set<String> extraFields, Problems problems) {
    for (String key : json.fieldNames()) {
      if (!POLICY_FIELDS.contains(key) && !extraFields.contains(key)) problems.add(join(where, key), "unknown field");
    }
    RetryPolicy retry = RetryPolicy.parse(json.getValue("retry"), join(where, "retry"), problems);
    Duration timeout = FieldReader.duration(json, "timeout", where, problems, null);
    Integer priority = FieldReader.integer(json, "priority", where, problems, MIN_PRIORITY, MAX_PRIORITY);
    Integer maxSteps = FieldReader.integer(json, "maxSteps", where, problems, 1, 100_000);
    Integer maxLost = FieldReader.integer(json, "maxLostAttempts", where, problems, 0, 100);
    Set<String> requires = new LinkedHashSet<>(FieldReader.strings(json, "requires", where, problems));
    int index = 0;
    for (String r : requires) {
      String path = join(where, "requires") + "[" + index++ + "]";
      if (r.matches("browser:\\d+")) problems.add(path, "'" + r + "' is how a runner offers browser slots; a workflow requires 'browser'");
      else if (!Capability.NAME.matcher(r).matches()) problems.add(path, "'" + r + "' is not a capability name (like http, browser, desktop:desk1)");
    }

    List<StepSpec> steps = new ArrayList<>();
    Object rawSteps = json.getValue("steps");
    if (!(rawSteps instanceof JsonArray arr) || arr.isEmpty()) {
      problems.add(join(where, "steps"), "must be a non-empty list of steps");
    } else if (arr.size() > MAX_STEPS) {
      problems.add(join(where, "steps"), "has " + arr.size() + " steps; at most " + MAX_STEPS + " are allowed");
    } else {
      for (int i = 0; i < arr.size(); i++) {
        String at = join(where, "steps[" + i + "]");
        if (!(arr.getValue(i) instanceof JsonObject s)) problems.add(at, "must be an object");
        else {
          StepSpec spec = parseStep(s, at, problems);
          if (spec != null) steps.add(spec);
        }
      }
      checkGraph(steps, join(where, "steps"), problems);
    }
    List<StepSpec> desktopSteps = new ArrayList<>();
    for (StepSpec s : steps) {
      StepType type = catalog.get(s.type());
      if (type == null || type.capability() == null) continue;
      if (type.capability().equals(StepCatalog.DESKTOP)) desktopSteps.add(s);
      else requires.add(type.capability());
    }
    desktops(desktopSteps, requires, join(where, "steps"), problems);
    Workflow.LoginFlow login = json.getValue("login") == null ? null : parseLogin(json.getValue("login"), join(where, "login"), problems);
    if (login != null) requires.add(Capability.BROWSER);
    return new Workflow(List.copyOf(steps), retry, timeout, priority == null ? 0 : priority, Set.copyOf(requires),
        maxSteps == null ? Workflow.DEFAULT_MAX_STEPS : maxSteps, login, maxLost == null ? Workflow.DEFAULT_MAX_LOST_ATTEMPTS : maxLost);
  }

  /**
   * Which desktop each desktop step drives decides where the job can run, so it is settled here: a step naming its
   * {@code desktop} requires that one; a step naming none drives the one desktop the workflow requires, and naming
   * none is a mistake when the workflow requires none or several.
   */
  private static void desktops(List<StepSpec> desktopSteps, Set<String> requires, String where, Problems problems) {
    for (StepSpec s : desktopSteps) {
      if (StepCatalog.isDesktopName(s.with().getValue("desktop"))) requires.add(Capability.DESKTOP_PREFIX + s.with().getString("desktop"));
    }
    List<String> desktops = requires.stream().filter(Capability::isDesktop).sorted().toList();
    for (StepSpec s : desktopSteps) {
      if (s.with().getValue("desktop") != null) continue;
      if (desktops.isEmpty()) {
        problems.add(where + " (" + s.id() + ")", s.type() + " needs a desktop: add \"desktop:<name>\" to the workflow's requires, or name it in the step's desktop");
      } else if (desktops.size() > 1) {
        problems.add(where + " (" + s.id() + ").with.desktop", "the workflow requires several desktops " + desktops + ": name the one this step drives");
      }
    }
  }

  /**
   * The login sub-flow: browser steps run in order when a step finds the login page ({@code when}) instead of its
   * target. They may use the job's input and {@code ${env:…}}, not other steps' outputs: they run at any point.
   */
  private Workflow.LoginFlow parseLogin(Object value, String where, Problems problems) {
    if (!(value instanceof JsonObject json)) {
      problems.add(where, "must be an object like {\"when\": {\"urlContains\": \"/login\"}, \"steps\": [...]}");
      return null;
    }
    for (String key : json.fieldNames()) if (!key.equals("when") && !key.equals("steps")) problems.add(where + "." + key, "unknown field");
    JsonObject when = json.getValue("when") instanceof JsonObject w ? w : null;
    if (when == null || when.fieldNames().stream().noneMatch(GOAL_FIELDS::contains)) {
      problems.add(where + ".when", "must say how to recognise the login page: selector, urlContains or textPresent");
    } else {
      for (String key : when.fieldNames()) {
        if (!GOAL_FIELDS.contains(key)) problems.add(where + ".when." + key, "unknown field");
        else if (!(when.getValue(key) instanceof String)) problems.add(where + ".when." + key, "must be a string");
      }
    }
    List<StepSpec> steps = new ArrayList<>();
    if (!(json.getValue("steps") instanceof JsonArray arr) || arr.isEmpty() || arr.size() > MAX_LOGIN_STEPS) {
      problems.add(where + ".steps", "must be a list of 1 to " + MAX_LOGIN_STEPS + " browser steps");
    } else {
      for (int i = 0; i < arr.size(); i++) {
        String at = where + ".steps[" + i + "]";
        if (!(arr.getValue(i) instanceof JsonObject s)) {
          problems.add(at, "must be an object");
          continue;
        }
        StepSpec spec = parseStep(s, at, problems);
        if (spec == null) continue;
        if (!spec.type().startsWith("browser.")) problems.add(at + ".type", "a login step must be a browser step, not '" + spec.type() + "'");
        if (!spec.needs().isEmpty()) problems.add(at + ".needs", "login steps run in order; they take no needs");
        for (String ref : Interpolator.references(spec.with())) {
          String wrong = Interpolator.malformed(ref, SCHEMES);
          if (wrong != null) problems.add(at + ".with", "${" + ref + "}: " + wrong);
          else if (ref.startsWith("steps.")) problems.add(at + ".with", "${" + ref + "}: a login step may use the input and env, not other steps' outputs");
        }
        steps.add(spec);
      }
    }
    return when == null ? null : new Workflow.LoginFlow(when.copy(), List.copyOf(steps));
  }

  private StepSpec parseStep(JsonObject s, String at, Problems problems) {
    for (String key : s.fieldNames()) if (!STEP_FIELDS.contains(key)) problems.add(at + "." + key, "unknown field");
    String id = FieldReader.string(s, "id", at, problems, true);
    if (id != null && !id.isBlank() && !ID.matcher(id).matches()) {
      problems.add(at + ".id", "'" + id + "' must start with a letter and hold only letters, digits, '-' and '_' (64 at most)");
    }
    String named = id != null ? at + " (" + id + ")" : at;
    String type = FieldReader.string(s, "type", named, problems, true);
    JsonObject with = new JsonObject();
    Object w = s.getValue("with");
    if (w instanceof JsonObject wo) with = wo;
    else if (w != null) problems.add(named + ".with", "must be an object");
    if (type != null && !type.isBlank()) {
      StepType st = catalog.get(type);
      if (st == null) problems.add(named + ".type", "unknown step type '" + type + "' (known: " + String.join(", ", catalog.names()) + ")");
      else st.validator().validate(with, named + ".with", problems);
    }
    List<String> needs = FieldReader.strings(s, "needs", named, problems);
    Duration timeout = FieldReader.duration(s, "timeout", named, problems, null);
    RetryPolicy retry = RetryPolicy.parse(s.getValue("retry"), named + ".retry", problems);
    if (id == null || type == null) return null;
    return new StepSpec(id, type, with, List.copyOf(new LinkedHashSet<>(needs)), timeout, retry);
  }

  private static void checkGraph(List<StepSpec> steps, String where, Problems problems) {
    Map<String, List<String>> needs = new LinkedHashMap<>();
    Set<String> dup = new HashSet<>();
    for (StepSpec s : steps) {
      if (needs.put(s.id(), s.needs()) != null && dup.add(s.id())) problems.add(where, "duplicate step id '" + s.id() + "'");
    }
    boolean dangling = false;
    for (StepSpec s : steps) {
      for (String n : s.needs()) {
        if (!needs.containsKey(n)) {
          problems.add(where + " (" + s.id() + ").needs", "unknown step '" + n + "'");
          dangling = true;
        } else if (n.equals(s.id())) {
          problems.add(where + " (" + s.id() + ").needs", "a step cannot need itself");
          dangling = true;
        }
      }
    }
    if (dangling || !dup.isEmpty()) return;
    List<String> cycle = Dag.findCycle(needs);
    if (cycle != null) {
      problems.add(where, "cycle in needs: " + String.join(" -> ", cycle));
      return;
    }
    for (StepSpec s : steps) {
      Set<String> before = Dag.ancestors(s.id(), needs);
      for (String ref : Interpolator.references(s.with())) {
        String wrong = Interpolator.malformed(ref, SCHEMES);
        if (wrong != null) {
          problems.add(where + " (" + s.id() + ").with", "${" + ref + "}: " + wrong);
          continue;
        }
        String[] parts = ref.split("\\.");
        if (parts.length >= 2 && parts[0].equals("steps")) {
          String target = parts[1];
          if (!needs.containsKey(target)) problems.add(where + " (" + s.id() + ").with", "${" + ref + "} refers to unknown step '" + target + "'");
          else if (!before.contains(target)) {
            problems.add(where + " (" + s.id() + ").with", "${" + ref + "} uses step '" + target + "', which it does not need (add it to needs)");
          }
        }
      }
    }
  }

  private static String join(String where, String field) {
    return where == null || where.isEmpty() ? field : where + "." + field;
  }
}
