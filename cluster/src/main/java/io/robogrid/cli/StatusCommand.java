package io.robogrid.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code robogrid status}: the latest jobs as a table, one job in full when given its id, or the grid with {@code --cluster}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "List recent jobs, show one job with its steps, or the grid (--cluster).")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Parameters(index = "0", arity = "0..1", paramLabel = "JOB_ID", description = "Show this job in full.")
  String jobId;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Most jobs to list (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this state, like RUNNING or FAILED.")
  String state;

  @Option(names = "--robot", paramLabel = "ROBOT", description = "Only jobs of this robot.")
  String robot;

  @Option(names = "--cluster", description = "Show the grid instead: nodes, leases and queue depth.")
  boolean cluster;

  @Override
  public Integer call() {
    if (cluster) {
      JsonObject grid = cli.api().get("/cluster");
      cli.print(grid, () -> ClusterReport.print(grid, cli.out()));
    } else if (jobId != null) {
      JsonObject job = cli.api().get("/jobs/" + ApiClient.encode(jobId));
      cli.print(job, () -> JobReport.details(job, cli.out()));
    } else {
      StringBuilder query = new StringBuilder("/jobs?limit=").append(limit);
      if (state != null) query.append("&state=").append(ApiClient.encode(state));
      if (robot != null) query.append("&robot=").append(ApiClient.encode(robot));
      JsonObject page = cli.api().get(query.toString());
      cli.print(page, () -> table(page));
    }
    return ExitCodes.OK;
  }

  private void table(JsonObject page) {
    Table t = new Table("ID", "ROBOT", "STATE", "ATTEMPT", "CREATED", "FINISHED");
    for (Object o : page.getJsonArray("jobs", new JsonArray())) {
      JsonObject j = (JsonObject) o;
      t.row(j.getString("id"), j.getString("robot"), j.getString("state"), j.getValue("attempt"),
          JobReport.time(j.getString("createdAt")), JobReport.time(j.getString("finishedAt")));
    }
    t.print(cli.out());
  }
}
