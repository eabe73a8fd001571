package io.robogrid.runner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A coordinator's answer vouches for an attempt as of the moment the runner asked, not the moment it read the
 * answer. Found by {@code scripts/chaos runner-freeze}: a runner frozen right after sending an attempt's start read
 * the acceptance 15 s later, when it woke, took it for a fresh confirmation and ran a step of an attempt that had
 * meanwhile been given to the other node. Here the coordinator answers 600 ms late, as a frozen reader sees it.
 */
@ExtendWith(VertxExtension.class)
class ConfirmationTimeTest {
  private static final long LATE_MS = 600;

  @Test
  void anAcceptedReportVouchesAsOfItsSending(Vertx vertx) throws Exception {
    vertx.eventBus().<JsonObject>consumer(CoordinatorAddresses.REPORT, m -> vertx.setTimer(LATE_MS, t -> m.reply(new JsonObject())));
    AttemptReporter reporter = new AttemptReporter(vertx, UUID.randomUUID().toString(), () -> {});
    long before = System.nanoTime();
    reporter.send(new JsonObject().put("type", "started")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long read = System.nanoTime();
    assertTrue(reporter.acceptedSentAt() >= before && read - reporter.acceptedSentAt() >= TimeUnit.MILLISECONDS.toNanos(LATE_MS),
        "confirmed as of " + (read - reporter.acceptedSentAt()) / 1_000_000 + " ms before the answer was read");
  }

  @Test
  void aHeartbeatAnswerVouchesAsOfTheBeat(Vertx vertx) throws Exception {
    UUID job = UUID.randomUUID();
    vertx.eventBus().<JsonObject>consumer(CoordinatorAddresses.HEARTBEAT, m -> vertx.setTimer(LATE_MS,
        t -> m.reply(new JsonObject().put("alive", new JsonArray().add(job.toString())).put("cancel", new JsonArray()))));
    ActiveAttempt attempt = new ActiveAttempt(1, new AttemptReporter(vertx, job.toString(), () -> {}), java.util.List.of());
    attempt.started = true;
    attempt.confirmedAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(5); // last confirmed long ago
    Map<UUID, ActiveAttempt> active = new HashMap<>(Map.of(job, attempt));
    Heartbeats beats = new Heartbeats(vertx, "node-1", Duration.ofSeconds(30), active, new HashMap<>());
    long before = System.nanoTime();
    vertx.runOnContext(v -> beats.beat());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (attempt.confirmedAt < before && System.nanoTime() < deadline) Thread.sleep(20);
    long read = System.nanoTime();
    assertTrue(attempt.confirmedAt >= before, "the answer was not taken as a confirmation");
    assertTrue(read - attempt.confirmedAt >= TimeUnit.MILLISECONDS.toNanos(LATE_MS - 50),
        "confirmed as of " + (read - attempt.confirmedAt) / 1_000_000 + " ms before the answer was read: dated by its reading");
  }
}
