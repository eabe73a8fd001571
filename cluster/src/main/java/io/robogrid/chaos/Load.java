package io.robogrid.chaos;

import io.robogrid.bench.BenchNodes;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The steady stream of mixed jobs a scenario runs under: {@code jobs} submissions at {@code perSecond}, spread over
 * the API addresses {@code urls} gives (those of the live web nodes). Every 201 is recorded with the job's id, kind
 * and key: those are the jobs the grid promised to run. A submission that got no 201 (node down, 503 while the
 * database is away, a timeout) is not the grid's promise and is tried again as a new job with a new key, so that a
 * request whose answer was lost but which did create a job can never be mistaken for a side effect done twice.
 */
final class Load {
  /** A job the grid accepted (201). */
  record Accepted(String id, Kind kind, String key, long atMs) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Supplier<List<String>> urls;
  private final String target;
  private final int jobs;
  private final double perSecond;
  private final boolean browsers;
  private final List<Accepted> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger refused = new AtomicInteger();
  private final Semaphore inFlight = new Semaphore(64);
  private final ConcurrentLinkedQueue<Integer> again = new ConcurrentLinkedQueue<>();
  private final java.util.Map<String, Integer> errors = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private Thread thread;

  Load(Supplier<List<String>> urls, String target, int jobs, double perSecond, boolean browsers) {
    this.urls = urls;
    this.target = target;
    this.jobs = jobs;
    this.perSecond = perSecond;
    this.browsers = browsers;
  }

  Load start() {
    thread = new Thread(this::run, "chaos-load");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run() {
    long t0 = System.nanoTime();
    int next = 0;
    long sent = 0;
    while (!stopped && accepted.size() < jobs) {
      long due = t0 + (long) (sent * 1e9 / perSecond);
      long now = System.nanoTime();
      if (due < now - 1_000_000_000L) { // behind after a stall: go on at the rate, not in a burst
        t0 = now - (long) (sent * 1e9 / perSecond);
        due = now;
      }
      if (due > now) sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
      Integer n = again.poll();
      if (n == null) {
        if (accepted.size() + inFlight() >= jobs) { // enough under way: wait for their answers
          sleep(20, 0);
          continue;
        }
        n = next++;
      }
      inFlight.acquireUninterruptibly();
      sent++;
      submit(n);
    }
  }

  private int inFlight() {
    return 64 - inFlight.availablePermits();
  }

  private void submit(int n) {
    List<String> live = urls.get();
    if (live.isEmpty()) {
      retry(n, "no web node");
      return;
    }
    String url = live.get(n % live.size());
    Kind kind = Kind.pick(n, browsers);
    String key = "k" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs")).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + BenchNodes.ADMIN_TOKEN).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(kind.request(target, key))).build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
      if (err == null && r.statusCode() == 201) {
        accepted.add(new Accepted(new JsonObject(r.body()).getString("id"), kind, key, System.currentTimeMillis()));
        inFlight.release();
      } else {
        retry(n, err != null ? err.getClass().getSimpleName() : "HTTP " + r.statusCode());
      }
    });
  }

  private void retry(int n, String why) {
    refused.incrementAndGet();
    errors.merge(why, 1, Integer::sum);
    again.add(n);
    inFlight.release();
  }

  /** Waits until {@code n} jobs were accepted (or the load ended). */
  void awaitAccepted(int n, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (accepted.size() < Math.min(n, jobs) && !stopped && System.nanoTime() < deadline) Thread.sleep(20);
  }

  /** Waits for the whole stream to be accepted; false when it was not within the time. */
  boolean awaitAll(Duration within) throws InterruptedException {
    thread.join(within.toMillis());
    while (inFlight() > 0 && accepted.size() < jobs) Thread.sleep(20);
    stop();
    return accepted.size() >= jobs;
  }

  void stop() {
    stopped = true;
  }

  List<Accepted> accepted() {
    synchronized (accepted) {
      return List.copyOf(accepted);
    }
  }

  /** Submissions that got no 201, by reason: what the fault cost clients (they would try again, as this load does). */
  java.util.Map<String, Integer> refusals() {
    return java.util.Map.copyOf(errors);
  }

  int refused() {
    return refused.get();
  }

  private static void sleep(long ms, int nanos) {
    try {
      Thread.sleep(ms, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
