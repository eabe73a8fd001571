package io.robogrid.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Load against a running node ({@code scripts/bench} starts one): no-op jobs through the whole path (HTTP submit →
 * PostgreSQL → claim → runner → reports → SUCCEEDED), completion seen on the WebSocket stream.
 * Usage: {@code LoadBench <url> <jobs for throughput> <jobs for latency> <concurrency>}.
 */
public final class LoadBench {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
  private final Set<String> succeeded = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> doneNanos = new ConcurrentHashMap<>();

  private LoadBench(String url) {
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    LoadBench b = new LoadBench(args[0]);
    int throughputJobs = Integer.parseInt(args[1]);
    int latencyJobs = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    b.listen();
    b.throughput(200, concurrency, false); // warm-up: JIT, connection pools, prepared statements
    b.throughput(throughputJobs, concurrency, true);
    b.latency(latencyJobs);
  }

  private void listen() throws Exception {
    http.newWebSocketBuilder().buildAsync(URI.create(url.replace("http", "ws") + "/api/v1/stream"), new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          JsonObject e = new JsonObject(partial.toString());
          partial.setLength(0);
          JsonObject d = e.getJsonObject("data");
          if ("job.state".equals(e.getString("type")) && d != null && d.getString("to", "").matches("SUCCEEDED|FAILED|CANCELLED")) {
            String id = e.getString("jobId");
            if ("SUCCEEDED".equals(d.getString("to"))) succeeded.add(id);
            doneNanos.put(id, System.nanoTime());
            CountDownLatch l = waiting.remove(id);
            if (l != null) l.countDown();
          }
        }
        ws.request(1);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<String> submit() {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"robot\":\"noop\"}")).header("content-type", "application/json").build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 201) throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
      return new JsonObject(r.body()).getString("id");
    });
  }

  private void throughput(int jobs, int concurrency, boolean report) throws Exception {
    Semaphore inFlight = new Semaphore(concurrency);
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(jobs);
    long t0 = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      inFlight.acquire();
      submit().whenComplete((id, err) -> {
        inFlight.release();
        if (err != null) {
          System.err.println("submit failed: " + err);
          all.countDown();
          return;
        }
        ids.add(id);
        CountDownLatch l = new CountDownLatch(1);
        waiting.put(id, l);
        if (doneNanos.containsKey(id)) waiting.remove(id); // finished before we started waiting
        CompletableFuture.runAsync(() -> {
          try {
            if (!doneNanos.containsKey(id)) l.await(120, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          all.countDown();
        });
      });
    }
    long submitted = System.nanoTime();
    if (!all.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("jobs did not finish in time");
    long end = ids.stream().mapToLong(id -> doneNanos.getOrDefault(id, System.nanoTime())).max().orElse(System.nanoTime());
    long ok = ids.stream().filter(succeeded::contains).count();
    if (report) {
      double secs = (end - t0) / 1e9;
      System.out.printf("throughput: %d no-op jobs (%d concurrent submitters) in %.2f s = %.0f jobs/s end to end; submits took %.2f s; %d succeeded%n",
          jobs, concurrency, secs, jobs / secs, (submitted - t0) / 1e9, ok);
    }
  }

  private void latency(int jobs) throws Exception {
    List<Double> startMs = new ArrayList<>(), e2eMs = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      long t0 = System.nanoTime();
      String id = submit().get(30, TimeUnit.SECONDS);
      CountDownLatch l = new CountDownLatch(1);
      waiting.put(id, l);
      if (!doneNanos.containsKey(id)) l.await(30, TimeUnit.SECONDS);
      e2eMs.add((doneNanos.getOrDefault(id, System.nanoTime()) - t0) / 1e6);
      ids.add(id);
      Thread.sleep(20); // an idle system between jobs: this measures latency, not queueing
    }
    for (String id : ids) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs/" + id)).build(), HttpResponse.BodyHandlers.ofString());
      JsonObject j = new JsonObject(r.body());
      startMs.add(Duration.between(Instant.parse(j.getString("createdAt")), Instant.parse(j.getString("startedAt"))).toNanos() / 1e6);
    }
    System.out.printf("submit-to-start (server clock, created -> runner started): median %.1f ms, p99 %.1f ms over %d jobs%n",
        pct(startMs, 50), pct(startMs, 99), jobs);
    System.out.printf("submit-to-done (client: POST sent -> SUCCEEDED on the stream): median %.1f ms, p99 %.1f ms%n", pct(e2eMs, 50), pct(e2eMs, 99));
  }

  private static double pct(List<Double> values, int p) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
  }
}
