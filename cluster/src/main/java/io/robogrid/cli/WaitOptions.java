package io.robogrid.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --wait} and {@code --timeout}, shared by the commands that start a job. */
final class WaitOptions {
  @Option(names = "--wait", description = "Follow the job until it ends, then print a summary.")
  boolean wait;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long --wait waits, like 500ms, 5s, 2m or 1h (default: ${DEFAULT-VALUE}).")
  Duration timeout;
}
