package io.robogrid.runner;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.coordinator.Reports;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries the reports of all of a node's attempts to the coordinators, many attempts to a message
 * ({@link CoordinatorAddresses#REPORTS}). The window adapts as the coordinators' shared commit does: at most
 * {@link #MAX_IN_FLIGHT} messages are out at a time and what becomes ready meanwhile goes in the next one, so an idle
 * node sends a report at once (one event-loop turn later, which lets the reports a step produced in one go travel
 * together) and a busy one sends one message for dozens of attempts instead of one per report.
 *
 * <p>Each {@link AttemptReporter} has at most one group out at a time, so one attempt's reports stay in order. Not
 * thread-safe: used on the runner's event loop.
 */
final class ReportBatcher {
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(5_000);
  /** Two messages out: one being written while the next one's reports pile up. */
  static final int MAX_IN_FLIGHT = 2;
  /** Reports in one message: a commit of this many writes stays short. */
  static final int MAX_REPORTS = 256;
  /** An artifact's bytes count this much towards a message's size; past it the message goes as it is. */
  private static final int MAX_BYTES = 1 << 20;

  private final Vertx vertx;
  private final Context context;
  private final ArrayDeque<AttemptReporter> ready = new ArrayDeque<>();
  private int inFlight;
  private boolean flushScheduled;
  private long messages;
  private long reports;

  ReportBatcher(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  /** {@code reporter} has reports to send and none out: it goes in a coming message. */
  void ready(AttemptReporter reporter) {
    ready.add(reporter);
    schedule();
  }

  /** Messages sent and reports carried, for the logs and the bench. */
  long messages() {
    return messages;
  }

  long reports() {
    return reports;
  }

  private void schedule() {
    if (flushScheduled || inFlight >= MAX_IN_FLIGHT || ready.isEmpty()) return;
    flushScheduled = true;
    context.runOnContext(v -> {
      flushScheduled = false;
      while (inFlight < MAX_IN_FLIGHT && !ready.isEmpty()) sendOne();
    });
  }

  private void sendOne() {
    List<AttemptReporter> from = new ArrayList<>();
    List<List<AttemptReporter.Pending>> groups = new ArrayList<>();
    JsonArray body = new JsonArray();
    int count = 0;
    long bytes = 0;
    while (!ready.isEmpty() && count < MAX_REPORTS && bytes < MAX_BYTES) {
      AttemptReporter r = ready.poll();
      List<AttemptReporter.Pending> group = r.take(MAX_REPORTS - count);
      if (group.isEmpty()) { // it went stale meanwhile and has nothing to send
        r.delivered(group, 0, 0, null);
        continue;
      }
      JsonArray reportsOfGroup = new JsonArray(new ArrayList<>(group.size()));
      for (AttemptReporter.Pending p : group) {
        reportsOfGroup.add(p.report());
        if (Reports.ARTIFACT.equals(p.report().getString("type"))) bytes += p.report().getString("data", "").length();
      }
      from.add(r);
      groups.add(group);
      body.add(reportsOfGroup);
      count += group.size();
    }
    if (groups.isEmpty()) return;
    inFlight++;
    messages++;
    reports += count;
    long sent = System.nanoTime();
    vertx.eventBus().<JsonObject>request(CoordinatorAddresses.REPORTS, new JsonObject().put("groups", body), DELIVERY).onComplete(ar -> {
      inFlight--;
      JsonArray results = ar.succeeded() ? ar.result().body().getJsonArray("results") : null;
      for (int i = 0; i < groups.size(); i++) {
        if (ar.failed()) {
          from.get(i).delivered(groups.get(i), sent, 0, ar.cause());
          continue;
        }
        JsonObject result = results != null && i < results.size() ? results.getJsonObject(i) : new JsonObject();
        int accepted = result.getInteger("accepted", 0);
        ReplyException refusal = result.containsKey("code")
            ? new ReplyException(ReplyFailure.RECIPIENT_FAILURE, result.getInteger("code"), result.getString("message"))
            : accepted < groups.get(i).size() ? new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, "no answer for this group") : null;
        from.get(i).delivered(groups.get(i), sent, accepted, refusal);
      }
      schedule();
    });
  }
}
