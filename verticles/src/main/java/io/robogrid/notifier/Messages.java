package io.robogrid.notifier;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What a notification says: the subject and text of a mail, the JSON body of a webhook. Pure: built from the job's JSON. */
final class Messages {
  private Messages() {}

  /** A mail's subject and text. */
  record Mail(String subject, String text) {}

  static String link(String dashboardUrl, String jobId) {
    String base = dashboardUrl.endsWith("/") ? dashboardUrl : dashboardUrl + "/";
    return base + "#/jobs/" + jobId;
  }

  private static String robot(JsonObject job) {
    return job.getString("robot") == null ? "inline workflow" : job.getString("robot");
  }

  /** The mail about one job event ({@code trigger}: failure, success, approval, blocked). */
  static Mail mail(String trigger, JsonObject job, JsonObject event, String dashboardUrl, String screenshot) {
    String id = job.getString("id");
    String robot = robot(job);
    JsonObject error = job.getJsonObject("error", event.getJsonObject("error", new JsonObject()));
    StringBuilder t = new StringBuilder();
    String subject;
    switch (trigger) {
      case "failure" -> {
        subject = "[RoboGrid] " + robot + " failed: " + error.getString("code", "FAILED");
        t.append("Robot ").append(robot).append(" failed.\n\n");
      }
      case "approval" -> {
        subject = "[RoboGrid] " + robot + " needs approval (job " + id.substring(0, 8) + ")";
        t.append("A job of robot ").append(robot).append(" waits for a person's approval before it runs.\n\n");
      }
      case "blocked" -> {
        subject = "[RoboGrid] " + robot + " is blocked: " + event.getString("reason", "?");
        t.append("A job of robot ").append(robot).append(" is blocked: a step waits on something outside the grid.\n\n");
      }
      default -> {
        subject = "[RoboGrid] " + robot + " succeeded";
        t.append("Robot ").append(robot).append(" succeeded.\n\n");
      }
    }
    t.append("Job:      ").append(id).append('\n');
    t.append("Robot:    ").append(robot).append('\n');
    t.append("Time:     ").append(event.getString("at", "")).append('\n');
    t.append("Attempt:  ").append(event.getValue("attempt", job.getValue("attempt"))).append(" of ").append(job.getValue("maxAttempts")).append('\n');
    if ("failure".equals(trigger)) {
      t.append("Error:    ").append(error.getString("code", "FAILED")).append('\n');
      if (error.getString("step") != null) t.append("Step:     ").append(error.getString("step")).append('\n');
      t.append("Message:  ").append(error.getString("message", "")).append('\n');
      if (screenshot != null) t.append("\nThe failure screenshot is attached (").append(screenshot).append(").\n");
    }
    if ("blocked".equals(trigger)) {
      // the event's own account: by the time this is sent the job may be going on already
      t.append("Step:     ").append(event.getString("step", "")).append('\n');
      t.append("Reason:   ").append(event.getString("reason", "")).append('\n');
      if (event.getString("message") != null) t.append("Message:  ").append(event.getString("message")).append('\n');
      if (event.getString("agent") != null) t.append("Agent:    ").append(event.getString("agent")).append('\n');
      if (event.getString("capability") != null) t.append("Needs:    ").append(event.getString("capability")).append('\n');
      t.append("Since:    ").append(event.getString("since", "")).append('\n');
      t.append(event.getString("until") == null ? "It waits until the agent goes on (or the step's job is cancelled).\n"
          : "Until:    " + event.getString("until") + " (then the step fails with BLOCKED_TOO_LONG)\n");
    }
    if ("approval".equals(trigger)) {
      JsonObject approval = job.getJsonObject("approval", new JsonObject());
      if (approval.getString("deadline") != null) t.append("Deadline: ").append(approval.getString("deadline")).append('\n');
      t.append("\nApprove or reject it in the dashboard, or: scripts/robogrid approve ").append(id).append('\n');
    }
    t.append("\n").append(link(dashboardUrl, id)).append('\n');
    return new Mail(subject, t.toString());
  }

  /** The mail for a digest: the robot's failures that were not mailed one by one. */
  static Mail digest(String robot, List<JsonObject> failures, long windowMs, String dashboardUrl) {
    String name = robot == null ? "inline workflows" : robot;
    StringBuilder t = new StringBuilder();
    t.append("Robot ").append(name).append(" failed ").append(failures.size()).append(" more times within ").append(windowMs / 1000)
        .append(" s. These were not mailed one by one:\n\n");
    for (JsonObject f : failures) {
      JsonObject data = f.getJsonObject("data", new JsonObject());
      JsonObject error = data.getJsonObject("error", new JsonObject());
      t.append(data.getString("at", "")).append("  ").append(f.getString("jobId")).append("  ").append(error.getString("code", "FAILED"))
          .append(": ").append(error.getString("message", "")).append("\n  ").append(link(dashboardUrl, f.getString("jobId"))).append('\n');
    }
    return new Mail("[RoboGrid] " + name + " failed " + failures.size() + " more times", t.toString());
  }

  /** The JSON a webhook receives about one job event. */
  static JsonObject webhook(String trigger, JsonObject job, JsonObject event, String dashboardUrl) {
    String type = switch (trigger) {
      case "failure" -> "job.failed";
      case "approval" -> "job.approval-needed";
      case "blocked" -> "job.blocked";
      default -> "job.succeeded";
    };
    JsonObject j = new JsonObject().put("event", type).put("at", event.getString("at")).put("robot", job.getString("robot"))
        .put("link", link(dashboardUrl, job.getString("id")));
    JsonObject summary = new JsonObject();
    for (String k : List.of("id", "robot", "state", "attempt", "maxAttempts", "createdAt", "startedAt", "finishedAt", "node", "error", "approval")) {
      if (job.getValue(k) != null) summary.put(k, job.getValue(k));
    }
    if ("blocked".equals(trigger)) {
      JsonObject blocked = new JsonObject();
      for (String k : List.of("step", "reason", "message", "since", "until", "agent", "capability")) {
        if (event.getValue(k) != null) blocked.put(k, event.getValue(k));
      }
      j.put("blocked", blocked);
    }
    return j.put("job", summary).put("text", mail(trigger, job, event, dashboardUrl, null).subject());
  }

  static JsonObject digestWebhook(String robot, List<JsonObject> failures, long windowMs, String dashboardUrl) {
    JsonArray jobs = new JsonArray();
    failures.forEach(f -> jobs.add(new JsonObject().put("jobId", f.getString("jobId")).put("link", link(dashboardUrl, f.getString("jobId")))
        .put("error", f.getJsonObject("data", new JsonObject()).getJsonObject("error"))));
    return new JsonObject().put("event", "robot.failure-digest").put("robot", robot).put("windowMs", windowMs).put("failures", jobs)
        .put("text", digest(robot, failures, windowMs, dashboardUrl).subject());
  }
}
