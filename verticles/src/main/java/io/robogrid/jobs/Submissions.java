package io.robogrid.jobs;

import io.robogrid.core.Durations;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.JsonLimits;
import io.robogrid.core.JsonText;
import io.robogrid.core.RoboGridException;
import io.robogrid.robots.Robot;
import io.robogrid.robots.RobotCatalog;
import io.robogrid.store.NewJob;
import io.robogrid.workflow.Problems;
import io.robogrid.workflow.Workflow;
import io.robogrid.workflow.WorkflowParser;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns a job request ({@code {"robot": …}} or {@code {"workflow": …}}, with {@code input}, {@code runAt} or {@code delay},
 * {@code priority}) into a {@link NewJob}, or refuses it with a stable error code before anything is stored.
 */
public final class Submissions {
  private static final Set<String> FIELDS = Set.of("robot", "workflow", "input", "runAt", "delay", "priority");
  public static final Duration MAX_DELAY = Duration.ofDays(366);

  private final Supplier<RobotCatalog> robots;
  private final WorkflowParser parser;
  private final Clock clock;

  /** @param robots the current catalog (a supplier, so that a reload is seen by the next submission) */
  public Submissions(Supplier<RobotCatalog> robots, WorkflowParser parser, Clock clock) {
    this.robots = robots;
    this.parser = parser;
    this.clock = clock;
  }

  public NewJob accept(JsonObject request, UUID rerunOf) {
    for (String key : request.fieldNames()) {
      if (!FIELDS.contains(key)) throw RoboGridException.invalidRequest("unknown field '" + key + "' (allowed: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
    }
    JsonLimits.STORED.check("the request", request); // it is stored as it is, and answers wrap it deeper
    if (JsonText.containsNul(request)) throw RoboGridException.invalidRequest("the request contains a NUL character (\\u0000), which cannot be stored");
    Object robotName = request.getValue("robot");
    Object inline = request.getValue("workflow");
    if ((robotName == null) == (inline == null)) throw RoboGridException.invalidRequest("give either 'robot' (a robot's name) or 'workflow' (an inline workflow)");

    String robot = null;
    Workflow workflow;
    JsonObject approval = null;
    if (robotName != null) {
      if (!(robotName instanceof String name)) throw RoboGridException.invalidRequest("'robot' must be a string");
      Robot r = robots.get().get(name);
      if (r == null) throw new RoboGridException(ErrorCode.UNKNOWN_ROBOT, "no robot named '" + name + "'");
      robot = r.name();
      workflow = r.workflow();
      if (r.requiresApproval()) {
        approval = new JsonObject();
        if (r.approvalTimeout() != null) approval.put("deadline", clock.instant().plus(r.approvalTimeout()).toString());
      }
    } else {
      if (!(inline instanceof JsonObject wf)) throw RoboGridException.invalidWorkflow("workflow: must be an object with 'steps'");
      Problems problems = new Problems();
      workflow = parser.parse(wf, "workflow", Set.of(), problems);
      problems.throwIfAny();
    }

    Object in = request.getValue("input");
    if (in != null && !(in instanceof JsonObject)) throw RoboGridException.invalidRequest("'input' must be a JSON object");
    JsonObject input = in == null ? new JsonObject() : (JsonObject) in;

    Instant now = clock.instant();
    Instant runAt = now;
    if (request.getValue("runAt") != null && request.getValue("delay") != null) throw RoboGridException.invalidRequest("give 'runAt' or 'delay', not both");
    if (request.getValue("runAt") != null) {
      try {
        runAt = Instant.parse(String.valueOf(request.getValue("runAt")));
      } catch (DateTimeParseException e) {
        throw RoboGridException.invalidRequest("'runAt' must be an ISO-8601 instant like 2030-01-01T09:00:00Z");
      }
    } else if (request.getValue("delay") != null) {
      try {
        runAt = now.plus(Durations.parse(String.valueOf(request.getValue("delay"))));
      } catch (IllegalArgumentException e) {
        throw RoboGridException.invalidRequest("'delay': " + e.getMessage());
      }
    }
    if (runAt.isAfter(now.plus(MAX_DELAY))) throw RoboGridException.invalidRequest("a job may be scheduled at most " + MAX_DELAY.toDays() + " days ahead");
    // a time in the past means "now"; one far in the past is a mistake (and beyond what PostgreSQL timestamps hold)
    if (runAt.isBefore(now.minus(MAX_DELAY))) throw RoboGridException.invalidRequest("'runAt' is more than " + MAX_DELAY.toDays() + " days in the past");

    int priority = workflow.priority();
    Object p = request.getValue("priority");
    if (p != null) {
      if (!(p instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < WorkflowParser.MIN_PRIORITY || n.intValue() > WorkflowParser.MAX_PRIORITY) {
        throw RoboGridException.invalidRequest("'priority' must be a whole number from " + WorkflowParser.MIN_PRIORITY + " to " + WorkflowParser.MAX_PRIORITY);
      }
      priority = n.intValue();
    }
    return new NewJob(UUID.randomUUID(), robot, workflow.toJson(), input, request.copy(), new ArrayList<>(workflow.requires()),
        priority, workflow.retry().maxAttempts(), runAt, rerunOf, approval);
  }
}
