package io.robogrid.cli;

/** The exit codes scripts rely on; listed in the usage footer of {@code robogrid}. */
final class ExitCodes {
  static final int OK = 0;
  /** The job the command waited for ended FAILED, CANCELLED or REJECTED. */
  static final int JOB_FAILED = 1;
  /** Bad arguments; also picocli's own code for them. */
  static final int USAGE = 2;
  /** The server understood the request and refused it: the same code as a usage error, since the fix is in the command line. */
  static final int API_ERROR = 2;
  static final int UNREACHABLE = 3;
  static final int TIMED_OUT = 4;

  private ExitCodes() {}
}
