package io.robogrid.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks ask of a running node: submit jobs, read them back, and learn when each one ends from the
 * node's WebSocket stream (exact client-side end times, and no polling load on the node being measured).
 */
public final class NodeClient {
  /** How a job ended, and when the client saw it ({@link System#nanoTime()}). */
  record Done(String state, long nanos) {
    boolean succeeded() {
      return "SUCCEEDED".equals(state);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The API token: ROBOGRID_TOKEN (a node started by scripts/bench), else the one the bench gave its own nodes. */
  private static final String TOKEN = System.getenv("ROBOGRID_TOKEN") != null ? System.getenv("ROBOGRID_TOKEN") : BenchNodes.ADMIN_TOKEN;
  private final String url;
  // completed by the stream, awaited by callers; whichever comes first creates the entry, so no end is missed
  private final Map<String, CompletableFuture<Done>> ends = new ConcurrentHashMap<>();

  public NodeClient(String url) {
    this.url = url;
  }

  String url() {
    return url;
  }

  /** Follows {@code /api/v1/stream} from now on: call it before submitting the jobs to wait for. */
  NodeClient listen() throws Exception {
    http.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN).buildAsync(URI.create(url.replace("http", "ws") + "/api/v1/stream"), new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          JsonObject e = new JsonObject(partial.toString());
          partial.setLength(0);
          JsonObject d = e.getJsonObject("data");
          if ("job.state".equals(e.getString("type")) && d != null && d.getString("to", "").matches("SUCCEEDED|FAILED|CANCELLED")) {
            end(e.getString("jobId")).complete(new Done(d.getString("to"), System.nanoTime()));
          }
        }
        ws.request(1);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    return this;
  }

  /** Completes when the stream says the job ended; {@link #listen()} must have been called before it was submitted. */
  CompletableFuture<Done> done(String id) {
    return end(id);
  }

  private CompletableFuture<Done> end(String id) {
    return ends.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  /** Submits a job (a JSON request as {@code POST /api/v1/jobs} takes it) and answers its id. */
  public String submit(String body) throws Exception {
    return created(http.send(post(body), HttpResponse.BodyHandlers.ofString()));
  }

  CompletableFuture<String> submitAsync(String body) {
    return http.sendAsync(post(body), HttpResponse.BodyHandlers.ofString()).thenApply(NodeClient::created);
  }

  /** Submits {@code body} ({@code {"jobs": [...]}}) to {@code POST /api/v1/jobs:batch}; answers the jobs' ids in order. */
  CompletableFuture<List<String>> submitBatchAsync(String body) {
    return http.sendAsync(post("/api/v1/jobs:batch", body), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 201) throw new IllegalStateException("batch submit answered " + r.statusCode() + ": " + r.body());
      return new JsonObject(r.body()).getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getString("id")).toList();
    });
  }

  private HttpRequest post(String body) {
    return post("/api/v1/jobs", body);
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").build();
  }

  private static String created(HttpResponse<String> r) {
    if (r.statusCode() != 201) throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body()).getString("id");
  }

  public JsonObject job(String id) throws Exception {
    return get("/api/v1/jobs/" + id);
  }

  public JsonObject get(String path) throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** Waits for {@code /health} to answer 200: the node is up. */
  public void awaitHealth(Duration within) throws Exception {
    await(() -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    }, within);
  }

  static void await(Check check, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("not within " + within);
      Thread.sleep(10);
    }
  }

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** The nearest-rank percentile {@code p} of {@code values}. */
  static double pct(List<Double> values, int p) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * s.size()) - 1)));
  }
}
