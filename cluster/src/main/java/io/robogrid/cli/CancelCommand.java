package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code robogrid cancel}: asks the server to cancel a job. A running job stops at its runner shortly after, so the
 * state printed may still be RUNNING, marked "(cancel requested)".
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job; print '<jobId> <STATE>'.")
final class CancelCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", paramLabel = "JOB_ID")
  String jobId;

  @Override
  public Integer call() {
    JsonObject job = cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/cancel", null);
    cli.print(job, () -> cli.out().println(JobWatch.headline(job)));
    return ExitCodes.OK;
  }
}
