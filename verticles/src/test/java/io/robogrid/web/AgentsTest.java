package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.SampleAgent;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pull-mode agents against a real grid and database: {@code scripts/sample-agent} (a real process, curl and jq)
 * claims, reports and completes; an agent killed while it works loses its claim, the work is handed out again and
 * its late report is refused; errors go through the step's retry policy; a cancel withdraws the work; heartbeats
 * keep a claim; bad requests get clear errors.
 */
@ExtendWith(VertxExtension.class)
class AgentsTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private final List<SampleAgent> agents = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop(Vertx vertx) {
    agents.forEach(SampleAgent::kill);
    Await.result(vertx.close());
  }

  private static JsonObject agentStep(String id, JsonObject with) {
    return TestGrid.step(id, "agent", with);
  }

  @Test
  void theSampleAgentClaimsReportsAndCompletesAndShowsInTheClusterStatus(Vertx vertx) throws Exception {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("crm-agents", "agent");
    JsonObject request = TestGrid.inline(null,
        agentStep("lookup", new JsonObject().put("capability", "crm").put("customer", "${input.customer}").put("sleep", 1)),
        TestGrid.step("after", "log", new JsonObject().put("message", "agent said ${steps.lookup.output.echo.customer}"), "lookup"));
    String job = grid.submit(request.put("input", new JsonObject().put("customer", "ACME"))).getString("id");

    SampleAgent agent = sampleAgent(grid, token, "crm-1", "crm", "--once");
    JsonObject done = grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    assertEquals(new JsonObject().put("echo", new JsonObject().put("customer", "ACME").put("sleep", 1)).put("agent", "crm-1"),
        done.getJsonObject("steps").getJsonObject("lookup").getJsonObject("output"));
    assertEquals(0, agent.exitCode(Duration.ofSeconds(10)), "--once ends after one piece of work: " + agent.output());
    assertTrue(agent.output().contains("claimed job " + job + " step lookup attempt 1"), agent.output());
    assertTrue(agent.output().contains("reported the result of job " + job + " step lookup attempt 1: HTTP 200"), agent.output());

    List<String> log = stepLog(grid, job);
    assertTrue(log.contains("agent crm-1 claimed the work (attempt 1)"), log.toString());
    assertTrue(log.stream().anyMatch(l -> l.startsWith("agent crm-1 progress {\"percent\":0}: started")), log.toString());
    assertTrue(log.contains("agent said ACME"), log.toString());

    JsonArray seen = grid.get("/api/v1/cluster").bodyAsJsonObject().getJsonArray("agents");
    assertEquals(1, seen.size(), seen.encode());
    JsonObject a = seen.getJsonObject(0);
    assertEquals("crm-1", a.getString("id"));
    assertEquals(new JsonArray().add("crm"), a.getJsonArray("capabilities"));
    assertEquals("crm-agents", a.getString("token"));
    assertEquals(true, a.getBoolean("connected"));
    assertEquals(new JsonArray(), a.getJsonArray("work"), "nothing held once the work is reported");
  }

  @Test
  void anAgentThatDiesLosesItsWorkWhichIsHandedOutAgainAndItsLateReportIsRefused(Vertx vertx) throws Exception {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("crm-agents", "agent");
    String job = grid.submit(TestGrid.inline(null, agentStep("slow", new JsonObject().put("capability", "crm").put("sleep", 60))))
        .getString("id");
    SampleAgent doomed = sampleAgent(grid, token, "doomed", "crm");
    doomed.await(l -> l.contains("claimed job " + job), WITHIN);
    // while it works it keeps the claim (it heartbeats), longer than the timeout
    Thread.sleep(TestGrid.AGENT_TIMEOUT.plusSeconds(2).toMillis());
    JsonObject holder = agentNamed(grid, "doomed");
    assertEquals(1, holder.getJsonArray("work").size(), "the working agent still holds its claim: " + holder.encode());
    doomed.kill();

    awaitLog(grid, job, l -> l.equals("agent doomed lost its claim (attempt 1): no heartbeat in time; the work is offered again"));
    assertEquals(false, agentNamed(grid, "doomed").getBoolean("connected"), "a silent agent is shown as disconnected");
    HttpResponse<Buffer> again = grid.call(HttpMethod.GET, "/api/v1/agents/rescuer/work?capability=crm&wait=10s", null, token);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    JsonObject work = again.bodyAsJsonObject();
    assertEquals(job, work.getString("jobId"));
    assertEquals(2, work.getInteger("attempt"), "a new hand-out, a new attempt number");

    HttpResponse<Buffer> late = grid.report(token, job, new JsonObject().put("type", "result").put("step", "slow").put("attempt", 1)
        .put("output", new JsonObject().put("from", "doomed")));
    assertEquals(409, late.statusCode(), late.bodyAsString());
    assertEquals("STALE_ATTEMPT", late.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("attempt 1 of step 'slow' is no longer yours: it was handed out again as attempt 2",
        late.bodyAsJsonObject().getJsonObject("error").getString("message"));

    HttpResponse<Buffer> ok = grid.report(token, job, new JsonObject().put("type", "result").put("step", "slow").put("attempt", 2)
        .put("output", new JsonObject().put("from", "rescuer")));
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    JsonObject done = grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
    JsonObject step = done.getJsonObject("steps").getJsonObject("slow");
    assertEquals(new JsonObject().put("from", "rescuer"), step.getJsonObject("output"));
    assertEquals(1, step.getInteger("attempts"), "a lost claim is handed out again within the same try, not retried");
    assertEquals(1, done.getInteger("attempt"));
  }

  @Test
  void anErrorFailsTheStepUnderItsRetryPolicyAndANamedClassCanEndIt(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("agents", "agent");
    JsonObject step = agentStep("call", new JsonObject().put("capability", "erp"))
        .put("retry", new JsonObject().put("maxAttempts", 3).put("backoff", "100ms"));
    String job = grid.submit(TestGrid.inline(null, step)).getString("id");

    JsonObject first = grid.claim(token, "a1", "erp");
    assertEquals(1, first.getInteger("attempt"));
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "error").put("step", "call").put("attempt", 1)
        .put("message", "ERP busy")).statusCode());
    JsonObject second = grid.claim(token, "a1", "erp");
    assertEquals(2, second.getInteger("attempt"), "the retried step offers its work again");
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "result").put("step", "call").put("attempt", 2)
        .put("output", new JsonObject().put("order", 7))).statusCode());
    JsonObject done = grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", done.getString("state"));
    assertEquals(2, done.getJsonObject("steps").getJsonObject("call").getInteger("attempts"));
    assertTrue(stepLog(grid, job).stream().anyMatch(l -> l.contains("agent a1 reported an error (attempt 1): ERP busy")));

    String denied = grid.submit(TestGrid.inline(null, step)).getString("id");
    JsonObject w = grid.claim(token, "a1", "erp");
    assertEquals(denied, w.getString("jobId"));
    assertEquals(200, grid.report(token, denied, new JsonObject().put("type", "error").put("step", "call").put("attempt", w.getInteger("attempt"))
        .put("message", "no such customer").put("errorClass", "ACCESS_DENIED")).statusCode());
    JsonObject failed = grid.awaitState(denied, WITHIN, "FAILED", "SUCCEEDED");
    assertEquals("FAILED", failed.getString("state"));
    assertEquals("ACCESS_DENIED", failed.getJsonObject("error").getString("code"), failed.encodePrettily());
    assertEquals(1, failed.getJsonObject("steps").getJsonObject("call").getInteger("attempts"), "an unrecoverable class is not retried");
  }

  @Test
  void aStepThatTimesOutAndIsRetriedReplacesItsWorkAndTheOldClaimIsRefused(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("agents", "agent");
    JsonObject step = agentStep("slow", new JsonObject().put("capability", "erp")).put("timeout", "1s")
        .put("retry", new JsonObject().put("maxAttempts", 2).put("backoff", "100ms"));
    String job = grid.submit(TestGrid.inline(null, step)).getString("id");
    assertEquals(1, grid.claim(token, "a1", "erp").getInteger("attempt"));
    JsonObject again = grid.claim(token, "a2", "erp"); // the first claim is never reported on: the step times out, try 2 offers anew
    assertEquals(job, again.getString("jobId"));
    assertEquals(2, again.getInteger("attempt"));
    HttpResponse<Buffer> old = grid.report(token, job, new JsonObject().put("type", "result").put("step", "slow").put("attempt", 1));
    assertEquals(409, old.statusCode(), old.bodyAsString());
    assertEquals("attempt 1 of step 'slow' is no longer yours: it was handed out again as attempt 2",
        old.bodyAsJsonObject().getJsonObject("error").getString("message"));
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "result").put("step", "slow").put("attempt", 2)).statusCode());
    assertEquals("SUCCEEDED", grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED").getString("state"));
    assertEquals(204, grid.call(HttpMethod.GET, "/api/v1/agents/a3/work?capability=erp", null, token).statusCode(), "the replaced work is not out any more");
  }

  @Test
  void longPollsWaitForWorkAndACancelWithdrawsIt(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("agents", "agent");
    HttpResponse<Buffer> none = grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm", null, token);
    assertEquals(204, none.statusCode(), "no work and no wait: at once 204");
    long t0 = System.nanoTime();
    HttpResponse<Buffer> waited = grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm&wait=1s", null, token);
    assertEquals(204, waited.statusCode());
    assertTrue(System.nanoTime() - t0 >= 900_000_000L, "it waited for its wait");

    // a long poll started before the work exists gets it
    var poll = grid.http.get(grid.port, "127.0.0.1", "/api/v1/agents/a1/work?capability=erp,crm&wait=20s").bearerTokenAuthentication(token).send();
    sleep(300);
    String job = grid.submit(TestGrid.inline(null, agentStep("s", new JsonObject().put("capability", "crm").put("n", 1)))).getString("id");
    HttpResponse<Buffer> got = Await.result(poll);
    assertEquals(200, got.statusCode(), got.bodyAsString());
    JsonObject work = got.bodyAsJsonObject();
    assertEquals(job, work.getString("jobId"));
    assertEquals("s", work.getString("step"));
    assertEquals("crm", work.getString("capability"));
    assertEquals(new JsonObject().put("n", 1), work.getJsonObject("parameters"));
    assertEquals(TestGrid.AGENT_TIMEOUT.toMillis(), work.getLong("heartbeatTimeoutMs"));
    assertNotNull(work.getString("claimExpiresAt"));

    assertEquals(202, grid.post("/api/v1/jobs/" + job + "/cancel", null).statusCode());
    grid.awaitState(job, WITHIN, "CANCELLED");
    HttpResponse<Buffer> late = grid.report(token, job, new JsonObject().put("type", "result").put("step", "s").put("attempt", 1));
    assertEquals(409, late.statusCode(), late.bodyAsString());
    String message = late.bodyAsJsonObject().getJsonObject("error").getString("message");
    // which of the two the agent hears depends on whether the step's withdrawal was recorded before its report came
    assertTrue(message.startsWith("attempt 1 of step 's' was withdrawn: ")
        || message.equals("attempt 1 of step 's' belongs to a job attempt that is no longer running"), message);
    assertEquals(204, grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm", null, token).statusCode(), "nothing left to hand out");
  }

  @Test
  void heartbeatsAndReportsKeepAClaimAndAFinalReportMayBeSentTwice(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("agents", "agent");
    String job = grid.submit(TestGrid.inline(null, agentStep("s", new JsonObject().put("capability", "crm")))).getString("id");
    grid.claim(token, "a1", "crm");
    long until = System.nanoTime() + TestGrid.AGENT_TIMEOUT.plusSeconds(2).toNanos();
    while (System.nanoTime() < until) {
      HttpResponse<Buffer> beat = grid.call(HttpMethod.POST, "/api/v1/agents/a1/heartbeat", null, token);
      assertEquals(200, beat.statusCode(), beat.bodyAsString());
      assertEquals(1, beat.bodyAsJsonObject().getJsonArray("claims").size(), beat.bodyAsString());
      sleep(300);
    }
    JsonObject mine = new JsonObject().put("claims", new JsonArray().add(new JsonObject().put("jobId", job).put("step", "s").put("attempt", 1)));
    HttpResponse<Buffer> named = grid.call(HttpMethod.POST, "/api/v1/agents/a1/heartbeat", mine.encode(), token);
    assertEquals(1, named.bodyAsJsonObject().getJsonArray("claims").size(), "a heartbeat naming the claim keeps it: " + named.bodyAsString());
    HttpResponse<Buffer> none = grid.call(HttpMethod.POST, "/api/v1/agents/a1/heartbeat", "{\"claims\": []}", token);
    assertEquals(0, none.bodyAsJsonObject().getJsonArray("claims").size(), "one naming none keeps none (a restarted agent's old claims lapse)");
    assertEquals(400, grid.call(HttpMethod.POST, "/api/v1/agents/a1/heartbeat", "{\"claims\": [{\"jobId\": 1}]}", token).statusCode());
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "progress").put("step", "s").put("attempt", 1)
        .put("output", new JsonObject().put("percent", 50))).statusCode());
    assertEquals(200, grid.report(token, job, new JsonObject().put("type", "log").put("step", "s").put("attempt", 1)
        .put("level", "warn").put("message", "slow ERP")).statusCode());
    JsonObject result = new JsonObject().put("type", "result").put("step", "s").put("attempt", 1).put("output", new JsonObject().put("ok", true));
    HttpResponse<Buffer> stranger = grid.report(grid.token("other-agents", "agent"), job, result);
    assertEquals(403, stranger.statusCode(), "another token's agent cannot report on this claim: " + stranger.bodyAsString());
    assertEquals("attempt 1 of step 's' was not handed out to this token", stranger.bodyAsJsonObject().getJsonObject("error").getString("message"));
    assertEquals(200, grid.report(token, job, result).statusCode());
    assertEquals(200, grid.report(token, job, result).statusCode(), "the same result again is accepted (the agent may not have seen the answer)");
    HttpResponse<Buffer> other = grid.report(token, job, result.copy().put("output", new JsonObject().put("ok", false)));
    assertEquals(409, other.statusCode());
    assertEquals("attempt 1 of step 's' was already reported on (result)", other.bodyAsJsonObject().getJsonObject("error").getString("message"));
    assertEquals("SUCCEEDED", grid.awaitState(job, WITHIN, "SUCCEEDED", "FAILED").getString("state"));
    List<String> log = stepLog(grid, job);
    assertTrue(log.contains("agent a1: slow ERP"), log.toString());
    assertTrue(log.contains("agent a1 progress {\"percent\":50}"), log.toString());
  }

  @Test
  void badRequestsGetClearErrors(Vertx vertx) {
    TestGrid grid = TestGrid.start(vertx, null, 4);
    String token = grid.token("agents", "agent");
    String job = grid.submit(TestGrid.inline(null, agentStep("s", new JsonObject().put("capability", "crm")))).getString("id");
    // the work is on offer (a report before that would find no work for the step at all)
    awaitLog(grid, job, l -> l.equals("waiting for an agent offering 'crm'"));
    assertError(grid.call(HttpMethod.GET, "/api/v1/agents/a1/work", null, token), 400, "INVALID_REQUEST", "capability: name at least one");
    assertError(grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=a%20b", null, token), 400, "INVALID_REQUEST", "capability: 'a b'");
    assertError(grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm&wait=soon", null, token), 400, "INVALID_REQUEST", "wait: 'soon'");
    assertError(grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm&wait=5m", null, token), 400, "INVALID_REQUEST", "wait: must be from 0s to 60s");
    assertError(grid.call(HttpMethod.GET, "/api/v1/agents/-x/work?capability=crm", null, token), 400, "INVALID_REQUEST", "agentId: '-x'");
    String events = "/api/v1/jobs/" + job + "/events";
    assertError(grid.call(HttpMethod.POST, events, "{not json", token), 400, "MALFORMED_JSON", "");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"done\", \"step\": \"s\", \"attempt\": 1}", token), 400, "INVALID_REQUEST", "type:");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"result\", \"step\": \"s\"}", token), 400, "INVALID_REQUEST", "attempt:");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"result\", \"step\": \"s\", \"attempt\": 1, \"output\": 5}", token),
        400, "INVALID_REQUEST", "output:");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"error\", \"step\": \"s\", \"attempt\": 1, \"errorClass\": \"OOPS\"}", token),
        400, "INVALID_REQUEST", "errorClass:");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"error\", \"step\": \"s\", \"attempt\": 1, \"errorClass\": \"NODE_LOST\"}", token),
        400, "INVALID_REQUEST", "errorClass:");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"result\", \"step\": \"s\", \"attempt\": 1, \"extra\": 1}", token),
        400, "INVALID_REQUEST", "unknown field 'extra'");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"result\", \"step\": \"nope\", \"attempt\": 1}", token),
        404, "NOT_FOUND", "has no agent work for step 'nope'");
    assertError(grid.call(HttpMethod.POST, events, "{\"type\": \"result\", \"step\": \"s\", \"attempt\": 1}", token), 404, "NOT_FOUND",
        "was never handed out as attempt 1");
    assertError(grid.call(HttpMethod.POST, "/api/v1/jobs/not-a-job/events", "{\"type\": \"result\", \"step\": \"s\", \"attempt\": 1}", token),
        404, "JOB_NOT_FOUND", "");
    assertError(grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm", null, TestGrid.ADMIN_TOKEN), 403, "FORBIDDEN", "");

    // a secret an earlier step's output carries reaches the agent only as its redaction
    assertEquals(200, grid.call(HttpMethod.PUT, "/api/v1/secrets/crm-password", "{\"value\": \"s3cr3t-Pa55\"}", TestGrid.ADMIN_TOKEN).statusCode());
    String echoed = grid.submit(TestGrid.inline(null, TestGrid.step("one", "set", new JsonObject().put("pw", "${secret:crm-password}")),
        TestGrid.step("two", "agent", new JsonObject().put("capability", "vault").put("pw", "${steps.one.output.pw}"), "one"))).getString("id");
    HttpResponse<Buffer> handed = grid.call(HttpMethod.GET, "/api/v1/agents/a1/work?capability=vault&wait=10s", null, token);
    assertEquals(200, handed.statusCode(), handed.bodyAsString());
    assertEquals(echoed, handed.bodyAsJsonObject().getString("jobId"));
    assertEquals("[redacted:crm-password]", handed.bodyAsJsonObject().getJsonObject("parameters").getString("pw"), handed.bodyAsString());
    assertTrue(!handed.bodyAsString().contains("s3cr3t-Pa55"));

    HttpResponse<Buffer> secret = grid.post("/api/v1/jobs", TestGrid.inline(null,
        agentStep("s", new JsonObject().put("capability", "crm").put("password", "${secret:crm}"))));
    assertError(secret, 400, "INVALID_WORKFLOW", "an agent step cannot hand a secret to an agent");
    assertError(grid.post("/api/v1/jobs", TestGrid.inline(null, agentStep("s", new JsonObject().put("capability", "c r m")))),
        400, "INVALID_WORKFLOW", "capability");
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code, String messageStart) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), r.bodyAsString());
    assertTrue(error.getString("message").contains(messageStart), r.bodyAsString());
  }


  private static JsonObject agentNamed(TestGrid grid, String id) {
    for (Object o : grid.get("/api/v1/cluster").bodyAsJsonObject().getJsonArray("agents")) {
      if (((JsonObject) o).getString("id").equals(id)) return (JsonObject) o;
    }
    throw new AssertionError("agent " + id + " is not in the cluster status");
  }

  /** The job's step log lines, in order. */
  private static List<String> stepLog(TestGrid grid, String job) {
    return grid.events(job).getJsonArray("events").stream().map(JsonObject.class::cast).filter(e -> e.getString("type").equals("step.log"))
        .map(e -> e.getJsonObject("data").getString("message")).toList();
  }

  private static void awaitLog(TestGrid grid, String job, Predicate<String> line) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (stepLog(grid, job).stream().anyMatch(line)) return;
      sleep(100);
    }
    throw new AssertionError("no such log line in " + stepLog(grid, job));
  }

  private SampleAgent sampleAgent(TestGrid grid, String token, String id, String capability, String... more) throws java.io.IOException {
    SampleAgent agent = SampleAgent.start("http://127.0.0.1:" + grid.port, token, id, capability, more);
    agents.add(agent);
    return agent;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
