package io.robogrid.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid list-robots}: the robots the server can run (a name for run-now), with their schedules and next runs. */
@Command(name = "list-robots", mixinStandardHelpOptions = true, description = "List the robots the server knows.")
final class ListRobotsCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Override
  public Integer call() {
    JsonObject answer = cli.api().get("/robots");
    cli.print(answer, () -> {
      Table t = new Table("NAME", "STEPS", "REQUIRES", "SCHEDULE", "NEXT RUN", "DESCRIPTION");
      for (Object o : answer.getJsonArray("robots", new JsonArray())) {
        JsonObject r = (JsonObject) o;
        JsonObject s = r.getJsonObject("schedule");
        String schedule = s == null ? "" : s.getString("cron") + (s.getString("timezone", "UTC").equals("UTC") ? "" : " " + s.getString("timezone"));
        String next = s == null ? "" : s.getBoolean("paused", false) ? "paused" : String.valueOf(s.getString("nextFire"));
        t.row(r.getString("name"), r.getJsonArray("steps", new JsonArray()).size(),
            Table.joined(r.getJsonArray("requires", new JsonArray())), schedule, next, r.getString("description"));
      }
      t.print(cli.out());
    });
    return ExitCodes.OK;
  }
}
