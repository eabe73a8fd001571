package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.jobs.JobEvents;
import io.robogrid.store.JobEvent;
import io.robogrid.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stream} upgraded to a WebSocket: every job event as one JSON text message
 * ({@code seq, jobId, attempt, type, at, data}). {@code ?job=<id>} keeps one job's; {@code ?after=<seq>} first replays
 * the stored events after that sequence number, then goes live without a gap or a duplicate. A client too slow to
 * keep up is closed with code 4008 and its last sequence number in the reason, so that it reconnects with {@code after}.
 * Streams not filtered by job also carry {@code node.joined} and {@code node.left} (see {@link GridEvents}); lease
 * events ({@code lease.taken}, {@code lease.released}) are job events like the others.
 */
final class EventStream {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  /** Local: grid events ({@code node.joined}, {@code node.left}) as this web node sees them, for its own clients. */
  static final String GRID_ADDRESS = "robogrid.local.web.grid-events";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final int REPLAY_PAGE = 1000;
  private static final int REPLAYED_KEPT = 5000;

  private final Vertx vertx;
  private final JobStore store;

  EventStream(Vertx vertx, JobStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  void handle(RoutingContext ctx) {
    UUID job;
    String jobParam = Params.one(ctx, "job");
    try {
      job = jobParam == null || jobParam.isEmpty() ? null : UUID.fromString(jobParam);
    } catch (IllegalArgumentException e) {
      throw RoboGridException.invalidRequest("job: '" + jobParam + "' is not a job id");
    }
    String afterParam = Params.one(ctx, "after");
    long after = afterParam == null || afterParam.isEmpty() ? -1 : Params.longParam(ctx, "after", -1);
    if (!ctx.request().canUpgradeToWebSocket()) {
      throw new RoboGridException(ErrorCode.INVALID_REQUEST, "this endpoint is a WebSocket: connect with an Upgrade request");
    }
    handshake(ctx);
    ctx.request().toWebSocket().onSuccess(ws -> new Session(ws, job, after).start())
        .onFailure(e -> log.warn("WebSocket upgrade failed: {}", e.toString()));
  }

  /**
   * Refuses a handshake Vert.x would refuse with a bare 400 or 426 (RFC 6455 4.2.1): version 13, and a key that is
   * 16 bytes in base64. Refused here, the answer is in the API's error shape.
   */
  private static void handshake(RoutingContext ctx) {
    String version = ctx.request().getHeader("Sec-WebSocket-Version");
    if (!"13".equals(version)) {
      ctx.response().putHeader("Sec-WebSocket-Version", "13");
      throw RoboGridException.invalidRequest("Sec-WebSocket-Version: only 13 is spoken here");
    }
    String key = ctx.request().getHeader("Sec-WebSocket-Key");
    byte[] nonce;
    try {
      nonce = key == null ? null : java.util.Base64.getDecoder().decode(key.strip());
    } catch (IllegalArgumentException e) {
      nonce = null;
    }
    if (nonce == null || nonce.length != 16) throw RoboGridException.invalidRequest("Sec-WebSocket-Key: must be 16 random bytes in base64");
  }

  /**
   * Turns this node's view of the grid into stream events: {@code {"type": "node.joined"|"node.left", "at", "data"}},
   * without a sequence number (they are not stored, so not replayed) and only on streams not filtered by job.
   */
  static final class GridEvents implements ClusterView.Listener {
    private final EventBus bus;
    private final Clock clock;

    GridEvents(EventBus bus, Clock clock) {
      this.bus = bus;
      this.clock = clock;
    }

    @Override
    public void joined(ClusterView.Entry node) {
      NodeStatus s = node.status();
      JsonObject data = new JsonObject().put("node", s.node()).put("host", s.host()).put("roles", new JsonArray(s.roles()))
          .put("joinedAt", s.joinedAt().toString());
      if (s.runner() != null) data.put("capabilities", new JsonArray(s.runner().names()));
      bus.publish(GRID_ADDRESS, event("node.joined", data), LOCAL);
    }

    @Override
    public void left(ClusterView.Entry node, String why) {
      bus.publish(GRID_ADDRESS, event("node.left", new JsonObject().put("node", node.status().node()).put("reason", why)), LOCAL);
    }

    private JsonObject event(String type, JsonObject data) {
      return new JsonObject().put("type", type).put("at", clock.instant().toString()).put("data", data);
    }
  }

  private final class Session {
    final ServerWebSocket ws;
    final UUID job;
    final long after;
    final List<JobEvent> buffered = new ArrayList<>();
    /**
     * Sequence numbers already sent from the table, so the live copies of the same events are not sent twice. A set,
     * not a high-water mark: transactions commit out of sequence order, so a lower number can still arrive live.
     * Only the latest few thousand are kept; events older than that are no longer in flight.
     */
    final java.util.LinkedHashSet<Long> replayed = new java.util.LinkedHashSet<>();
    boolean replaying;
    long highest;
    MessageConsumer<JsonObject> consumer;
    MessageConsumer<JsonObject> gridConsumer;

    Session(ServerWebSocket ws, UUID job, long after) {
      this.ws = ws;
      this.job = job;
      this.after = after;
      this.highest = after;
      this.replaying = after >= 0;
    }

    void start() {
      consumer = vertx.eventBus().consumer(JobEvents.ADDRESS, m -> {
        JobEvent e = JobEvent.fromJson(m.body());
        if (job != null && !job.equals(e.jobId())) return;
        if (replaying) buffered.add(e);
        else send(e);
      });
      if (job == null) {
        gridConsumer = vertx.eventBus().localConsumer(GRID_ADDRESS, m -> {
          if (!replaying && !ws.isClosed() && !ws.writeQueueFull()) ws.writeTextMessage(m.body().encode());
        });
      }
      ws.closeHandler(v -> {
        consumer.unregister();
        if (gridConsumer != null) gridConsumer.unregister();
      });
      if (replaying) consumer.completion().compose(v -> replay(after)).onComplete(ar -> {
        if (ar.failed()) {
          log.warn("stream replay failed: {}", ar.cause().toString());
          ws.close((short) 1011, "replay failed");
          return;
        }
        replaying = false;
        buffered.sort(Comparator.comparingLong(JobEvent::seq));
        buffered.forEach(this::send);
        buffered.clear();
      });
    }

    /** Pages through the stored events after {@code from}; events published meanwhile wait in {@link #buffered}. */
    Future<Void> replay(long from) {
      return store.events(from, job, REPLAY_PAGE).compose(page -> {
        page.forEach(e -> {
          send(e);
          replayed.add(e.seq());
          if (replayed.size() > REPLAYED_KEPT) replayed.remove(replayed.iterator().next());
        });
        return page.size() == REPLAY_PAGE ? replay(page.get(page.size() - 1).seq()) : Future.succeededFuture();
      });
    }

    void send(JobEvent e) {
      if (ws.isClosed() || e.seq() <= after || replayed.contains(e.seq())) return;
      if (ws.writeQueueFull()) {
        ws.close((short) 4008, "too slow; reconnect with after=" + highest);
        return;
      }
      highest = Math.max(highest, e.seq());
      ws.writeTextMessage(JobsApi.encode(e.toJson()));
    }
  }
}
