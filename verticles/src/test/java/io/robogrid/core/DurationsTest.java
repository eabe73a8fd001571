package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void shortUnitsParseToTheirValue() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
  }

  @Test
  void compoundUnitsAreSummed() {
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofMillis(2_250), Durations.parse("2s250ms"));
  }

  @Test
  void surroundingSpaceAndUpperCaseAreAccepted() {
    assertEquals(Duration.ofMinutes(90), Durations.parse(" 1H30M "));
  }

  @Test
  void isoDurationsAreAcceptedInAnyCase() {
    assertEquals(Duration.ofSeconds(5), Durations.parse("PT5S"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("pt5s"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
  }

  @Test
  void zeroIsAValidDuration() {
    assertEquals(Duration.ZERO, Durations.parse("0s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "five seconds", "5 s", "5x", "1h 30m", "-5s", "s", "5s-"})
  void malformedTextIsRejectedWithAHelpfulMessage(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "' is not a duration"), e.getMessage());
    assertTrue(e.getMessage().contains("500ms") && e.getMessage().contains("PT5S"), "message shows examples: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void blankTextIsRejectedAsEmpty(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals("empty duration", e.getMessage());
  }

  @Test
  void nullIsRejectedAsEmpty() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    assertEquals("empty duration", e.getMessage());
  }

  @Test
  void negativeIsoDurationIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT-5S"));
    assertEquals("negative duration 'PT-5S'", e.getMessage());
  }

  /** Callers (FieldReader, Submissions) only catch IllegalArgumentException: an overflow must not escape as anything else. */
  @ParameterizedTest
  @ValueSource(strings = {"9999999999999999h", "9999999999999999d", "99999999999999999999s"})
  void overflowingAmountsAreRejectedAsIllegalArgumentsNamingTheText(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertTrue(e.getMessage().contains(text), "message names the input: " + e.getMessage());
  }

  @Test
  void formatPicksTheLargestWholeUnit() {
    assertEquals("2h", Durations.format(Duration.ofHours(2)));
    assertEquals("24h", Durations.format(Duration.ofDays(1)));
    assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
    assertEquals("5s", Durations.format(Duration.ofSeconds(5)));
    assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
    assertEquals("0ms", Durations.format(Duration.ZERO));
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "5s", "2m", "1h", "90m", "1500ms"})
  void formatOutputParsesBackToTheSameDuration(String text) {
    Duration d = Durations.parse(text);
    assertEquals(d, Durations.parse(Durations.format(d)));
  }
}
