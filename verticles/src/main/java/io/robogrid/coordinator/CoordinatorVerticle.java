package io.robogrid.coordinator;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.jobs.JobEvents;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.store.DatabaseErrors;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator role: dispatches due jobs ({@link Dispatcher}), records what runners report ({@link ReportHandler}),
 * and gives up attempts whose runner went silent or restarted, so that their jobs are retried. Several coordinators
 * may run in a cluster: claims skip locked rows and every write is fenced by attempt number.
 */
public final class CoordinatorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private final CoordinatorOptions options;
  private final DatabaseOptions db;
  private final Clock clock;
  private final JobLifecycle lifecycle;
  private final String self;
  private final Duration staleAfter;
  private Pool pool;
  private JobStore store;
  private PgSubscriber subscriber;
  private Dispatcher dispatcher;
  private ReportHandler reports;
  private Scheduler scheduler;
  private AgentOffers agents;
  private final java.util.function.Supplier<io.robogrid.robots.RobotCatalog> robots;
  private static final long TICK_MS = 500;
  /** At most this many reports share a commit: enough for every slot of a large grid, small enough to keep a commit short. */
  private static final int REPORT_BATCH = 256;
  /** A tick this late means the process stood still. */
  private static final long STALL_NANOS = 3_000_000_000L;
  private volatile long lastTick;
  private volatile long distrustUntil;
  /** Until then (System.nanoTime) no attempt is given up by the sweep: the database was away, so heartbeats could not be written. */
  private volatile long databaseDistrustUntil;

  /**
   * @param self this node's id
   * @param staleAfter a runner not heard from for this long is not offered work
   * @param robots the current robot catalog (a supplier: a reload is seen at the next schedule pass)
   */
  public CoordinatorVerticle(CoordinatorOptions options, DatabaseOptions db, Clock clock, RandomGenerator random, String self, Duration staleAfter,
                             java.util.function.Supplier<io.robogrid.robots.RobotCatalog> robots) {
    this.robots = robots;
    this.self = self;
    this.staleAfter = staleAfter;
    this.options = options;
    this.db = db;
    this.clock = clock;
    this.lifecycle = new JobLifecycle(random);
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx);
    store = new JobStore(pool);
    dispatcher = new Dispatcher(vertx, store, lifecycle, clock, options);
    GoalPaths goals = new GoalPaths(vertx, new io.robogrid.store.GoalPathStore(pool), store, clock);
    reports = new ReportHandler(store, store.groupCommit(REPORT_BATCH), lifecycle, clock, vertx.eventBus(), goals);
    scheduler = new Scheduler(vertx, new io.robogrid.store.ScheduleStore(pool), store, robots,
        new io.robogrid.jobs.Submissions(robots, new io.robogrid.workflow.WorkflowParser(io.robogrid.workflow.StepCatalog.builtIn()), clock), clock);
    agents = new AgentOffers(vertx, new io.robogrid.store.AgentStore(pool), clock, options.agentsUnreachableAfter());
    subscriber = PgSubscriber.subscriber(vertx, db.connect()).reconnectPolicy(n -> Math.min(5_000L, 200L * (n + 1)));
    subscriber.channel(JobStore.CHANNEL).handler(payload -> dispatcher.wake());
    var bus = vertx.eventBus();
    return Future.all(List.of(
            bus.<JsonObject>consumer(CoordinatorAddresses.REPORT, this::report).completion(),
            bus.<JsonObject>consumer(CoordinatorAddresses.REPORTS, this::reportGroups).completion(),
            bus.<JsonObject>consumer(CoordinatorAddresses.HEARTBEAT, this::heartbeat).completion(),
            bus.<JsonObject>consumer(CoordinatorAddresses.RUNNER_STARTED, this::runnerStarted).completion(),
            agents.listen(),
            goals.listen(),
            new ClusterView(clock, staleAfter, new GridWatch()).follow(vertx, self),
            subscriber.connect()))
        .andThen(v -> {
          lastTick = System.nanoTime();
          vertx.setPeriodic(TICK_MS, t -> tick());
          vertx.setPeriodic(options.sweepInterval().toMillis(), t -> sweep());
          vertx.setPeriodic(options.pollInterval().toMillis(), t -> dispatcher.wake());
          vertx.setPeriodic(options.scheduleInterval().toMillis(), t -> scheduler.tick());
          Retention retention = new Retention(new io.robogrid.store.RetentionStore(pool), options.finishedJobsKept(), clock);
          vertx.setPeriodic(60_000, Retention.EVERY.toMillis(), t -> retention.round()); // a minute after start, then every 10 min
          dispatcher.wake();
        });
  }

  /**
   * Notices that this coordinator itself stood still (a long GC pause, a frozen VM or process): its timer fires
   * late. Until a heartbeat timeout has passed after that, it neither believes that members left (it was the one
   * cut off, and woke up alone) nor sweeps (the runners' heartbeats could not reach it): it lets the runners prove
   * themselves alive again first.
   */
  private void tick() {
    long now = System.nanoTime();
    long gap = now - lastTick;
    lastTick = now;
    if (gap > STALL_NANOS) {
      distrustUntil = now + options.heartbeatTimeout().toNanos();
      log.warn("this node stood still for {} ms (GC pause or frozen process?): no attempts are given up for the next {} ms",
          gap / 1_000_000, options.heartbeatTimeout().toMillis());
    }
  }

  private boolean stalled() {
    long now = System.nanoTime();
    return now - lastTick > STALL_NANOS || now < distrustUntil;
  }

  /**
   * The database could not serve a request of this coordinator: while it is away no runner's heartbeat is written,
   * so the heartbeats missing afterwards say nothing about the runners. Attempts are given up only once a whole
   * heartbeat timeout has passed since the database last failed.
   */
  private void databaseAway(Throwable e) {
    if (!DatabaseErrors.unavailable(e)) return;
    long until = System.nanoTime() + options.heartbeatTimeout().toNanos();
    if (System.nanoTime() >= databaseDistrustUntil) log.warn("the database is unavailable ({}): no attempts are given up until it has been back for {} ms",
        e.getMessage(), options.heartbeatTimeout().toMillis());
    databaseDistrustUntil = until;
  }

  private boolean databaseRecentlyAway() {
    return System.nanoTime() < databaseDistrustUntil;
  }

  /** What the coordinator does about runners coming and going. */
  private final class GridWatch implements ClusterView.Listener {
    @Override
    public void announced(ClusterView.Entry node, NodeStatus previous) {
      NodeStatus s = node.status();
      if (s.runner() == null) return;
      if (ClusterView.offerDiffers(previous, s)) dispatcher.offerChanged(); // jobs may be waiting for exactly this runner
      else if (s.runner().free() > 0) dispatcher.capacityFreed();
    }

    /** A runner that left the cluster (stopped, died, froze past the heartbeat timeout) holds nothing any more. */
    @Override
    public void left(ClusterView.Entry node, String why) {
      String id = node.status().node();
      log.info("node {} {}", id, why);
      if (node.status().runner() == null) return;
      dispatcher.runnerLeft(id);
      if (stalled()) {
        log.warn("not giving up the attempts of node {} now: this node stood still itself; the heartbeat sweep decides", id);
        return;
      }
      store.attemptsOn(id).compose(held -> loseAll(held, "node " + id + " " + why))
          .onFailure(e -> log.warn("could not give up the attempts of node {}: {}", id, e.toString()));
    }
  }

  /** First step of a graceful shutdown: claim nothing more, but keep recording what runners report. */
  public Future<Void> stopClaiming() {
    return Future.future(p -> context.runOnContext(v -> {
      dispatcher.stop();
      p.complete();
    }));
  }

  @Override
  public Future<?> stop() {
    dispatcher.stop();
    return Future.join(subscriber.close(), pool.close());
  }

  private void report(Message<JsonObject> m) {
    reports.handle(m.body()).onComplete(ar -> {
      if (ar.succeeded()) m.reply(new JsonObject());
      else fail(m, ar.cause());
    });
  }

  /** Many attempts' reports in one message: every group goes at once, so their writes share commits. */
  private void reportGroups(Message<JsonObject> m) {
    JsonArray groups = m.body() == null ? null : m.body().getJsonArray("groups");
    if (groups == null) {
      m.fail(ErrorCode.INVALID_REQUEST.busCode(), "no groups");
      return;
    }
    List<Future<ReportHandler.GroupOutcome>> all = new java.util.ArrayList<>(groups.size());
    for (Object g : groups) {
      List<JsonObject> group = new java.util.ArrayList<>();
      if (g instanceof JsonArray a) a.forEach(r -> group.add(r instanceof JsonObject o ? o : new JsonObject()));
      all.add(reports.handleGroup(group));
    }
    Future.join(all).onComplete(ar -> {
      JsonArray results = new JsonArray();
      for (Future<ReportHandler.GroupOutcome> f : all) {
        ReportHandler.GroupOutcome o = f.result();
        JsonObject r = new JsonObject().put("accepted", o.accepted());
        if (o.failure() != null) r.put("code", codeOf(m, o.failure()).busCode()).put("message", o.failure().getMessage());
        results.add(r);
      }
      m.reply(new JsonObject().put("results", results));
    });
  }

  private static JsonArray asked(Map<UUID, io.robogrid.store.ReportStore.Ask> alive, io.robogrid.store.ReportStore.Ask what) {
    return new JsonArray(alive.entrySet().stream().filter(e -> e.getValue() == what).map(e -> e.getKey().toString()).toList());
  }

  private void heartbeat(Message<JsonObject> m) {
    String node = m.body().getString("node");
    Map<UUID, Integer> attempts = new HashMap<>();
    m.body().getJsonObject("attempts", new JsonObject()).forEach(e -> attempts.put(UUID.fromString(e.getKey()), ((Number) e.getValue()).intValue()));
    store.reports().heartbeat(node, attempts, clock.instant()).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(new JsonObject().put("alive", new JsonArray(ar.result().keySet().stream().map(UUID::toString).toList()))
            .put("cancel", asked(ar.result(), io.robogrid.store.ReportStore.Ask.CANCEL)).put("pause", asked(ar.result(), io.robogrid.store.ReportStore.Ask.PAUSE)));
      }
      else fail(m, ar.cause());
    });
  }

  /** A runner (re)started: it holds nothing now, so whatever the store says it held is lost. */
  private void runnerStarted(Message<JsonObject> m) {
    String node = m.body().getString("node");
    store.attemptsOn(node).compose(held -> loseAll(held, "node " + node + " restarted")).onComplete(ar -> {
      if (ar.succeeded()) m.reply(new JsonObject().put("lost", ar.result()));
      else fail(m, ar.cause());
    });
  }

  /**
   * Gives up attempts with no heartbeat within the timeout: their runner died or hangs. Not while this node stood
   * still, nor soon after the database was away (see {@link #databaseAway}).
   */
  private void sweep() {
    if (stalled() || databaseRecentlyAway()) {
      if (databaseRecentlyAway()) store.nextDueAt().onFailure(this::databaseAway); // a probe: is it still away?
      return;
    }
    Instant cutoff = clock.instant().minus(options.heartbeatTimeout());
    store.staleAttempts(cutoff)
        .compose(stale -> loseAll(stale, "no heartbeat for " + options.heartbeatTimeout().toMillis() + " ms"))
        .onFailure(e -> {
          databaseAway(e);
          if (!DatabaseErrors.unavailable(e)) log.warn("sweep for lost attempts failed: {}", e.toString());
        });
    expireApprovals();
    agents.sweep();
  }

  /** Jobs nobody approved before their approval deadline are rejected (any coordinator may do it: the move is guarded). */
  private void expireApprovals() {
    Instant now = clock.instant();
    store.approvalsExpired(now, 100).compose(ids -> {
      List<Future<Void>> all = new java.util.ArrayList<>();
      for (UUID id : ids) {
        all.add(store.transition(id, null, now, lifecycle.reject(now, "approvalTimeout", "not approved before its approval deadline", true))
            .map(r -> {
              log.atInfo().addKeyValue("job", id).log("not approved in time: rejected");
              JobEvents.publish(vertx.eventBus(), r);
              return (Void) null;
            }).otherwiseEmpty()); // decided meanwhile by a person or another coordinator
      }
      return Future.all(all);
    }).onFailure(e -> log.warn("expiring approvals failed: {}", e.toString()));
  }

  private Future<Integer> loseAll(Map<UUID, Integer> attempts, String why) {
    List<Future<Void>> all = new java.util.ArrayList<>();
    attempts.forEach((job, attempt) -> {
      log.atWarn().addKeyValue("job", job).log("attempt {} lost: {}", attempt, why);
      Instant now = clock.instant();
      all.add(store.transition(job, attempt, now, lifecycle.finish(Outcome.lost(why), now))
          .map(r -> {
            JobEvents.publish(vertx.eventBus(), r);
            return (Void) null;
          })
          .recover(e -> e instanceof RoboGridException re && re.code() == ErrorCode.STALE_ATTEMPT ? Future.succeededFuture() : Future.failedFuture(e)));
    });
    return Future.all(all).map(v -> attempts.size());
  }

  /**
   * Answers a runner's request that failed. A database that is away is UNAVAILABLE: the runner keeps its report and
   * its attempt and tries again, since nobody can have given the attempt to another node meanwhile.
   */
  private void fail(Message<?> m, Throwable e) {
    m.fail(codeOf(m, e).busCode(), e.getMessage());
  }

  private ErrorCode codeOf(Message<?> m, Throwable e) {
    ErrorCode code = e instanceof RoboGridException re ? re.code() : ErrorCode.INTERNAL;
    if (code == ErrorCode.INTERNAL && DatabaseErrors.unavailable(e)) {
      databaseAway(e);
      code = ErrorCode.UNAVAILABLE;
    }
    if (code == ErrorCode.INTERNAL) log.warn("request on {} failed: {}", m.address(), e.toString());
    return code;
  }
}
