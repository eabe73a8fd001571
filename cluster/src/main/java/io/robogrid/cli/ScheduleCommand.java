package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid schedule pause|resume ROBOT}: stops or restarts a robot's schedule for the whole grid. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = "Pause or resume a robot's schedule; print '<robot> <next run | paused>'. A resumed schedule does not catch up its pause.")
final class ScheduleCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", paramLabel = "pause|resume")
  String action;

  @Parameters(index = "1", paramLabel = "ROBOT")
  String robot;

  @Override
  public Integer call() {
    if (!action.equals("pause") && !action.equals("resume")) {
      throw new CliFailure(ExitCodes.USAGE, "schedule: say pause or resume, not '" + action + "'");
    }
    JsonObject r = cli.api().post("/robots/" + ApiClient.encode(robot) + "/schedule/" + action, null);
    JsonObject s = r.getJsonObject("schedule", new JsonObject());
    cli.print(r, () -> cli.out().println(r.getString("name") + " " + (s.getBoolean("paused", false) ? "paused" : s.getString("nextFire"))));
    return ExitCodes.OK;
  }
}
