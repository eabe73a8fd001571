package io.robogrid.grid;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Deployed on every node: announces the node ({@link NodeStatus}) every {@code interval}, when a node says hello, and
 * whenever its runner's load changes, so that every router, coordinator and web node has a current picture.
 */
public final class PresenceVerticle extends VerticleBase implements Consumer<RunnerStatus> {
  private final String node;
  private final String clusterId;
  private final String host;
  private final List<String> roles;
  private final String version;
  private final Instant joinedAt;
  private final Duration interval;
  private final Clock clock;
  private final Instant startedAt;
  private volatile RunnerStatus runner;
  private volatile JsonObject load = new JsonObject();
  /** A runner change within this long of the last announcement waits for the next one, which it joins. */
  private static final long COALESCE_MS = 20;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile long lastAnnounced = System.nanoTime() - COALESCE_MS * 1_000_000;

  /** @param runner the runner's state until it reports its own, or null for a node without the runner role */
  public PresenceVerticle(String node, String clusterId, String host, List<String> roles, String version, Instant startedAt,
                          Instant joinedAt, Duration interval, Clock clock, RunnerStatus runner) {
    this.runner = runner;
    this.node = node;
    this.clusterId = clusterId;
    this.host = host;
    this.roles = List.copyOf(roles);
    this.version = version;
    this.startedAt = startedAt;
    this.joinedAt = joinedAt;
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    load = measureLoad();
    return vertx.eventBus().<JsonObject>consumer(GridAddresses.HELLO, m -> announce()).completion().andThen(v -> {
      vertx.setPeriodic(interval.toMillis(), t -> {
        load = measureLoad();
        announce();
      });
      announce();
    });
  }

  /**
   * The runner's new state, announced at once since routers place work by it; under load, changes within
   * {@link #COALESCE_MS} of the last announcement go out together in one. Safe from any thread.
   */
  @Override
  public void accept(RunnerStatus status) {
    runner = status;
    if (vertx == null || !pending.compareAndSet(false, true)) return;
    long wait = COALESCE_MS - (System.nanoTime() - lastAnnounced) / 1_000_000;
    if (wait <= 0) {
      pending.set(false);
      announce();
    } else {
      // the timer belongs to this verticle, not to the caller's (which may be undeploying)
      context.runOnContext(v -> vertx.setTimer(wait, t -> {
        pending.set(false);
        announce();
      }));
    }
  }

  public NodeStatus status() {
    return new NodeStatus(node, clusterId, host, roles, version, startedAt, joinedAt, clock.instant(), load, runner);
  }

  private void announce() {
    lastAnnounced = System.nanoTime();
    vertx.eventBus().publish(GridAddresses.NODE_STATUS, status().toJson());
  }

  private static JsonObject measureLoad() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    JsonObject j = new JsonObject().put("cpus", os.getAvailableProcessors())
        .put("systemLoad", round(os.getSystemLoadAverage()))
        .put("heapUsedMb", heap.getUsed() >> 20).put("heapMaxMb", heap.getMax() >> 20);
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) j.put("processCpu", round(Math.max(0, sun.getProcessCpuLoad())));
    return j;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

}
