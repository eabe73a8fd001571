package io.robogrid.store;

import io.robogrid.core.JobState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A validated submission, ready to be stored: WAITING_APPROVAL when its robot requires approval ({@code approval} is
 * then its gate: {@code {deadline}} or empty), else QUEUED when due now, PENDING when {@code runAt} is later.
 */
public record NewJob(UUID id, String robot, JsonObject workflow, JsonObject input, JsonObject request, List<String> requires,
                     int priority, int maxAttempts, Instant runAt, UUID rerunOf, JsonObject approval) {

  public NewJob(UUID id, String robot, JsonObject workflow, JsonObject input, JsonObject request, List<String> requires,
                int priority, int maxAttempts, Instant runAt, UUID rerunOf) {
    this(id, robot, workflow, input, request, requires, priority, maxAttempts, runAt, rerunOf, null);
  }

  JobState initialState(Instant now) {
    if (approval != null) return JobState.WAITING_APPROVAL;
    return runAt.isAfter(now) ? JobState.PENDING : JobState.QUEUED;
  }
}
