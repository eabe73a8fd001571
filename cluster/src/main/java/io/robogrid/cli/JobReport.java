package io.robogrid.cli;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** A job as text: the short summary after {@code --wait}, and the full view of {@code status <jobId>}. Both end with the steps. */
final class JobReport {
  private JobReport() {}

  /** What a person waiting for a job wants to know: how it ended, and which step did what. */
  static void summary(JsonObject job, PrintWriter out) {
    print(outcome(new Table(), job), job, out);
  }

  static void details(JsonObject job, PrintWriter out) {
    Table t = new Table()
        .row("id", job.getString("id"))
        .row("robot", job.getString("robot") == null ? "(inline workflow)" : job.getString("robot"));
    outcome(t, job)
        .row("priority", job.getValue("priority"))
        .row("node", job.getString("node"))
        .row("requires", Table.joined(job.getJsonArray("requires", new JsonArray())))
        .row("created", time(job.getString("createdAt")))
        .row("run at", time(job.getString("runAt")))
        .row("started", time(job.getString("startedAt")))
        .row("finished", time(job.getString("finishedAt")));
    if (job.getString("rerunOf") != null) t.row("rerun of", job.getString("rerunOf"));
    JsonObject waiting = job.getJsonObject("waitingFor");
    if (waiting != null) t.row("waiting for", waiting.getString("message"));
    t.row("input", job.getJsonObject("input", new JsonObject()).encode());
    if (job.getJsonObject("result") != null) t.row("result", job.getJsonObject("result").encode());
    print(t, job, out);
  }

  /** An API timestamp to the second: sub-second digits only make columns wider. */
  static String time(String iso) {
    if (iso == null) return null;
    try {
      return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  private static Table outcome(Table t, JsonObject job) {
    String state = job.getString("state");
    if (job.getBoolean("cancelRequested", false)) state += " (cancel requested)";
    else if ("RUNNING".equals(state) && job.getJsonObject("pause") != null) state += " (pause requested)";
    t.row("state", state).row("attempt", job.getValue("attempt") + " of " + job.getValue("maxAttempts")).row("duration", duration(job));
    JsonObject error = job.getJsonObject("error");
    if (error != null) {
      String step = error.getString("step");
      t.row("error", error.getString("code") + ": " + error.getString("message") + (step == null ? "" : " (step " + step + ")"));
    }
    return t;
  }

  private static String duration(JsonObject job) {
    String started = job.getString("startedAt");
    String finished = job.getString("finishedAt");
    if (started == null || finished == null) return null;
    try {
      return Durations.format(Duration.between(Instant.parse(started), Instant.parse(finished)));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void print(Table fields, JsonObject job, PrintWriter out) {
    fields.print(out);
    JsonObject steps = job.getJsonObject("steps");
    if (steps == null || steps.isEmpty()) return;
    Table t = new Table("STEP", "STATE", "ATTEMPTS", "DURATION_MS");
    for (Map.Entry<String, Object> e : steps) {
      JsonObject s = (JsonObject) e.getValue();
      t.row(e.getKey(), s.getString("state"), s.getValue("attempts"), s.getValue("durationMs"));
    }
    out.println();
    t.print(out);
  }
}
