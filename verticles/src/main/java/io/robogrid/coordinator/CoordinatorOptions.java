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
 * @param finishedJobsKept finished jobs (with their events and artifacts) are removed this long after they finished
 *     ({@code retention.finishedJobs}, default 30 days)
 * @param agentsUnreachableAfter agent work that waited this long while no agent offering its capability was heard from
 *     marks its job blocked as AGENT_UNREACHABLE ({@code agents.unreachableAfter}, default 30 minutes)
 */
public record CoordinatorOptions(Duration heartbeatTimeout, Duration sweepInterval, Duration pollInterval, int claimBatch,
                                 Duration scheduleInterval, Duration finishedJobsKept, Duration agentsUnreachableAfter) {

  public static CoordinatorOptions fromJson(JsonObject j) {
    return fromJson(j, null);
  }

  /** @param retention the {@code retention} section of the node config */
  public static CoordinatorOptions fromJson(JsonObject j, JsonObject retention) {
    return fromJson(j, retention, null);
  }

  /** @param agents the {@code agents} section of the node config */
  public static CoordinatorOptions fromJson(JsonObject j, JsonObject retention, JsonObject agents) {
    j = j == null ? new JsonObject() : j;
    Duration unreachable = Durations.setting(agents == null ? new JsonObject() : agents, "agents", "unreachableAfter", "30m");
    if (unreachable.toMillis() < 100) throw new IllegalArgumentException("agents.unreachableAfter: must be at least 100ms, not " + unreachable);
    Duration kept = Durations.setting(retention == null ? new JsonObject() : retention, "retention", "finishedJobs", "30d");
    if (kept.compareTo(Duration.ofMinutes(1)) < 0) throw new IllegalArgumentException("retention.finishedJobs: must be at least 1m, not " + kept);
    int batch = j.getInteger("claimBatch", 64);
    if (batch < 1 || batch > 1000) throw new IllegalArgumentException("coordinator.claimBatch: must be from 1 to 1000, not " + batch);
    return new CoordinatorOptions(Durations.setting(j, "coordinator", "heartbeatTimeout", "10s"),
        Durations.setting(j, "coordinator", "sweepInterval", "2s"), Durations.setting(j, "coordinator", "pollInterval", "5s"), batch,
        Durations.setting(j, "coordinator", "scheduleInterval", "1s"), kept, unreachable);
  }

}
