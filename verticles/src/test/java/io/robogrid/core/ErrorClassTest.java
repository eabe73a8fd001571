package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorClassTest {

  @ParameterizedTest
  @ValueSource(strings = {"RATE_LIMITED", "rate_limited", "rate-limited", "Rate-Limited", "  RATE-LIMITED  "})
  void fromNameIgnoresCaseDashesAndSurroundingSpace(String name) {
    assertEquals(ErrorClass.RATE_LIMITED, ErrorClass.fromName(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "rate limited", "RATELIMITED", "nope"})
  void fromNameReturnsNullForUnknownNames(String name) {
    assertNull(ErrorClass.fromName(name));
  }

  @Test
  void fromNameReturnsNullForNull() {
    assertNull(ErrorClass.fromName(null));
  }

  @ParameterizedTest
  @EnumSource(value = ErrorClass.class, names = {"ELEMENT_NOT_FOUND", "PAGE_TIMEOUT", "RATE_LIMITED", "HTTP_5XX",
      "CONNECTION_FAILED", "LEASE_BUSY", "STEP_TIMEOUT", "JOB_TIMEOUT", "NODE_LOST", "UNKNOWN"})
  void transientFailuresAreRecoverable(ErrorClass c) {
    assertTrue(c.recoverable(), c.name());
  }

  @ParameterizedTest
  @EnumSource(value = ErrorClass.class, names = {"INVALID_URL", "ACCESS_DENIED", "UNEXPECTED_STATUS", "BAD_WORKFLOW",
      "BAD_REFERENCE", "FAILED", "CANCELLED", "SITE_DOWN", "LOOP_DETECTED", "MAX_STEPS_EXCEEDED"})
  void deterministicFailuresAreNotRecoverable(ErrorClass c) {
    assertFalse(c.recoverable(), c.name());
  }

  @Test
  void stepFailureOfAnUnclassifiedThrowableIsUnknownAndRecoverable() {
    StepFailure f = StepFailure.of(new IllegalStateException("boom"));
    assertEquals(ErrorClass.UNKNOWN, f.errorClass());
    assertEquals("boom", f.getMessage());
    assertTrue(f.recoverable());
  }

  @Test
  void stepFailureJsonRoundTripKeepsClassAndMessage() {
    StepFailure f = new StepFailure(ErrorClass.INVALID_URL, "bad url");
    JsonObject j = f.toJson();
    assertEquals(new JsonObject().put("code", "INVALID_URL").put("message", "bad url").put("recoverable", false), j);
    StepFailure back = StepFailure.fromJson(j);
    assertEquals(ErrorClass.INVALID_URL, back.errorClass());
    assertEquals("bad url", back.getMessage());
  }

  @Test
  void stepFailureFromJsonWithAnUnknownCodeIsUnknown() {
    assertEquals(ErrorClass.UNKNOWN, StepFailure.fromJson(new JsonObject().put("code", "WHATEVER")).errorClass());
  }

  @Test
  void aCrashedBrowserNeedsANewAttemptNotAnotherTryOfTheStep() {
    org.junit.jupiter.api.Assertions.assertTrue(ErrorClass.BROWSER_CRASHED.recoverable());
    org.junit.jupiter.api.Assertions.assertFalse(ErrorClass.BROWSER_CRASHED.retriesWithinAttempt());
    org.junit.jupiter.api.Assertions.assertTrue(ErrorClass.ELEMENT_NOT_FOUND.retriesWithinAttempt());
    org.junit.jupiter.api.Assertions.assertFalse(ErrorClass.INVALID_URL.retriesWithinAttempt());
  }
}
