package io.robogrid.cli;

import picocli.CommandLine.Command;

/**
 * {@code robogrid cancel}: asks the server to cancel a job. A running job stops at its runner shortly after, so the
 * state printed may still be RUNNING, marked "(cancel requested)".
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job; print '<jobId> <STATE>'.")
final class CancelCommand extends JobActionCommand {
  @Override
  public Integer call() {
    return act("cancel", null);
  }
}
