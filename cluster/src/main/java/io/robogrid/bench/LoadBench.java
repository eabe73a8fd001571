package io.robogrid.bench;

import static io.robogrid.bench.NodeClient.pct;

import io.robogrid.bench.NodeClient.Done;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Load against a running node ({@code scripts/bench} starts one): no-op jobs through the whole path (HTTP submit →
 * PostgreSQL → claim → runner → reports → SUCCEEDED), completion seen on the WebSocket stream.
 * Usage: {@code LoadBench <url> <jobs for throughput> <jobs for latency> <concurrency>}.
 */
public final class LoadBench {
  private static final String NOOP = "{\"robot\":\"noop\"}";

  private final NodeClient node;

  public LoadBench(String url) {
    this(new NodeClient(url));
  }

  /** Load through {@code node}, whose stream {@link NodeClient#listen()} already follows. */
  LoadBench(NodeClient node) {
    this.node = node;
  }

  /** Follows the node's stream from now on: call it once before the first run. */
  public LoadBench listen() throws Exception {
    node.listen();
    return this;
  }

  /** Appended to each line printed: which run it is. */
  private String phase = "";

  public static void main(String[] args) throws Exception {
    LoadBench b = new LoadBench(args[0]);
    int throughputJobs = Integer.parseInt(args[1]);
    int latencyJobs = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    b.listen();
    b.throughput(200, concurrency, false); // warm-up: JIT, connection pools, prepared statements
    b.throughput(throughputJobs, concurrency, true);
    b.batched(throughputJobs, 500, 2);
    // the same again on a warm node: a fresh JVM spends as much CPU in its JIT compilers as in its event loops for
    // the first tens of thousands of jobs (top -H: C2 44 % of the node's CPU in a cold run), which a node that has
    // run for a while no longer does
    b.batched(2 * throughputJobs, 500, 2, false);
    b.phase = ", warm node (after " + (4 * throughputJobs + 200) + " jobs)";
    b.throughput(throughputJobs, concurrency, true);
    b.batched(throughputJobs, 500, 2);
    b.latency(latencyJobs);
  }

  /** {@code jobs} no-op jobs, one {@code POST /jobs} each, {@code concurrency} in flight; answers jobs/s from the first submit to the last end. */
  public double throughput(int jobs, int concurrency, boolean report) throws Exception {
    return throughput(NOOP, jobs, concurrency, report);
  }

  /** {@code jobs} jobs of {@code body}, {@code concurrency} submitters; @return jobs/s end to end */
  double throughput(String body, int jobs, int concurrency, boolean report) throws Exception {
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<Done>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      inFlight.acquire();
      CompletableFuture<String> id = node.submitAsync(body);
      id.whenComplete((v, err) -> inFlight.release());
      all.add(ended(id.thenCompose(node::done)));
    }
    long submitted = System.nanoTime();
    Ended e = awaitAll(all, t0);
    long ok = e.succeeded();
    if (report) {
      double secs = e.seconds();
      System.out.printf("throughput%s: %d no-op jobs (%d concurrent submitters) in %.2f s = %.0f jobs/s end to end; submits took %.2f s; %d succeeded%n",
          phase, jobs, concurrency, secs, jobs / secs, (submitted - t0) / 1e9, ok);
    }
    return jobs / e.seconds();
  }

  /** The same no-op jobs through {@code POST /jobs:batch}, {@code perBatch} to a request, {@code inFlight} requests at a time; answers jobs/s. */
  public double batched(int jobs, int perBatch, int inFlight) throws Exception {
    return batched(jobs, perBatch, inFlight, true);
  }

  double batched(int jobs, int perBatch, int inFlight, boolean report) throws Exception {
    StringBuilder body = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < perBatch; i++) body.append(i == 0 ? "" : ",").append(NOOP);
    String batch = body.append("]}").toString();
    Semaphore slots = new Semaphore(inFlight);
    List<CompletableFuture<Done>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int sent = 0; sent < jobs; sent += perBatch) {
      slots.acquire();
      CompletableFuture<List<String>> ids = node.submitBatchAsync(batch);
      ids.whenComplete((v, err) -> slots.release());
      for (int i = 0; i < perBatch; i++) {
        int k = i;
        all.add(ended(ids.thenCompose(list -> node.done(list.get(k)))));
      }
    }
    long submitted = System.nanoTime();
    Ended e = awaitAll(all, t0);
    if (report) System.out.printf("throughput%s, submitted through jobs:batch (%d per request, %d requests in flight): %d no-op jobs in %.2f s = %.0f jobs/s end to end;"
        + " submits took %.2f s; %d succeeded%n", phase, perBatch, inFlight, all.size(), e.seconds(), all.size() / e.seconds(), (submitted - t0) / 1e9,
        e.succeeded());
    return all.size() / e.seconds();
  }

  /** A job's end, or null (reported) when it failed to submit or to finish in time. */
  private static CompletableFuture<Done> ended(CompletableFuture<Done> end) {
    return end.orTimeout(300, TimeUnit.SECONDS).exceptionally(err -> {
      System.err.println("job failed to submit or to finish: " + err);
      return null;
    });
  }

  private record Ended(double seconds, long succeeded) {}

  /** Waits for every job; the time is from {@code t0} to the last end seen on the stream. */
  private static Ended awaitAll(List<CompletableFuture<Done>> all, long t0) throws Exception {
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    List<Done> done = all.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
    long end = done.stream().mapToLong(Done::nanos).max().orElse(System.nanoTime());
    return new Ended((end - t0) / 1e9, done.stream().filter(Done::succeeded).count());
  }

  /** Median and p99 in ms. */
  record Latency(double median, double p99) {}

  private void latency(int jobs) throws Exception {
    latency(NOOP, jobs);
  }

  /** {@code jobs} jobs of {@code body} one at a time on an otherwise idle path; @return their submit-to-start */
  Latency latency(String body, int jobs) throws Exception {
    List<Double> startMs = new ArrayList<>(), e2eMs = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      long t0 = System.nanoTime();
      String id = node.submit(body);
      e2eMs.add((node.done(id).get(30, TimeUnit.SECONDS).nanos() - t0) / 1e6);
      ids.add(id);
      Thread.sleep(20); // an idle system between jobs: this measures latency, not queueing
    }
    for (String id : ids) {
      JsonObject j = node.job(id);
      startMs.add(Duration.between(Instant.parse(j.getString("createdAt")), Instant.parse(j.getString("startedAt"))).toNanos() / 1e6);
    }
    System.out.printf("submit-to-start (server clock, created -> runner started): median %.1f ms, p99 %.1f ms over %d jobs%n",
        pct(startMs, 50), pct(startMs, 99), jobs);
    System.out.printf("submit-to-done (client: POST sent -> SUCCEEDED on the stream): median %.1f ms, p99 %.1f ms%n", pct(e2eMs, 50), pct(e2eMs, 99));
    return new Latency(pct(startMs, 50), pct(startMs, 99));
  }
}
