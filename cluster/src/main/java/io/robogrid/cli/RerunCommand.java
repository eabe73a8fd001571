package io.robogrid.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid rerun}: submits a new job with the request of an old one, which the server links back to it. */
@Command(name = "rerun", mixinStandardHelpOptions = true, description = "Submit a new job like an earlier one; print '<jobId> <STATE>'.")
final class RerunCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job to run again.")
  String jobId;

  @Mixin
  WaitOptions wait;

  @Override
  public Integer call() throws InterruptedException {
    return JobWatch.follow(cli, cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/rerun", null), wait);
  }
}
