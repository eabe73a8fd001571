package io.robogrid.cli;

import io.robogrid.node.NodeMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Unmatched;

/**
 * {@code robogrid node}: starts a node in the foreground, so one launcher serves both operators and users. Its
 * arguments, {@code --help} included, are the node's own and go to it untouched.
 */
@Command(name = "node", description = "Start a node in the foreground; the arguments go to the node.")
final class NodeCommand implements Callable<Integer> {
  @Unmatched
  List<String> args = new ArrayList<>();

  /** Leaves every argument after {@code node} to the node, even ones that look like the CLI's inherited {@code --url} or {@code --json}. */
  static void takeAllArguments(CommandLine node) {
    CommandSpec spec = node.getCommandSpec();
    spec.options().stream().filter(OptionSpec::inherited).toList().forEach(spec::remove);
    node.setStopAtUnmatched(true);
  }

  @Override
  public Integer call() throws Exception {
    CliLogging.restore();
    NodeMain.main(args.toArray(String[]::new));
    return ExitCodes.OK;
  }
}
