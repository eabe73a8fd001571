package io.robogrid.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.robogrid.store.GridReads;
import io.robogrid.store.OutboxReads;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grid's backlog as PostgreSQL has it: unfinished jobs by state, queued jobs by required capability, agent work
 * waiting, the notifier's outbox by state. Read by {@link #refresh} on a timer and kept; a scrape only reads what was
 * kept, so scrapes cost the database nothing and a slow database never holds a scrape up. Every node with the
 * database shows the same grid-wide values (take {@code max} across them, not {@code sum}).
 */
final class DatabaseGauges {
  /** Notification states, shown at 0 when none are in them, so that an alert on FAILED has a series to watch. */
  private static final List<String> NOTIFICATION_STATES = List.of("PENDING", "SENDING", "SENT", "FAILED", "HELD");

  private final GridReads grid;
  private final OutboxReads outbox;
  private final MultiGauge byState;
  private final MultiGauge byCapability;
  private final MultiGauge agentWork;
  private final MultiGauge notifications;
  private final Timer refreshes;
  private final Labels capabilities = new Labels(100);
  private final Labels agentCapabilities = new Labels(100);

  DatabaseGauges(MeterRegistry registry, GridReads grid, OutboxReads outbox) {
    this.grid = grid;
    this.outbox = outbox;
    byState = MultiGauge.builder("robogrid.queue.jobs").description("Unfinished jobs by state (grid-wide, from PostgreSQL)").register(registry);
    byCapability = MultiGauge.builder("robogrid.queue.queued.by.capability")
        .description("Queued jobs by a capability they require (grid-wide; a job requiring two counts under each)").register(registry);
    agentWork = MultiGauge.builder("robogrid.agent.work").description("Agent work not done yet, by capability and state (OPEN: waiting for an agent)")
        .register(registry);
    notifications = MultiGauge.builder("robogrid.notifier.outbox").description("The notifier's outbox by state").register(registry);
    refreshes = Timer.builder("robogrid.metrics.refresh").description("Reads of the database gauges: how long they take").register(registry);
  }

  /** Reads everything again; on failure the last values stay (and the failure is the caller's to log). */
  Future<Long> refresh() {
    long t0 = System.nanoTime();
    Future<JsonObject> depth = grid.queueDepth();
    Future<Map<String, Map<String, Long>>> agents = outbox.agentWork();
    Future<Map<String, Long>> sent = outbox.notifications();
    return Future.all(depth, agents, sent).map(v -> {
      List<MultiGauge.Row<?>> states = new ArrayList<>();
      depth.result().getJsonObject("byState").forEach(e -> states.add(row(Tags.of("state", e.getKey()), e.getValue())));
      byState.register(states, true);
      Map<String, Long> caps = new java.util.TreeMap<>();
      depth.result().getJsonObject("queuedByCapability").forEach(e -> caps.merge(capabilities.of(e.getKey(), "none"), ((Number) e.getValue()).longValue(), Long::sum));
      byCapability.register(caps.entrySet().stream().<MultiGauge.Row<?>>map(e -> row(Tags.of("capability", e.getKey()), e.getValue())).toList(), true);
      Map<List<String>, Long> work = new java.util.TreeMap<>(java.util.Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
      agents.result().forEach((cap, byWorkState) -> byWorkState.forEach((st, n) -> work.merge(List.of(agentCapabilities.of(cap, "none"), st), n, Long::sum)));
      agentWork.register(work.entrySet().stream().<MultiGauge.Row<?>>map(e -> row(Tags.of("capability", e.getKey().get(0), "state", e.getKey().get(1)),
          e.getValue())).toList(), true);
      List<MultiGauge.Row<?>> outboxRows = new ArrayList<>();
      for (String st : NOTIFICATION_STATES) outboxRows.add(row(Tags.of("state", st), sent.result().getOrDefault(st, 0L)));
      sent.result().forEach((st, n) -> {
        if (!NOTIFICATION_STATES.contains(st)) outboxRows.add(row(Tags.of("state", st), n));
      });
      notifications.register(outboxRows, true);
      long took = System.nanoTime() - t0;
      refreshes.record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
      return took / 1_000_000;
    });
  }

  private static MultiGauge.Row<?> row(Tags tags, Object value) {
    return MultiGauge.Row.of(tags, ((Number) value).doubleValue());
  }
}
