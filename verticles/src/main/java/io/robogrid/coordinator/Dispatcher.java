package io.robogrid.coordinator;

import io.robogrid.core.ErrorCode;
import io.robogrid.jobs.JobEvents;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Outcome;
import io.robogrid.router.RouterAddresses;
import io.robogrid.runner.Assignment;
import io.robogrid.store.PathCacheStore;
import io.robogrid.runner.RunnerAddresses;
import io.robogrid.store.JobRecord;
import io.robogrid.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves due jobs to runners. One pass: promote jobs whose time has come, ask the router what the live runners can
 * take, claim that many jobs ({@code FOR UPDATE SKIP LOCKED}, so several coordinators never claim the same job), have
 * the router place each, and hand it to its runner. A job a runner refuses goes back to the queue without counting
 * as a failure. Passes never overlap; a wake-up during a pass runs one more pass after it. Woken by NOTIFY, runner
 * announcements and a timer for the next due job, with a slow poll as the safety net.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final DeliveryOptions TO_RUNNER = new DeliveryOptions().setSendTimeout(10_000);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final int PROMOTE_BATCH = 1000;
  /** After a pass whose jobs were refused, wait this long so a stale view of the runners cannot spin the loop. */
  private static final long REFUSED_PAUSE_MS = 200;
  /**
   * How long a pass waits for runners to answer its hand-overs. A runner answers in milliseconds; one that died
   * after the router placed work on it never does, and a pass held for its 10 s send timeout would hold every other
   * runner's work too. Answers that come later are still acted on, by the hand-over itself.
   */
  static final long HANDOVER_WAIT_MS = 1000;

  private final Vertx vertx;
  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final Clock clock;
  private final CoordinatorOptions options;
  private boolean running;
  private boolean again;
  /** The last pass left work behind for want of capacity: a runner announcing free slots is then worth a pass. */
  private boolean starved = true;
  private boolean stopped;
  private long dueTimer = -1;
  /** Hand-overs sent and not answered yet, by job: their runner's death returns them to the queue at once. */
  private final java.util.Map<java.util.UUID, JobRecord> awaiting = new java.util.HashMap<>();
  private final java.util.Map<java.util.UUID, String> awaitingNode = new java.util.HashMap<>();

  Dispatcher(Vertx vertx, JobStore store, JobLifecycle lifecycle, Clock clock, CoordinatorOptions options) {
    this.vertx = vertx;
    this.store = store;
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.options = options;
  }

  /** Asks for a pass soon; calls during a pass coalesce into one more pass. */
  void wake() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    pass().onComplete(ar -> {
      if (ar.failed()) log.warn("dispatch pass failed: {}", ar.cause().toString());
      running = false;
      long pause = ar.succeeded() ? ar.result() : 1000;
      if (again || pause > 0 && !stopped) {
        if (pause > 0) vertx.setTimer(pause, t -> wake());
        else wake();
      } else {
        scheduleNextDue();
      }
    });
  }

  /** A runner has free slots: worth a pass only if the last one was short of capacity (otherwise NOTIFY brings new work). */
  void capacityFreed() {
    if (starved) wake();
  }

  /** A runner joined or offers something new: queued jobs may have been waiting for exactly that. */
  void offerChanged() {
    wake();
  }

  void stop() {
    stopped = true;
    if (dueTimer >= 0) vertx.cancelTimer(dueTimer);
  }

  /** @return 0 when done, or a pause in ms after which to pass again (more work than one pass, or refusals) */
  private Future<Long> pass() {
    Instant now = clock.instant();
    return store.promoteDue(now, PROMOTE_BATCH)
        .compose(promoted -> {
          JobEvents.publish(vertx.eventBus(), promoted);
          return dispatchGroups(new HashSet<>(), 0L);
        })
        .recover(e -> e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture(0L) // no router on the cluster yet: nothing can be placed
            : Future.failedFuture(e));
  }

  /**
   * Claims and places one offered group at a time, asking the router again between groups: what one group took
   * changes what the next can take (a runner's job slots are shared by its plain and its scarce work).
   */
  private Future<Long> dispatchGroups(Set<String> tried, long pause) {
    return askRouter(RouterAddresses.OFFER, new JsonObject()).compose(offer -> {
      JsonArray offered = offer.getJsonArray("groups", new JsonArray());
      if (tried.isEmpty()) starved = offered.isEmpty() || offer.getBoolean("exhausted", false);
      List<JsonObject> untried = new ArrayList<>();
      for (Object g : offered) {
        JsonObject group = (JsonObject) g;
        if (!tried.contains(key(group))) untried.add(group);
      }
      if (untried.isEmpty()) return Future.succeededFuture(pause);
      JsonObject group = untried.get(0);
      tried.add(key(group));
      List<String> caps = group.getJsonArray("capabilities").stream().map(String::valueOf).toList();
      int limit = Math.min(group.getInteger("free"), options.claimBatch());
      Future<Long> claimed = claimAndPlace(limit, caps, group.getString("needs")).map(p -> Math.max(pause, p));
      // the last group needs no fresh offer after it: the usual case, one kind of runner
      return untried.size() == 1 ? claimed : claimed.compose(p -> dispatchGroups(tried, p));
    });
  }

  private static String key(JsonObject group) {
    return group.getString("needs") + "|" + group.getJsonArray("capabilities").encode();
  }

  /** Asks this node's router if it has one (its promises then hold from offer to assignment), any router otherwise. */
  private Future<JsonObject> askRouter(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, LOCAL).map(Message::body).recover(e ->
        e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? vertx.eventBus().<JsonObject>request(address, body).map(Message::body)
            : Future.failedFuture(e));
  }

  private Future<Long> claimAndPlace(int limit, List<String> caps, String needs) {
    return store.claim(limit, caps, needs, clock.instant()).compose(claims -> {
      if (claims.size() == limit) starved = true;
      if (claims.isEmpty()) return Future.succeededFuture(0L);
      claims.forEach(c -> JobEvents.publish(vertx.eventBus(), List.of(c.event())));
      JsonArray jobs = new JsonArray();
      claims.forEach(c -> jobs.add(new JsonObject().put("jobId", c.job().id.toString()).put("requires", new JsonArray(c.job().requires))));
      return askRouter(RouterAddresses.ASSIGN, new JsonObject().put("jobs", jobs)).compose(reply -> {
        JsonObject nodes = reply.getJsonObject("nodes");
        List<Future<Boolean>> sends = new ArrayList<>();
        for (var c : claims) sends.add(handOver(c.job(), nodes.getString(c.job().id.toString())));
        return Future.join(sends).timeout(HANDOVER_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS).transform(ar -> {
          // not all answered in time: a runner is slow or gone; pass again after the pause, without waiting for it
          boolean refused = sends.stream().anyMatch(f -> !f.isComplete() || f.failed() || !f.result());
          return Future.succeededFuture(refused ? REFUSED_PAUSE_MS : claims.size() == limit ? 1L : 0L);
        });
      });
    });
  }

  /** Sends the job to {@code node}; on refusal puts it back in the queue. Completes with whether the runner took it. */
  private Future<Boolean> handOver(JobRecord job, String node) {
    if (node == null) return handBack(job, "no runner can take it now").map(false);
    return Future.all(paths(job), secrets(job)).compose(f -> {
      Assignment a = new Assignment(job.id, job.attempt, job.robot, job.workflow, job.input, f.resultAt(0), f.resultAt(1),
          job.carried == null ? new JsonObject() : job.carried);
      awaiting.put(job.id, job);
      awaitingNode.put(job.id, node);
      return vertx.eventBus().request(RunnerAddresses.execute(node), a.toJson(), TO_RUNNER)
          .andThen(ar -> forget(job));
    }).map(v -> {
      returned.remove(job.id); // taken after all: its start report names an attempt that has ended, and is refused
      return true;
    }).recover(err -> {
      if (refused(err)) return handBack(job, "runner " + node + " did not take it: " + err.getMessage()).map(false);
      if (returned.remove(job.id)) return Future.succeededFuture(false); // back in the queue already: its runner left
      // no answer: the runner may have taken it after all. Leave it CLAIMED: either its "started" report arrives,
      // or the sweep requeues it (without counting a failure) once the heartbeat timeout has passed.
      log.atWarn().addKeyValue("job", job.id).log("no answer from runner {} about attempt {}: {}", node, job.attempt, err.getMessage());
      return Future.succeededFuture(false);
    });
  }

  private void forget(JobRecord job) {
    if (awaiting.remove(job.id, job)) awaitingNode.remove(job.id);
  }

  /** Jobs {@link #runnerLeft} returned to the queue whose hand-over has not failed yet. */
  private final Set<java.util.UUID> returned = new HashSet<>();

  /**
   * Runner {@code node} left the cluster: the jobs handed to it that it never answered for go back to the queue now,
   * instead of waiting out the send timeout and then the heartbeat timeout. Nothing of them can run: the runner only
   * starts steps once its "started" report is accepted, and that report names an attempt this ends.
   */
  void runnerLeft(String node) {
    List<JobRecord> gone = new ArrayList<>();
    awaitingNode.forEach((id, n) -> {
      if (n.equals(node)) gone.add(awaiting.get(id));
    });
    if (gone.isEmpty()) return;
    for (JobRecord job : gone) {
      awaiting.remove(job.id);
      awaitingNode.remove(job.id);
      returned.add(job.id);
      log.atWarn().addKeyValue("job", job.id).log("attempt {} was handed to runner {}, which left the cluster before answering", job.attempt, node);
      store.transition(job.id, job.attempt, clock.instant(), lifecycle.finish(Outcome.lost("runner " + node + " left before taking it"), clock.instant()))
          .onSuccess(r -> JobEvents.publish(vertx.eventBus(), r))
          .onFailure(e -> log.atInfo().addKeyValue("job", job.id).log("attempt {} not returned: {}", job.attempt, e.getMessage()));
    }
    wake();
  }

  /** A browser job's path cache entries (none for other jobs): a cache that cannot be read is only a slower run. */
  private Future<JsonArray> paths(JobRecord job) {
    if (!job.requires.contains(io.robogrid.grid.Capability.BROWSER)) return Future.succeededFuture(new JsonArray());
    return store.pathCache().forRobot(PathCacheStore.robotKey(job.robot, job.workflow)).otherwise(e -> {
      log.atWarn().addKeyValue("job", job.id).log("path cache not read: {}", e.getMessage());
      return new JsonArray();
    });
  }

  /** The sealed secrets the job's workflow refers to ({@code ${secret:name}}); one that does not exist fails at its step. */
  private Future<JsonObject> secrets(JobRecord job) {
    java.util.Set<String> names = io.robogrid.secrets.SecretRefs.in(job.workflow);
    if (names.isEmpty()) return Future.succeededFuture(new JsonObject());
    return store.secrets().sealed(names).map(found -> {
      JsonObject out = new JsonObject();
      found.forEach((name, sealed) -> out.put(name, sealed.toJson()));
      return out;
    });
  }

  /** Only a definite "no" (no such runner, or the runner refused) makes it safe to give the job to someone else. */
  private static boolean refused(Throwable err) {
    if (!(err instanceof ReplyException re)) return false;
    return re.failureType() == ReplyFailure.NO_HANDLERS
        || re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && (ErrorCode.fromBusCode(re.failureCode()) == ErrorCode.NO_CAPACITY || ErrorCode.fromBusCode(re.failureCode()) == ErrorCode.INVALID_REQUEST);
  }

  private Future<Void> handBack(JobRecord job, String why) {
    log.atInfo().addKeyValue("job", job.id).log("attempt {} back to the queue: {}", job.attempt, why);
    return store.transition(job.id, job.attempt, clock.instant(), lifecycle.finish(Outcome.handedBack(), clock.instant()))
        .onSuccess(r -> JobEvents.publish(vertx.eventBus(), r))
        .recover(e -> {
          log.atWarn().addKeyValue("job", job.id).log("could not hand back attempt {}: {}", job.attempt, e.getMessage());
          return Future.succeededFuture();
        }).mapEmpty();
  }

  /** A timer for the next PENDING or RETRY_WAIT job, so it starts on time without polling. */
  private void scheduleNextDue() {
    if (stopped) return;
    store.nextDueAt().onSuccess(next -> {
      if (next == null || stopped) return;
      long ms = Math.max(1, Duration.between(clock.instant(), next).toMillis());
      if (ms > options.pollInterval().toMillis()) return; // the poll will see it
      if (dueTimer >= 0) vertx.cancelTimer(dueTimer);
      dueTimer = vertx.setTimer(ms, t -> {
        dueTimer = -1;
        wake();
      });
    });
  }
}
