package io.robogrid.cli;

import io.robogrid.core.Durations;
import io.robogrid.core.JobState;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;

/** What {@code run-now} and {@code rerun} do with the job they created: show it and, with {@code --wait}, follow it to its end. */
final class JobWatch {
  /** Often enough that a short job feels immediate, rarely enough to be no load on the server. */
  private static final long POLL_MILLIS = 200;

  private JobWatch() {}

  /** @return the exit code: success, the job failed, or the wait timed out */
  static int follow(RoboGridCli cli, JsonObject created, WaitOptions options) throws InterruptedException {
    PrintWriter out = cli.out();
    if (!options.wait) {
      cli.print(created, () -> out.println(headline(created)));
      return ExitCodes.OK;
    }
    if (!cli.json) out.println(headline(created));
    ApiClient api = cli.api();
    String path = "/jobs/" + ApiClient.encode(created.getString("id"));
    long deadline = System.nanoTime() + options.timeout.toNanos();
    JsonObject job = created;
    while (!state(job).isTerminal()) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMillis <= 0) {
        if (cli.json) out.println(job.encode());
        throw new CliFailure(ExitCodes.TIMED_OUT, "timed out after " + Durations.format(options.timeout) + " waiting for job "
            + job.getString("id") + ", which is " + job.getString("state"));
      }
      Thread.sleep(Math.min(POLL_MILLIS, leftMillis));
      job = api.get(path);
    }
    JsonObject done = job;
    cli.print(done, () -> JobReport.summary(done, out));
    return state(done) == JobState.SUCCEEDED ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /**
   * Many jobs: a headline for each; with {@code --wait}, each followed to its end (polled in turn), then a count.
   * @return success when every job succeeded, else the job-failed code; the wait timing out fails
   */
  static int followAll(RoboGridCli cli, java.util.List<JsonObject> created, WaitOptions options) throws InterruptedException {
    PrintWriter out = cli.out();
    if (cli.json) out.println(new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(created)).encode());
    else created.forEach(j -> out.println(headline(j)));
    if (!options.wait) return ExitCodes.OK;
    ApiClient api = cli.api();
    long deadline = System.nanoTime() + options.timeout.toNanos();
    int failed = 0;
    for (JsonObject j : created) {
      // asked first, slept on only while it runs: the later jobs of a batch have mostly ended by the time their turn comes
      JsonObject job = api.get("/jobs/" + ApiClient.encode(j.getString("id")));
      while (!state(job).isTerminal()) {
        if (System.nanoTime() > deadline) {
          throw new CliFailure(ExitCodes.TIMED_OUT, "timed out after " + Durations.format(options.timeout) + " waiting for job " + job.getString("id"));
        }
        Thread.sleep(POLL_MILLIS);
        job = api.get("/jobs/" + ApiClient.encode(job.getString("id")));
      }
      if (state(job) != JobState.SUCCEEDED) {
        failed++;
        if (!cli.json) out.println(headline(job));
      }
    }
    if (!cli.json) out.println(created.size() - failed + " of " + created.size() + " jobs succeeded");
    return failed == 0 ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /** {@code <jobId> <STATE>}: the one line a script reads to learn the id. */
  static String headline(JsonObject job) {
    String line = job.getString("id") + " " + job.getString("state");
    if (job.getBoolean("cancelRequested", false)) return line + " (cancel requested)";
    return "RUNNING".equals(job.getString("state")) && job.getJsonObject("pause") != null ? line + " (pause requested)" : line;
  }

  private static JobState state(JsonObject job) {
    return JobState.parse(job.getString("state"));
  }
}
