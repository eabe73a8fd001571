package io.robogrid.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code robogrid reload}: every node re-reads its robot files. A node whose files have a problem keeps its robots;
 * the server then refuses with the file and field, and this exits 2.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = "Re-read conf/robots.json and conf/robots.d/ on every node, without a restart; print each node's robot count.")
final class ReloadCommand implements Callable<Integer> {
  @ParentCommand
  RoboGridCli cli;

  @Override
  public Integer call() {
    JsonObject answer = cli.api().post("/config/reload", null);
    cli.print(answer, () -> {
      for (Object o : answer.getJsonArray("nodes", new JsonArray())) {
        JsonObject n = (JsonObject) o;
        cli.out().println(n.getString("node") + ": " + n.getInteger("robots") + " robots");
      }
    });
    return ExitCodes.OK;
  }
}
