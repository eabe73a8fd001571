package io.robogrid.coordinator;

import io.robogrid.core.ErrorCode;
import io.robogrid.runner.RunnerAddresses;
import io.robogrid.store.AgentStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of pull-mode agents: records the work {@code agent} steps offer (runners have no database),
 * answers a step that checks on its work, and sweeps: a claim not kept alive past its expiry is lost and the work
 * offered again; work whose attempt ended without withdrawing it is withdrawn; work no agent offering its capability
 * was heard from for {@code agents.unreachableAfter} is told to its step, which shows its job blocked (AGENT_UNREACHABLE).
 */
final class AgentOffers {
  private static final Logger log = LoggerFactory.getLogger(AgentOffers.class);

  private final EventBus bus;
  private final AgentStore store;
  private final Clock clock;
  private final java.time.Duration unreachableAfter;

  AgentOffers(Vertx vertx, AgentStore store, Clock clock, java.time.Duration unreachableAfter) {
    this.bus = vertx.eventBus();
    this.store = store;
    this.clock = clock;
    this.unreachableAfter = unreachableAfter;
  }

  Future<Void> listen() {
    return Future.all(bus.<JsonObject>consumer(CoordinatorAddresses.AGENT_OFFER, this::offer).completion(),
        bus.<JsonObject>consumer(CoordinatorAddresses.AGENT_WITHDRAW, this::withdraw).completion(),
        bus.<JsonObject>consumer(CoordinatorAddresses.AGENT_CHECK, this::check).completion()).mapEmpty();
  }

  private void offer(Message<JsonObject> m) {
    JsonObject b = m.body();
    AgentStore.Key key = AgentStore.Key.fromJson(b);
    String capability = b.getString("capability");
    store.offer(key, capability, b.getJsonObject("parameters", new JsonObject()), b.getString("node"), clock.instant()).onComplete(ar -> {
      if (ar.failed()) {
        log.warn("recording the agent work of job {} step {} failed: {}", key.jobId(), key.step(), ar.cause().toString());
        m.fail(ErrorCode.UNAVAILABLE.busCode(), "the offer could not be recorded: " + ar.cause().getMessage());
      } else if (!ar.result()) {
        m.fail(ErrorCode.STALE_ATTEMPT.busCode(), "attempt " + key.jobAttempt() + " of job " + key.jobId() + " is not running");
      } else {
        m.reply(new JsonObject());
        bus.publish(CoordinatorAddresses.AGENT_WORK_OPEN, new JsonObject().put("capability", capability));
      }
    });
  }

  private void withdraw(Message<JsonObject> m) {
    AgentStore.Key key = AgentStore.Key.fromJson(m.body());
    store.withdraw(key, m.body().getString("reason", "the step ended"), clock.instant())
        .onFailure(e -> log.warn("withdrawing the agent work of job {} step {} failed (the sweep will): {}", key.jobId(), key.step(), e.toString()));
  }

  private void check(Message<JsonObject> m) {
    store.find(AgentStore.Key.fromJson(m.body())).onComplete(ar -> {
      if (ar.failed()) {
        m.fail(ErrorCode.UNAVAILABLE.busCode(), ar.cause().getMessage());
        return;
      }
      AgentStore.Work w = ar.result();
      m.reply(w == null ? new JsonObject() : new JsonObject().put("state", w.state()).put("attempt", w.handout()).put("agent", w.agent())
          .put("outcome", w.outcome()));
    });
  }

  /** Reopens lapsed claims (telling the waiting step, and waking agents) and withdraws work nobody waits for. */
  void sweep() {
    Instant now = clock.instant();
    store.expireClaims(now).onSuccess(lost -> {
      Set<String> open = new TreeSet<>();
      for (AgentStore.Work w : lost) {
        log.atWarn().addKeyValue("job", w.key().jobId()).log("agent {} lost its claim on step {} (attempt {}): no heartbeat in time; offered again",
            w.agent(), w.key().step(), w.handout());
        bus.send(RunnerAddresses.agent(w.node()), w.key().toJson().put("type", "lost").put("agent", w.agent()).put("attempt", w.handout()));
        open.add(w.capability());
      }
      open.forEach(c -> bus.publish(CoordinatorAddresses.AGENT_WORK_OPEN, new JsonObject().put("capability", c)));
    }).onFailure(e -> log.warn("sweep for lapsed agent claims failed: {}", e.toString()));
    store.withdrawOrphans(now).onFailure(e -> log.warn("sweep for orphaned agent work failed: {}", e.toString()));
    // told again on every sweep until the job shows blocked: the step may not have had the first message
    store.unreachable(now.minus(unreachableAfter), 100).onSuccess(works -> {
      for (AgentStore.Work w : works) {
        bus.send(RunnerAddresses.agent(w.node()), w.key().toJson().put("type", "unreachable").put("capability", w.capability())
            .put("afterMs", unreachableAfter.toMillis()));
      }
    }).onFailure(e -> log.warn("sweep for agent work nobody takes failed: {}", e.toString()));
  }
}
