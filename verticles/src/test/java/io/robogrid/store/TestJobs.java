package io.robogrid.store;

import io.robogrid.core.JobState;
import io.robogrid.workflow.RetryPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds {@link JobRecord}s for tests outside this package (its constructor is package-private). */
public final class TestJobs {
  private TestJobs() {}

  /** A job in {@code state} whose workflow carries {@code retry} and whose maxAttempts is the policy's. */
  public static JobRecord job(JobState state, RetryPolicy retry) {
    JsonObject workflow = new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("id", "a").put("type", "set")))
        .put("retry", retry.toJson());
    JobRecord j = new JobRecord(UUID.randomUUID(), "robot", 0, retry.maxAttempts(), workflow, new JsonObject(), new JsonObject(),
        List.of(), Instant.parse("2030-01-01T00:00:00Z"), null);
    j.state = state;
    j.attempt = 1;
    if (state.isActive()) {
      j.node = "runner-1";
      j.heartbeatAt = Instant.parse("2030-01-01T00:00:01Z");
    }
    return j;
  }
}
