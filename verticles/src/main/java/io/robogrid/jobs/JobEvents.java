package io.robogrid.jobs;

import io.robogrid.store.JobEvent;
import io.vertx.core.eventbus.EventBus;
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
}
