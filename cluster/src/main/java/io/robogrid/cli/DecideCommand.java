package io.robogrid.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code robogrid approve|reject JOB}: a person's decision at a job's approval gate. */
final class DecideCommand {
  private DecideCommand() {}

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve a job waiting for approval: it is queued. Print '<jobId> <STATE>'.")
  static final class Approve extends JobActionCommand {
    @Option(names = "--comment", paramLabel = "TEXT", description = "Kept with the approval.")
    String comment;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject();
      if (comment != null) body.put("comment", comment);
      return act("approve", body);
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true,
      description = "Reject a job waiting for approval: it ends REJECTED and nothing of it runs. Print '<jobId> <STATE>'.")
  static final class Reject extends JobActionCommand {
    @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why: kept with the job.")
    String reason;

    @Override
    public Integer call() {
      return act("reject", new JsonObject().put("reason", reason));
    }
  }
}
