package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.robogrid.metrics.GridMetrics;
import io.robogrid.metrics.MetricsAddresses;
import io.robogrid.metrics.MetricsOptions;
import io.robogrid.metrics.MetricsVerticle;
import io.robogrid.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real grid scraped as Prometheus scrapes it: a hub (coordinator, router, web: {@code /metrics} behind a token) and a
 * runner-only node with no database (an open {@code /metrics} on its metrics port). What the jobs do moves the
 * numbers, each counted once on the node that did it, and the Grafana dashboard asks only for series that exist.
 */
class MetricsTest {
  private static final String ROBOTS = """
      {"robots": [
        {"name": "meter-ok", "steps": [
          {"id": "pause", "type": "wait", "with": {"duration": "120ms"}},
          {"id": "done", "type": "set", "needs": ["pause"], "with": {"ok": true}}]},
        {"name": "meter-fail", "retry": {"maxAttempts": 1}, "steps": [
          {"id": "boom", "type": "fail", "with": {"message": "refused", "errorClass": "ACCESS_DENIED"}}]},
        {"name": "meter-long", "steps": [{"id": "hold", "type": "wait", "with": {"duration": "2s"}}]},
        {"name": "meter-nowhere", "requires": ["desktop:nowhere"], "steps": [{"id": "x", "type": "log", "with": {"message": "never"}}]},
        {"name": "meter-agent", "steps": [{"id": "ask", "type": "agent", "with": {"capability": "crm"}}]}
      ]}""";
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Duration SOON = Duration.ofSeconds(20);

  private static TestCluster cluster;
  private static NodeProcess hub, runner;
  private static int runnerMetricsPort;
  private static Api api;
  private static String metricsToken, viewerToken;
  // HTTP/1.1, as Prometheus scrapes (the JDK client's default tries an h2c upgrade on every new connection)
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startGrid() throws Exception {
    cluster = new TestCluster(ROBOTS);
    hub = cluster.node("coordinator,router,web", null).start();
    runnerMetricsPort = FreePorts.next();
    runner = cluster.node("runner", "http,agent:crm").env("ROBOGRID_METRICS_PORT", Integer.toString(runnerMetricsPort)).start();
    api = new Api(hub.url());
    long deadline = System.nanoTime() + SOON.toNanos();
    while (api.get("/api/v1/cluster").getJsonArray("nodes").size() < 2 && System.nanoTime() < deadline) Thread.sleep(100);
    metricsToken = api.post("/api/v1/tokens", new JsonObject().put("name", "prometheus").put("role", "metrics")).getString("token");
    viewerToken = api.post("/api/v1/tokens", new JsonObject().put("name", "someone").put("role", "viewer")).getString("token");
  }

  @AfterAll
  static void stopGrid() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void countersAndHistogramsMoveWithTheJobsRunEachCountedOnceWhereItHappened() throws Exception {
    Scrape hubBefore = hubScrape(), runnerBefore = runnerScrape();
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) jobs.add(submit("meter-ok"));
    for (int i = 0; i < 2; i++) jobs.add(submit("meter-fail"));
    for (String id : jobs) api.awaitState(id, SOON, "SUCCEEDED", "FAILED");

    Scrape hubAfter = await(MetricsTest::hubScrape, s -> delta(s, hubBefore, "robogrid_jobs_finished_total", "robot", "meter-fail", "state", "FAILED") == 2
        && delta(s, hubBefore, "robogrid_jobs_finished_total", "robot", "meter-ok", "state", "SUCCEEDED") == 5);
    assertEquals(5, delta(hubAfter, hubBefore, "robogrid_jobs_submitted_total", "robot", "meter-ok", "state", "QUEUED"));
    assertEquals(2, delta(hubAfter, hubBefore, "robogrid_jobs_submitted_total", "robot", "meter-fail"));
    assertEquals(0, delta(hubAfter, hubBefore, "robogrid_jobs_finished_total", "robot", "meter-ok", "state", "FAILED"));
    // the histograms: five observations each, every one above the 120 ms the job waits, none in the 50 ms bucket
    assertEquals(5, delta(hubAfter, hubBefore, "robogrid_job_duration_seconds_count", "robot", "meter-ok"));
    assertEquals(5, delta(hubAfter, hubBefore, "robogrid_job_start_delay_seconds_count", "robot", "meter-ok"));
    assertEquals(5, delta(hubAfter, hubBefore, "robogrid_job_duration_seconds_bucket", "robot", "meter-ok", "le", "+Inf"));
    assertEquals(0, delta(hubAfter, hubBefore, "robogrid_job_duration_seconds_bucket", "robot", "meter-ok", "le", "0.05"));
    assertTrue(delta(hubAfter, hubBefore, "robogrid_job_duration_seconds_sum", "robot", "meter-ok") >= 5 * 0.12, hubAfter.text);

    // steps are timed where they ran, on the runner, by type; the hub ran none, and the runner wrote no job's end
    Scrape runnerAfter = await(MetricsTest::runnerScrape,
        s -> delta(s, runnerBefore, "robogrid_step_duration_seconds_count", "type", "wait", "state", "SUCCEEDED") == 5);
    assertEquals(5, delta(runnerAfter, runnerBefore, "robogrid_step_duration_seconds_count", "type", "set", "state", "SUCCEEDED"));
    assertEquals(2, delta(runnerAfter, runnerBefore, "robogrid_step_duration_seconds_count", "type", "fail", "state", "FAILED"));
    assertTrue(delta(runnerAfter, runnerBefore, "robogrid_step_duration_seconds_sum", "type", "wait") >= 5 * 0.12);
    assertFalse(hubAfter.has("robogrid_step_duration_seconds_count"), "the hub runs no steps");
    assertEquals(0, runnerAfter.sum("robogrid_jobs_finished_total"), "a runner writes no job's end: counting there would count twice");

    // Vert.x's own meters, and no job id in any label of either node
    for (String name : List.of("vertx_http_server_requests_total", "vertx_eventbus_processed_total", "vertx_pool_in_use")) {
      assertTrue(hubAfter.has(name), name);
    }
    assertTrue(runnerAfter.has("vertx_eventbus_processed_total"));
    for (Scrape s : List.of(hubAfter, runnerAfter)) {
      for (Scrape.Series series : s.series) {
        for (String v : series.labels().values()) assertFalse(UUID.matcher(v).find(), series.toString());
      }
    }
  }

  @Test
  void queueDepthGaugesShowQueuedJobsByStateAndCapability() throws Exception {
    Scrape before = hubScrape(); // other tests end meter-nowhere jobs too: the counter is compared, the gauges are not
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) jobs.add(submit("meter-nowhere"));
    Scrape queued = await(MetricsTest::hubScrape, s -> s.sum("robogrid_queue_queued_by_capability", "capability", "desktop:nowhere") == 3);
    assertTrue(queued.sum("robogrid_queue_jobs", "state", "QUEUED") >= 3, queued.text);
    for (String id : jobs) api.post("/api/v1/jobs/" + id + "/cancel", null);
    Scrape after = await(MetricsTest::hubScrape, s -> s.sum("robogrid_queue_queued_by_capability", "capability", "desktop:nowhere") == 0
        && delta(s, before, "robogrid_jobs_finished_total", "robot", "meter-nowhere", "state", "CANCELLED") == 3);
    assertEquals(0, delta(after, before, "robogrid_job_start_delay_seconds_count", "robot", "meter-nowhere"), "a job that never ran has no start");
  }

  @Test
  void agentWorkWaitingIsShownUntilTheJobIsCancelled() throws Exception {
    String id = submit("meter-agent");
    await(MetricsTest::hubScrape, s -> s.sum("robogrid_agent_work", "state", "OPEN") == 1);
    await(MetricsTest::runnerScrape, s -> s.sum("robogrid_runner_slots", "state", "busy") >= 1);
    api.post("/api/v1/jobs/" + id + "/cancel", null);
    api.awaitState(id, SOON, "CANCELLED");
    await(MetricsTest::hubScrape, s -> s.sum("robogrid_agent_work", "state", "OPEN") == 0);
  }

  @Test
  void runnerSlotsAreBusyWhileAJobRuns() throws Exception {
    Scrape idle = await(MetricsTest::runnerScrape, s -> s.sum("robogrid_runner_slots", "state", "busy") == 0);
    assertEquals(4, idle.sum("robogrid_runner_slots", "state", "free"), idle.text); // TestCluster's runners have 4 slots
    assertEquals(0, idle.sum("robogrid_runner_leases_held"));
    String id = submit("meter-long");
    Scrape busy = await(MetricsTest::runnerScrape, s -> s.sum("robogrid_runner_slots", "state", "busy") == 1);
    assertEquals(3, busy.sum("robogrid_runner_slots", "state", "free"));
    api.awaitState(id, SOON, "SUCCEEDED");
    await(MetricsTest::runnerScrape, s -> s.sum("robogrid_runner_slots", "state", "busy") == 0);
  }

  @Test
  void theWebPortNeedsAMetricsOrAdminTokenAndTheMetricsPortIsOpen() throws Exception {
    HttpResponse<String> none = get(hub.url() + "/metrics", null);
    assertEquals(401, none.statusCode());
    assertEquals("UNAUTHORIZED", new JsonObject(none.body()).getJsonObject("error").getString("code"));
    HttpResponse<String> viewer = get(hub.url() + "/metrics", viewerToken);
    assertEquals(403, viewer.statusCode());
    assertEquals("FORBIDDEN", new JsonObject(viewer.body()).getJsonObject("error").getString("code"));
    assertEquals(401, get(hub.url() + "/metrics", "rgt_not-a-token").statusCode());
    HttpResponse<String> scraped = get(hub.url() + "/metrics", metricsToken);
    assertEquals(200, scraped.statusCode());
    assertTrue(scraped.headers().firstValue("content-type").orElse("").startsWith("text/plain"), scraped.headers().toString());
    assertEquals(200, get(hub.url() + "/metrics", NodeProcess.ADMIN_TOKEN).statusCode());
    // a metrics token reads metrics, nothing else
    HttpResponse<String> jobs = get(hub.url() + "/api/v1/jobs", metricsToken);
    assertEquals(403, jobs.statusCode());
    assertEquals("FORBIDDEN", new JsonObject(jobs.body()).getJsonObject("error").getString("code"));

    String open = "http://127.0.0.1:" + runnerMetricsPort;
    assertEquals(200, get(open + "/metrics", null).statusCode());
    HttpResponse<String> elsewhere = get(open + "/api/v1/jobs", null);
    assertEquals(404, elsewhere.statusCode());
    assertEquals("NOT_FOUND", new JsonObject(elsewhere.body()).getJsonObject("error").getString("code"));
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(open + "/metrics")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("METHOD_NOT_ALLOWED", new JsonObject(post.body()).getJsonObject("error").getString("code"));
  }

  /**
   * Every metric the Grafana dashboard queries exists in a real scrape of the grid (after a job ran). Goal runs need a
   * browser and a model, so their meters come from the same meter code fed one goal decision on a Vert.x of the test's own.
   */
  @Test
  void everyMetricTheDashboardQueriesIsScraped() throws Exception {
    api.awaitState(submit("meter-ok"), SOON, "SUCCEEDED");
    // and work that waits: a job queued for a capability nobody offers, a step waiting for an agent
    String queued = submit("meter-nowhere"), waiting = submit("meter-agent");
    Set<String> scraped = new TreeSet<>();
    try {
      scraped.addAll(await(MetricsTest::hubScrape, s -> s.has("robogrid_job_duration_seconds_bucket")
          && s.sum("robogrid_queue_queued_by_capability", "capability", "desktop:nowhere") == 1 && s.sum("robogrid_agent_work", "state", "OPEN") == 1).names());
      scraped.addAll(await(MetricsTest::runnerScrape, s -> s.has("robogrid_step_duration_seconds_bucket")).names());
      scraped.addAll(goalMeters().names());
    } finally { // the other tests count queued and waiting work: none of this test's is left behind, whatever happened
      for (String id : List.of(queued, waiting)) api.post("/api/v1/jobs/" + id + "/cancel", null);
      for (String id : List.of(queued, waiting)) api.awaitState(id, SOON, "CANCELLED");
    }

    JsonObject board = new JsonObject(Files.readString(REPO.resolve("docker/grafana/dashboards/robogrid-grid.json")));
    Set<String> queried = new TreeSet<>();
    Matcher m = Pattern.compile("\\b((?:robogrid|vertx|jvm)_[a-zA-Z0-9_]+)").matcher(board.encode());
    while (m.find()) queried.add(m.group(1));
    assertTrue(queried.size() >= 15, queried.toString());
    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(scraped);
    assertEquals(Set.of(), missing, "the dashboard queries metrics no node serves");
  }

  private static Scrape goalMeters() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PrometheusMeterRegistry registry = GridMetrics.newRegistry("test");
      io.robogrid.testing.Await.result(vertx.deployVerticle(new MetricsVerticle(MetricsOptions.DEFAULTS, registry, null, null)));
      vertx.eventBus().publish(MetricsAddresses.GOAL_DECISION, new JsonObject().put("robot", "shop").put("level", "llm").put("costUsd", 0.002)
          .put("tokensIn", 900).put("tokensOut", 40), MetricsAddresses.LOCAL);
      long deadline = System.nanoTime() + SOON.toNanos();
      Scrape s;
      do {
        s = new Scrape(registry.scrape());
        // the tokens are recorded last, on the event loop, while this thread scrapes: wait for them, not for the first meter
        if (s.sum("robogrid_goal_tokens_sum", "robot", "shop") >= 940) break;
        Thread.sleep(20);
      } while (System.nanoTime() < deadline);
      assertEquals(0.002, s.sum("robogrid_goal_cost_usd_total", "robot", "shop", "level", "llm"), 1e-9);
      assertEquals(1, s.sum("robogrid_goal_decisions_total", "robot", "shop", "level", "llm"));
      assertEquals(940, s.sum("robogrid_goal_tokens_sum", "robot", "shop"), s.text);
      return s;
    } finally {
      io.robogrid.testing.Await.result(vertx.close());
    }
  }

  private static String submit(String robot) throws Exception {
    return api.post("/api/v1/jobs", new JsonObject().put("robot", robot)).getString("id");
  }

  private static double delta(Scrape after, Scrape before, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  private static Scrape hubScrape() {
    return scrape(hub.url() + "/metrics", metricsToken);
  }

  private static Scrape runnerScrape() {
    return scrape("http://127.0.0.1:" + runnerMetricsPort + "/metrics", null);
  }

  private static Scrape scrape(String url, String token) {
    try {
      HttpResponse<String> r = get(url, token);
      if (r.statusCode() != 200) throw new AssertionError(url + " answered " + r.statusCode() + ": " + r.body());
      return new Scrape(r.body());
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError(url + ": " + e, e);
    }
  }

  private static HttpResponse<String> get(String url, String token) throws java.io.IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Scrapes until {@code ok} holds (database gauges are read every 5 s, counters follow the commit): fails after {@link #SOON}. */
  private static Scrape await(java.util.function.Supplier<Scrape> scrape, java.util.function.Predicate<Scrape> ok) throws InterruptedException {
    long deadline = System.nanoTime() + SOON.toNanos();
    Scrape s;
    do {
      s = scrape.get();
      if (ok.test(s)) return s;
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the scrape never showed what was expected within " + SOON + ":\n" + s.text);
  }
}
