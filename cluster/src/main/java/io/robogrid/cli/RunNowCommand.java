package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid run-now}: submits a job for a robot to run as soon as a runner is free. */
@Command(name = "run-now", mixinStandardHelpOptions = true, description = "Submit a job for a robot; print '<jobId> <STATE>'.")
final class RunNowCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", paramLabel = "ROBOT", description = "The robot's name (see list-robots).")
  String robot;

  @Option(names = "--input", paramLabel = "JSON", converter = JsonObjectConverter.class, description = "The job's input, a JSON object.")
  JsonObject input;

  @Option(names = "--priority", paramLabel = "N", description = "Overrides the robot's priority; higher runs first.")
  Integer priority;

  @Mixin
  WaitOptions wait;

  @Override
  public Integer call() throws InterruptedException {
    JsonObject request = new JsonObject().put("robot", robot);
    if (input != null) request.put("input", input);
    if (priority != null) request.put("priority", priority);
    return JobWatch.follow(cli, cli.api().post("/jobs", request), wait);
  }
}
