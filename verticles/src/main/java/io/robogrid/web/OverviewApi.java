package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.core.Durations;
import io.robogrid.core.RoboGridException;
import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.grid.RunnerStatus;
import io.robogrid.store.GridReads;
import io.robogrid.store.OverviewStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/overview?window=1h}: what the dashboard's overview draws. Jobs finished per bucket by outcome,
 * queue depth samples, per robot success rate and median duration, all over the window; and the busiest
 * capabilities now with what waits for each. Answers are kept {@link #FRESH} per window, so that dashboards
 * polling together cost the database one read between them.
 */
final class OverviewApi {
  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  static final Duration MIN_WINDOW = Duration.ofMinutes(5);
  static final Duration MAX_WINDOW = QueueSampler.KEPT;
  /** At most this many buckets in a chart: a day is drawn in 24-minute bars, an hour in minutes. */
  static final int MAX_BUCKETS = 60;
  static final int ROBOTS = 50;
  static final int CAPABILITIES = 12;
  static final int NEXT_PER_CAPABILITY = 3;
  static final Duration FRESH = Duration.ofSeconds(3);
  static final List<String> OUTCOMES = List.of("SUCCEEDED", "FAILED", "CANCELLED", "REJECTED");

  private final OverviewStore store;
  private final GridReads grid;
  private final ClusterView view;
  private final Clock clock;
  private final Map<Duration, Cached> cache = new java.util.HashMap<>();

  private record Cached(Instant at, Future<JsonObject> answer) {}

  OverviewApi(OverviewStore store, GridReads grid, ClusterView view, Clock clock) {
    this.store = store;
    this.grid = grid;
    this.view = view;
    this.clock = clock;
  }

  void mount(ApiRoutes api) {
    api.get("/overview", Role.VIEWER, ctx -> JobsApi.answer(ctx, 200, cached(window(ctx))));
  }

  /** {@code window}: a duration from 5m to 1d (default 1h); anything else is {@code INVALID_REQUEST}. */
  static Duration window(RoutingContext ctx) {
    String s = Params.one(ctx, "window");
    if (s == null || s.isBlank()) return DEFAULT_WINDOW;
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException e) {
      throw RoboGridException.invalidRequest("window: " + e.getMessage());
    }
    if (d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0) throw RoboGridException.invalidRequest("window: must be from 5m to 1d");
    return d;
  }

  private Future<JsonObject> cached(Duration window) {
    Instant now = clock.instant();
    Cached c = cache.get(window);
    if (c != null && c.at.plus(FRESH).isAfter(now) && !c.answer.failed()) return c.answer;
    Future<JsonObject> answer = overview(window, now);
    cache.put(window, new Cached(now, answer));
    return answer;
  }

  /** The bucket length for a window: a whole number of minutes, so that a bucket holds whole queue samples. */
  static int bucketSeconds(Duration window) {
    long minutes = (window.toMinutes() + MAX_BUCKETS - 1) / MAX_BUCKETS;
    return (int) Math.max(1, minutes) * 60;
  }

  Future<JsonObject> overview(Duration window, Instant now) {
    int bucket = bucketSeconds(window);
    // the last bucket is the one running now; the first starts so that there are window / bucket of them
    long last = Math.floorDiv(now.getEpochSecond(), bucket) * bucket;
    long count = Math.max(1, window.getSeconds() / bucket);
    Instant from = Instant.ofEpochSecond(last - (count - 1) * bucket);
    Instant to = now.plusMillis(1);
    Future<Map<Long, Map<String, Long>>> finished = store.finishedPerBucket(from, to, bucket);
    Future<JsonArray> robots = store.robots(from, to, ROBOTS);
    Future<JsonArray> samples = store.samples(from, to);
    Future<JsonObject> depth = grid.queueDepth();
    Future<List<OverviewStore.Next>> next = store.nextQueued(NEXT_PER_CAPABILITY);
    return Future.all(List.of(finished, robots, samples, depth, next)).map(v -> {
      JsonArray buckets = new JsonArray();
      for (long b = last - (count - 1) * bucket; b <= last; b += bucket) {
        Map<String, Long> byState = finished.result().getOrDefault(b, Map.of());
        JsonObject o = new JsonObject().put("at", Instant.ofEpochSecond(b).toString());
        OUTCOMES.forEach(st -> o.put(st, byState.getOrDefault(st, 0L)));
        buckets.add(o);
      }
      return new JsonObject().put("now", now.toString()).put("window", window.toString()).put("from", from.toString())
          .put("bucketSeconds", bucket).put("outcomes", new JsonArray(OUTCOMES))
          .put("finished", buckets)
          .put("queue", new JsonObject().put("sampledEvery", "PT1M").put("samples", samples.result()).put("now", depth.result()))
          .put("robots", robots.result())
          .put("capabilities", capabilities(depth.result(), next.result()));
    });
  }

  /**
   * The capabilities with the most demand (queued plus running), each with its live runners' use and the queued jobs
   * next in line for it (claim order: priority, then due time).
   */
  private JsonArray capabilities(JsonObject depth, List<OverviewStore.Next> next) {
    JsonObject queued = depth.getJsonObject("queuedByCapability", new JsonObject());
    List<String> capped = depth.getJsonObject("capped", new JsonObject()).getJsonArray("queuedByCapability", new JsonArray()).stream()
        .map(String::valueOf).toList();
    Map<String, long[]> use = new TreeMap<>(); // name → {runners, used, total (0: bounded by slots only)}
    for (NodeStatus s : view.liveRunners()) {
      for (RunnerStatus.Use u : s.runner().capabilities()) {
        long[] a = use.computeIfAbsent(u.name(), k -> new long[3]);
        a[0]++;
        a[1] += u.used();
        a[2] += u.total();
      }
    }
    java.util.Set<String> names = new java.util.TreeSet<>(use.keySet());
    names.addAll(queued.fieldNames());
    List<JsonObject> rows = new ArrayList<>();
    for (String name : names) {
      long[] a = use.getOrDefault(name, new long[3]);
      long waiting = queued.getLong(name, 0L);
      List<JsonObject> first = next.stream().filter(n -> n.requires().contains(name))
          .sorted(Comparator.comparingInt(OverviewStore.Next::priority).reversed().thenComparing(OverviewStore.Next::runAt))
          .limit(NEXT_PER_CAPABILITY).map(OverviewStore.Next::toJson).toList();
      JsonObject row = new JsonObject().put("name", name).put("queued", waiting).put("queuedCapped", capped.contains(name))
          .put("running", a[1]).put("runners", a[0]).put("total", a[2] == 0 ? null : a[2]).put("next", new JsonArray(first));
      rows.add(row);
    }
    rows.sort(Comparator.<JsonObject>comparingLong(r -> r.getLong("queued") + r.getLong("running")).reversed()
        .thenComparing(r -> r.getString("name")));
    return new JsonArray(new ArrayList<>(rows.subList(0, Math.min(CAPABILITIES, rows.size()))));
  }
}
