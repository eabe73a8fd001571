package io.robogrid.store;

import io.robogrid.core.JobState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A validated submission, ready to be stored: QUEUED when due now, PENDING when {@code runAt} is later. */
public record NewJob(UUID id, String robot, JsonObject workflow, JsonObject input, JsonObject request, List<String> requires,
                     int priority, int maxAttempts, Instant runAt, UUID rerunOf) {

  JobState initialState(Instant now) {
    return runAt.isAfter(now) ? JobState.PENDING : JobState.QUEUED;
  }
}
