package io.robogrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsTheUnitsOfTheContract() {
    assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
    assertEquals(Duration.ofSeconds(5), converter.convert("5s"));
    assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
    assertEquals(Duration.ofHours(1), converter.convert("1h"));
  }

  @Test
  void refusesWhatIsNotALongerThanZeroDuration() {
    assertThrows(TypeConversionException.class, () -> converter.convert("5x"));
    assertThrows(TypeConversionException.class, () -> converter.convert("ten seconds"));
    assertThrows(TypeConversionException.class, () -> converter.convert("0s"));
  }
}
