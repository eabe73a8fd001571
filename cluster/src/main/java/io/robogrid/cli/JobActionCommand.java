package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** A command that asks one thing of one job ({@code POST /jobs/{id}/<action>}) and prints {@code <jobId> <STATE>}. */
abstract class JobActionCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", paramLabel = "JOB_ID")
  String jobId;

  /** Sends {@code action} with {@code body} (null for none) and prints the job as the server answered it. */
  final Integer act(String action, JsonObject body) {
    JsonObject job = cli.api().post("/jobs/" + ApiClient.encode(jobId) + "/" + action, body);
    cli.print(job, () -> cli.out().println(JobWatch.headline(job)));
    return ExitCodes.OK;
  }
}
