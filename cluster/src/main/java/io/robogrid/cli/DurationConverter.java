package io.robogrid.cli;

import io.robogrid.core.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --timeout} in the same notation as the server's configuration ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}). */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
    if (d.isZero() || d.isNegative()) throw new TypeConversionException("must be longer than zero");
    return d;
  }
}
