package io.robogrid.jobs;

import io.robogrid.metrics.MetricsAddresses;
import io.robogrid.store.JobEvent;
import io.robogrid.store.JobRecord;
import io.robogrid.store.TransitionResult;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The cluster-wide feed of job events. Whoever writes an event row publishes it here after the commit; the web
 * role's stream and, later, the notifier listen. Delivery is best effort: a client that missed some catches up
 * from the table by sequence number.
 */
public final class JobEvents {
  public static final String ADDRESS = "robogrid.jobs.events";

  private JobEvents() {}

  public static void publish(EventBus bus, List<JobEvent> events) {
    for (JobEvent e : events) bus.publish(ADDRESS, e.toJson());
  }

  /**
   * A committed transition's events, and, when it created the job or ended it, a summary for this node's meters
   * ({@link MetricsAddresses#JOB_WRITTEN}): this node wrote it, so this node alone counts it.
   */
  public static void publish(EventBus bus, TransitionResult r) {
    if (r == null) return;
    publish(bus, r.events());
    written(bus, r);
  }

  /** Only the meters' summary of {@link #publish(EventBus, TransitionResult)}, for a writer that publishes the events itself. */
  public static void written(EventBus bus, TransitionResult r) {
    if (r.events().isEmpty() || !JobEvent.JOB_STATE.equals(r.events().get(0).type())) return;
    JsonObject data = r.events().get(0).data();
    JobRecord job = r.job();
    String from = data == null ? null : data.getString("from");
    if (from != null && !job.state.isTerminal()) return;
    bus.publish(MetricsAddresses.JOB_WRITTEN, new JsonObject().put("robot", job.robot).put("from", from).put("to", job.state.name())
        .put("createdAt", ms(job.createdAt)).put("startedAt", ms(job.startedAt)).put("finishedAt", ms(job.finishedAt)), MetricsAddresses.LOCAL);
  }

  private static Long ms(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }
}
