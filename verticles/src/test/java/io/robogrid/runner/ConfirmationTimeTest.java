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
    vertx.eventBus().<JsonObject>consumer(CoordinatorAddresses.REPORTS, m -> vertx.setTimer(LATE_MS,
        t -> m.reply(new JsonObject().put("results", new JsonArray().add(new JsonObject().put("accepted", 1))))));
    java.util.concurrent.CompletableFuture<AttemptReporter> made = new java.util.concurrent.CompletableFuture<>();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> made.complete(new AttemptReporter(vertx, new ReportBatcher(vertx, context), UUID.randomUUID().toString(), () -> {})));
    AttemptReporter reporter = made.get(10, TimeUnit.SECONDS);
    long before = System.nanoTime();
    java.util.concurrent.CompletableFuture<Void> accepted = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> reporter.send(new JsonObject().put("type", "started")).onComplete(ar -> accepted.complete(null)));
    accepted.get(10, TimeUnit.SECONDS);
    long read = System.nanoTime();
    assertTrue(reporter.acceptedSentAt() >= before && read - reporter.acceptedSentAt() >= TimeUnit.MILLISECONDS.toNanos(LATE_MS),
        "confirmed as of " + (read - reporter.acceptedSentAt()) / 1_000_000 + " ms before the answer was read");
  }

  /**
   * A runner frozen after a step began (its page opening, its request being built) wakes with the step's work still
   * ahead. Found by {@code scripts/chaos runner-freeze}: a browser step that had started just before the freeze made
   * its page request 19.5 s after the attempt had been given up. Here the attempt is confirmed when the step starts
   * and unconfirmed for 15 s right after: the request must not go out, and the run ends as lost.
   */
  @Test
  void aStepDoesNotActForAnAttemptNobodyConfirmsAnyMore(Vertx vertx) throws Exception {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.http.HttpServer site = vertx.createHttpServer().requestHandler(r -> {
      requests.incrementAndGet();
      r.response().end("ok");
    });
    int port = site.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    io.robogrid.workflow.Problems problems = new io.robogrid.workflow.Problems();
    io.robogrid.workflow.Workflow wf = new io.robogrid.workflow.WorkflowParser(io.robogrid.workflow.StepCatalog.builtIn()).parse(new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("id", "effect").put("type", "http").put("with", new JsonObject().put("url", "http://127.0.0.1:" + port + "/")))),
        "workflow", java.util.Set.of(), problems);
    assertTrue(problems.isEmpty(), problems.items().toString());
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    StepExecutors executors = new StepExecutors(Map.of("http", new io.robogrid.runner.steps.HttpStep(io.vertx.ext.web.client.WebClient.create(vertx))));
    java.util.concurrent.CompletableFuture<io.robogrid.jobs.Outcome> outcome = new java.util.concurrent.CompletableFuture<>();
    vertx.runOnContext(v -> new WorkflowRun(vertx, java.time.Clock.systemUTC(), java.util.random.RandomGenerator.getDefault(), executors, UUID.randomUUID(), 1, wf,
        new JsonObject(), Duration.ofMinutes(1), new WorkflowRun.Listener() {
          public void stepStarted(String step, int tries, java.time.Instant at) {}
          public void stepFinished(String step, String state, int tries, JsonObject output, JsonObject error, java.time.Instant s, java.time.Instant f) {}
          public void stepLog(String step, String level, String message) {}
        }, Map.of())
        .withVouch(() -> asked.getAndIncrement() == 0 ? null : Duration.ofSeconds(15)) // confirmed at the step's start, then frozen
        .start().onComplete(ar -> outcome.complete(ar.result())));
    io.robogrid.jobs.Outcome o = outcome.get(10, TimeUnit.SECONDS);
    Thread.sleep(300);
    assertTrue(o.kind() == io.robogrid.jobs.Outcome.Kind.LOST, "ended " + o.kind() + ": " + o.error());
    assertTrue(requests.get() == 0, requests.get() + " requests reached the site");
  }

  @Test
  void aHeartbeatAnswerVouchesAsOfTheBeat(Vertx vertx) throws Exception {
    UUID job = UUID.randomUUID();
    vertx.eventBus().<JsonObject>consumer(CoordinatorAddresses.HEARTBEAT, m -> vertx.setTimer(LATE_MS,
        t -> m.reply(new JsonObject().put("alive", new JsonArray().add(job.toString())).put("cancel", new JsonArray()))));
    ActiveAttempt attempt = new ActiveAttempt(1, new AttemptReporter(vertx, new ReportBatcher(vertx, vertx.getOrCreateContext()), job.toString(), () -> {}), java.util.List.of());
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
