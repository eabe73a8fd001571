package io.robogrid.coordinator;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Settings of the coordinator role, from the {@code coordinator} section of the node config.
 *
 * @param heartbeatTimeout an attempt with no heartbeat for this long is lost and its job retried
 * @param sweepInterval how often to look for lost attempts
 * @param pollInterval the slow fallback poll; LISTEN/NOTIFY and runner announcements wake the dispatcher sooner
 * @param claimBatch at most this many jobs are claimed in one statement
 * @param scheduleInterval how often robot schedules are looked at (their finest grain: a cron with seconds needs 1s)
 */
public record CoordinatorOptions(Duration heartbeatTimeout, Duration sweepInterval, Duration pollInterval, int claimBatch,
                                 Duration scheduleInterval) {

  public static CoordinatorOptions fromJson(JsonObject j) {
    j = j == null ? new JsonObject() : j;
    int batch = j.getInteger("claimBatch", 64);
    if (batch < 1 || batch > 1000) throw new IllegalArgumentException("coordinator.claimBatch: must be from 1 to 1000, not " + batch);
    return new CoordinatorOptions(Durations.setting(j, "coordinator", "heartbeatTimeout", "10s"),
        Durations.setting(j, "coordinator", "sweepInterval", "2s"), Durations.setting(j, "coordinator", "pollInterval", "5s"), batch,
        Durations.setting(j, "coordinator", "scheduleInterval", "1s"));
  }

}
