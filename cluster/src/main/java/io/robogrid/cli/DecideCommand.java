package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid approve|reject JOB}: a person's decision at a job's approval gate. */
final class DecideCommand {
  private DecideCommand() {}

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve a job waiting for approval: it is queued. Print '<jobId> <STATE>'.")
  static final class Approve implements Callable<Integer> {
    @ParentCommand
    RoboGridCli cli;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Kept with the approval.")
    String comment;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject();
      if (comment != null) body.put("comment", comment);
      JsonObject job = cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/approve", body);
      cli.print(job, () -> cli.out().println(JobWatch.headline(job)));
      return ExitCodes.OK;
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true,
      description = "Reject a job waiting for approval: it ends REJECTED and nothing of it runs. Print '<jobId> <STATE>'.")
  static final class Reject implements Callable<Integer> {
    @ParentCommand
    RoboGridCli cli;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why: kept with the job.")
    String reason;

    @Override
    public Integer call() {
      JsonObject job = cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/reject", new JsonObject().put("reason", reason));
      cli.print(job, () -> cli.out().println(JobWatch.headline(job)));
      return ExitCodes.OK;
    }
  }
}
