package io.robogrid.cli;

import picocli.CommandLine.Command;

/**
 * {@code robogrid pause|resume JOB}: holds a job without losing it, and lets it go on. A running job stops at its next
 * step boundary, so the state printed may still be RUNNING, marked "(pause requested)".
 */
final class PauseCommand {
  private PauseCommand() {}

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause a job: held at once, or at its next step boundary if running; its progress is kept. Print '<jobId> <STATE>'.")
  static final class Pause extends JobActionCommand {
    @Override
    public Integer call() {
      return act("pause", null);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resume a paused job: it goes on from the steps that had not succeeded. Print '<jobId> <STATE>'.")
  static final class Resume extends JobActionCommand {
    @Override
    public Integer call() {
      return act("resume", null);
    }
  }
}
