package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code robogrid}: the top command. It owns what every subcommand shares (the server URL, {@code --json}, where
 * output goes) and turns every failure into one stderr line and a documented exit code.
 */
@Command(name = "robogrid", mixinStandardHelpOptions = true, version = "0.1.0",
    description = "Submit, follow and manage RoboGrid jobs, or start a node.",
    subcommands = {RunNowCommand.class, StatusCommand.class, RerunCommand.class, CancelCommand.class,
        ListRobotsCommand.class, ScheduleCommand.class, ReloadCommand.class, DecideCommand.Approve.class, DecideCommand.Reject.class,
        PauseCommand.Pause.class, PauseCommand.Resume.class,
        TokenCommand.class, NodeCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:the job waited for ended FAILED, CANCELLED or REJECTED",
        "2:usage error, or the server refused the request (error <CODE>: <message>)",
        "3:the server cannot be reached",
        "4:--wait timed out before the job ended"},
    footer = "%nThe server is --url, else the environment variable ROBOGRID_URL, else http://127.0.0.1:8080."
        + "%nThe API token is --token, else ROBOGRID_TOKEN, else the admin token a local node wrote to"
        + " $ROBOGRID_DATA_DIR/admin.token (default ./data/admin.token).")
public final class RoboGridCli {
  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
      defaultValue = "${env:ROBOGRID_URL:-http://127.0.0.1:8080}", description = "RoboGrid server (now ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN", defaultValue = "${env:ROBOGRID_TOKEN}",
      description = "API token (default: ROBOGRID_TOKEN, else a local node's data/admin.token).")
  String token;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the server's JSON answer instead of text.")
  boolean json;

  @Spec
  CommandSpec spec;

  private ApiClient api;

  public static void main(String[] args) {
    CliLogging.quiet();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command line without exiting the JVM, so tests can call it in-process. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    CommandLine cli = new CommandLine(new RoboGridCli())
        .setOut(o)
        .setErr(e)
        .setParameterExceptionHandler(RoboGridCli::usageError)
        .setExecutionExceptionHandler((ex, line, parsed) -> {
          if (!(ex instanceof CliFailure f)) throw ex;
          line.getErr().println(f.getMessage());
          return f.exitCode();
        });
    NodeCommand.takeAllArguments(cli.getSubcommands().get("node"));
    try {
      return cli.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** The message and where to read more, rather than the whole usage text that would bury the message. */
  private static int usageError(ParameterException ex, String[] args) {
    CommandLine line = ex.getCommandLine();
    PrintWriter err = line.getErr();
    err.println(ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
    return ExitCodes.USAGE;
  }

  /** One client per run: building a JDK HTTP client costs a noticeable part of a CLI call. */
  ApiClient api() {
    if (api == null) api = new ApiClient(url, token != null && !token.isBlank() ? token.strip() : localAdminToken());
    return api;
  }

  /** The admin token a node on this machine wrote on its first start, when it is there to read (a local operator). */
  static String localAdminToken() {
    String dir = System.getenv("ROBOGRID_DATA_DIR");
    java.nio.file.Path file = java.nio.file.Path.of(dir == null || dir.isBlank() ? "data" : dir, "admin.token");
    try {
      return java.nio.file.Files.isReadable(file) ? java.nio.file.Files.readString(file).strip() : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints the server's answer as is under {@code --json}; otherwise runs {@code text}. */
  void print(JsonObject answer, Runnable text) {
    if (json) out().println(answer.encode());
    else text.run();
  }
}
