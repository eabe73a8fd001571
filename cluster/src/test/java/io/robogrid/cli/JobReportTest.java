package io.robogrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class JobReportTest {
  private static final JsonObject FAILED = new JsonObject("""
      {"id": "j1", "state": "FAILED", "attempt": 2, "maxAttempts": 3,
       "startedAt": "2030-01-01T10:00:00.000Z", "finishedAt": "2030-01-01T10:00:01.500Z",
       "error": {"code": "STEP_FAILED", "message": "boom", "step": "fetch"},
       "steps": {"fetch": {"state": "FAILED", "attempts": 3, "durationMs": 40},
                 "save": {"state": "PENDING", "attempts": 0}}}""");

  @Test
  void summaryShowsTheOutcomeThenOneLinePerStep() {
    StringWriter text = new StringWriter();
    JobReport.summary(FAILED, new PrintWriter(text, true));
    assertEquals(String.join(System.lineSeparator(),
        "state     FAILED",
        "attempt   2 of 3",
        "duration  1500ms",
        "error     STEP_FAILED: boom (step fetch)",
        "",
        "STEP   STATE    ATTEMPTS  DURATION_MS",
        "fetch  FAILED   3         40",
        "save   PENDING  0         -",
        ""), text.toString());
  }

  @Test
  void headlineIsIdAndState() {
    assertEquals("j1 FAILED", JobWatch.headline(FAILED));
    assertEquals("j2 RUNNING (cancel requested)",
        JobWatch.headline(new JsonObject().put("id", "j2").put("state", "RUNNING").put("cancelRequested", true)));
  }

  @Test
  void timesAreShownToTheSecond() {
    assertEquals("2030-01-01T10:00:01Z", JobReport.time("2030-01-01T10:00:01.987654Z"));
  }
}
