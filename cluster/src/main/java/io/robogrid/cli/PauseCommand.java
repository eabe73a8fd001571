package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code robogrid pause|resume JOB}: holds a job without losing it, and lets it go on. A running job stops at its next
 * step boundary, so the state printed may still be RUNNING, marked "(pause requested)".
 */
final class PauseCommand {
  private PauseCommand() {}

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause a job: held at once, or at its next step boundary if running; its progress is kept. Print '<jobId> <STATE>'.")
  static final class Pause implements Callable<Integer> {
    @ParentCommand
    RoboGridCli cli;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
      JsonObject job = cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/pause", null);
      cli.print(job, () -> cli.out().println(JobWatch.headline(job)));
      return ExitCodes.OK;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resume a paused job: it goes on from the steps that had not succeeded. Print '<jobId> <STATE>'.")
  static final class Resume implements Callable<Integer> {
    @ParentCommand
    RoboGridCli cli;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
      JsonObject job = cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/resume", null);
      cli.print(job, () -> cli.out().println(JobWatch.headline(job)));
      return ExitCodes.OK;
    }
  }
}
