package io.robogrid.robots;

import io.robogrid.workflow.Problems;
import io.robogrid.workflow.StepCatalog;
import io.robogrid.workflow.Workflow;
import io.robogrid.workflow.WorkflowParser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The robots a node knows, read from {@code <conf>/robots.json} and {@code <conf>/robots.d/*.json} (each {@code {"robots": […]}}).
 * Loading validates everything and refuses the whole set on any problem, naming the file and the field,
 * so that a node never runs with half a configuration.
 */
public final class RobotCatalog {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Set<String> ROBOT_FIELDS = Set.of("name", "description", "schedule", "requiresApproval", "approvalTimeout", "notify");

  private final Map<String, Robot> robots;

  private RobotCatalog(Map<String, Robot> robots) {
    this.robots = robots;
  }

  public Robot get(String name) {
    return robots.get(name);
  }

  public Collection<Robot> all() {
    return robots.values();
  }

  public static RobotCatalog empty() {
    return new RobotCatalog(Map.of());
  }

  /** @throws io.robogrid.core.RoboGridException INVALID_WORKFLOW listing every problem found, each prefixed with its file */
  public static RobotCatalog load(Path confDir, StepCatalog steps) {
    List<Path> files = new ArrayList<>();
    Path main = confDir.resolve("robots.json");
    if (Files.exists(main)) files.add(main);
    Path dir = confDir.resolve("robots.d");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    Problems problems = new Problems();
    Map<String, Robot> robots = new LinkedHashMap<>();
    WorkflowParser parser = new WorkflowParser(steps);
    for (Path file : files) {
      String where = confDir.relativize(file).toString();
      try {
        parseFile(Files.readString(file, StandardCharsets.UTF_8), where, parser, problems, robots);
      } catch (IOException e) {
        problems.add(where, "cannot read: " + e.getMessage());
      }
    }
    problems.throwIfAny();
    return new RobotCatalog(robots);
  }

  /** Parses one file's text; also used for robots given inline (tests, reload checks). */
  static void parseFile(String text, String where, WorkflowParser parser, Problems problems, Map<String, Robot> into) {
    JsonObject doc;
    try {
      doc = new JsonObject(text);
    } catch (DecodeException e) {
      problems.add(where, "not valid JSON: " + e.getMessage());
      return;
    }
    for (String key : doc.fieldNames()) if (!key.equals("robots")) problems.add(where + ": " + key, "unknown field (a robots file is {\"robots\": [...]})");
    Object list = doc.getValue("robots");
    if (!(list instanceof JsonArray arr)) {
      problems.add(where + ": robots", "must be a list of robots");
      return;
    }
    for (int i = 0; i < arr.size(); i++) {
      String at = where + ": robots[" + i + "]";
      if (!(arr.getValue(i) instanceof JsonObject r)) {
        problems.add(at, "must be an object");
        continue;
      }
      Object n = r.getValue("name");
      String name = n instanceof String s ? s : null;
      if (name == null || !NAME.matcher(name).matches()) {
        problems.add(at + ".name", "is required: lower-case letters, digits, '.', '-' and '_' (64 at most)");
      } else {
        at = where + ": robots[" + i + "] (" + name + ")";
      }
      Object d = r.getValue("description");
      if (d != null && !(d instanceof String)) problems.add(at + ".description", "must be a string");
      Workflow wf = parser.parse(r, at, ROBOT_FIELDS, problems);
      Schedule schedule = r.getValue("schedule") == null ? null : Schedule.parse(r.getValue("schedule"), at + ".schedule", problems);
      Object approval = r.getValue("requiresApproval");
      if (approval != null && !(approval instanceof Boolean)) problems.add(at + ".requiresApproval", "must be true or false");
      boolean requiresApproval = Boolean.TRUE.equals(approval);
      java.time.Duration approvalTimeout = null;
      if (r.getValue("approvalTimeout") != null) {
        if (!requiresApproval) problems.add(at + ".approvalTimeout", "needs requiresApproval: true");
        try {
          approvalTimeout = io.robogrid.core.Durations.parse(String.valueOf(r.getValue("approvalTimeout")));
        } catch (IllegalArgumentException e) {
          problems.add(at + ".approvalTimeout", e.getMessage());
        }
      }
      io.robogrid.notifier.NotifyRules notify = io.robogrid.notifier.NotifyRules.parse(r.getValue("notify"), at + ".notify", problems);
      if (name != null) {
        Robot previous = into.putIfAbsent(name, new Robot(name, d instanceof String s ? s : "", wf, where, schedule, requiresApproval,
            approvalTimeout, notify));
        if (previous != null) problems.add(at + ".name", "robot '" + name + "' is already defined in " + previous.source());
      }
    }
  }
}
