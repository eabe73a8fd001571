package io.robogrid.cli;

/**
 * A failure the user must see as one line on stderr with a given exit code, never as a stack trace.
 * Thrown from deep inside a command (the HTTP client, the wait loop) so that commands need no error plumbing.
 */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
