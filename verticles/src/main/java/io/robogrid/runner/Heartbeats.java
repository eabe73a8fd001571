package io.robogrid.runner;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.core.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a runner's attempts alive with the coordinators, and stops those no coordinator confirms: each beat names
 * the attempts that run (and those whose final report is still on its way); the answer says which are still this
 * node's and which were cancelled. Used on the runner's event loop only.
 */
final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  private final Vertx vertx;
  private final String node;
  private final Duration selfFenceAfter;
  private final Map<UUID, ActiveAttempt> active;
  private final Map<UUID, Integer> finishing;

  /**
   * @param finishing attempts whose run ended but whose final report is not in yet: still RUNNING for the coordinators,
   *     so they are beaten for too (a report held up must not get them declared lost)
   */
  Heartbeats(Vertx vertx, String node, Duration selfFenceAfter, Map<UUID, ActiveAttempt> active, Map<UUID, Integer> finishing) {
    this.vertx = vertx;
    this.node = node;
    this.selfFenceAfter = selfFenceAfter;
    this.active = active;
    this.finishing = finishing;
  }

  void beat() {
    JsonObject attempts = new JsonObject();
    finishing.forEach((id, attempt) -> attempts.put(id.toString(), attempt));
    active.forEach((id, e) -> {
      if (e.started && (e.run == null || !e.run.isDone())) attempts.put(id.toString(), e.attempt);
    });
    if (attempts.isEmpty()) return;
    // an answer vouches for the attempts as of the beat's sending: read after a freeze, it is that old
    long sent = System.nanoTime();
    vertx.eventBus().<JsonObject>request(CoordinatorAddresses.HEARTBEAT, new JsonObject().put("node", node).put("attempts", attempts))
        .onSuccess(reply -> {
          JsonArray alive = reply.body().getJsonArray("alive", new JsonArray());
          JsonArray cancel = reply.body().getJsonArray("cancel", new JsonArray());
          JsonArray pause = reply.body().getJsonArray("pause", new JsonArray());
          for (String id : attempts.fieldNames()) {
            ActiveAttempt e = active.get(UUID.fromString(id));
            if (!alive.contains(id)) ActiveAttempt.stopStale(active, UUID.fromString(id), attempts.getInteger(id));
            else if (e != null && e.attempt == attempts.getInteger(id)) {
              e.confirmedAt = Math.max(e.confirmedAt, sent);
              // repeats a cancel whose direct message may have arrived before the run began
              if (cancel.contains(id)) e.cancel("cancelled by request");
              else if (pause.contains(id)) e.pause(); // the same for a pause
            }
          }
        })
        .onFailure(e -> {
          if (databaseAway(e)) {
            // a coordinator is there but cannot write: while the database is away no attempt can be given to
            // another node, so this node goes on with its attempts (and the coordinators wait for its heartbeats
            // once the database is back before they give any up)
            for (String id : attempts.fieldNames()) {
              ActiveAttempt a = active.get(UUID.fromString(id));
              if (a != null && a.attempt == attempts.getInteger(id)) a.confirmedAt = Math.max(a.confirmedAt, sent);
            }
            log.warn("heartbeat for {} attempts not recorded: the database is unavailable; the attempts go on", attempts.size());
          } else {
            log.warn("heartbeat for {} attempts not delivered: {}", attempts.size(), e.getMessage());
          }
        })
        .onComplete(ar -> selfFence());
  }

  /** A coordinator answered, and what it said is that its database cannot be reached. */
  static boolean databaseAway(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ErrorCode.fromBusCode(re.failureCode()) == ErrorCode.UNAVAILABLE;
  }

  /**
   * Stops attempts no coordinator has confirmed for {@code selfFenceAfter}: cut off from them, this node cannot know
   * whether they were given to another node, and two nodes must not keep working on one job.
   */
  private void selfFence() {
    long limit = selfFenceAfter.toNanos();
    long now = System.nanoTime();
    List.copyOf(active.entrySet()).forEach(e -> {
      ActiveAttempt a = e.getValue();
      if (a.running() && now - a.confirmedAt > limit) {
        log.atWarn().addKeyValue("job", e.getKey()).log("no coordinator confirmed attempt {} for {} ms: stopping it", a.attempt, (now - a.confirmedAt) / 1_000_000);
        a.run.abandon("node " + node + " lost contact with the coordinators");
      }
    });
  }
}
