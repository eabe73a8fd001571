package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The answers a real node gives, success and error, against the OpenAPI document's schemas ({@link RecordedAnswers}):
 * every operation of the document is called at least once, and every operation that has a success answer is seen
 * answering it, but for the few this grid cannot produce (named below, with why).
 */
@ExtendWith(VertxExtension.class)
class OpenApiResponsesTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final String ROBOTS = """
      {"robots": [
        {"name": "hello", "description": "says hello", "steps": [{"id": "greet", "type": "set", "with": {"greeting": "hello ${input.name}"}}]},
        {"name": "slow", "steps": [{"id": "nap", "type": "wait", "with": {"duration": "2s"}}, {"id": "after", "type": "set", "with": {}, "needs": ["nap"]}]},
        {"name": "broken", "retry": {"maxAttempts": 1}, "steps": [{"id": "s", "type": "fail", "with": {"message": "?", "errorClass": "UNKNOWN"}}]},
        {"name": "gate", "requiresApproval": true, "steps": [{"id": "s", "type": "set", "with": {}}]},
        {"name": "nightly", "schedule": {"cron": "0 3 * * *"}, "steps": [{"id": "s", "type": "set", "with": {}}]},
        {"name": "desk", "retry": {"maxAttempts": 1}, "steps": [{"id": "ask", "type": "agent", "with": {"capability": "crm"}}]}]}""";
  /** Success answers this grid does not give, and why: each is checked in its own test against a real part. */
  private static final Map<String, String> NO_SUCCESS_HERE = Map.of(
      "getJobsIdArtifactsName", "an artifact is written by a browser or desktop step (BrowserStepsTest reads one)",
      "deletePathsId", "a path is cached by a goal task that reached its goal (GoalTasksTest deletes one)",
      "getStream", "101 is a WebSocket upgrade, with no body to check (EventStreamTest)");

  private TestGrid grid;
  private RecordedAnswers answers;

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  @Test
  void everyOperationAnswersAsTheDocumentSays(Vertx vertx) {
    grid = TestGrid.start(vertx, ROBOTS, 4);
    answers = new RecordedAnswers(vertx, grid);
    jobs();
    holdsAndApprovals();
    agents();
    administration();
    refusals();

    assertEquals(List.of(), answers.problems(), "answers the document does not describe");
    Set<String> uncalled = new TreeSet<>(answers.operations());
    uncalled.removeAll(answers.seen().keySet());
    assertEquals(Set.of(), uncalled, "operations this test never called");
    Map<String, Set<Integer>> noSuccess = new TreeMap<>();
    answers.seen().forEach((op, statuses) -> {
      if (statuses.stream().noneMatch(s -> s < 400) && !NO_SUCCESS_HERE.containsKey(op)) noSuccess.put(op, statuses);
    });
    assertEquals(Map.of(), noSuccess, "operations seen answering errors only");
  }

  private void jobs() {
    String id = answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "hello").put("input", new JsonObject().put("name", "ana")))
        .bodyAsJsonObject().getString("id");
    grid.awaitState(id, WITHIN, "SUCCEEDED");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + id, null);
    answers.call("getJobs", HttpMethod.GET, "/api/v1/jobs?state=SUCCEEDED&robot=hello&limit=1", null);
    answers.call("getJobsIdEvents", HttpMethod.GET, "/api/v1/jobs/" + id + "/events?after=0&limit=100", null);
    answers.call("getJobsIdArtifacts", HttpMethod.GET, "/api/v1/jobs/" + id + "/artifacts", null);
    answers.call("getJobsIdArtifactsName", HttpMethod.GET, "/api/v1/jobs/" + id + "/artifacts/nothing.png", null);
    answers.call("postJobsIdReview", HttpMethod.POST, "/api/v1/jobs/" + id + "/review", new JsonObject().put("note", "looked at it"));
    String broken = grid.submit(new JsonObject().put("robot", "broken")).getString("id");
    grid.awaitState(broken, WITHIN, "FAILED");
    answers.call("getJobs", HttpMethod.GET, "/api/v1/jobs?review=open", null);
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + broken, null); // failed, flagged for review
    answers.call("postJobsIdReview", HttpMethod.POST, "/api/v1/jobs/" + broken + "/review", new JsonObject().put("note", "a typo in the robot"));
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + broken, null); // reviewed
    String rerun = answers.call("postJobsIdRerun", HttpMethod.POST, "/api/v1/jobs/" + id + "/rerun", null).bodyAsJsonObject().getString("id");
    grid.awaitState(rerun, WITHIN, "SUCCEEDED");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + rerun, null);
    answers.call("postJobsIdCancel", HttpMethod.POST, "/api/v1/jobs/" + id + "/cancel", null);
    answers.call("postJobsIdPause", HttpMethod.POST, "/api/v1/jobs/" + id + "/pause", null);
    answers.call("postJobsIdResume", HttpMethod.POST, "/api/v1/jobs/" + id + "/resume", null);
    JsonObject batch = new JsonObject().put("jobs", new JsonArray().add(new JsonObject().put("robot", "hello")).add(new JsonObject().put("robot", "hello")));
    answers.call("postJobsBatch", HttpMethod.POST, "/api/v1/jobs:batch", batch);
    JsonObject badBatch = new JsonObject().put("jobs", new JsonArray().add(new JsonObject().put("robot", "hello")).add(new JsonObject().put("robot", "nobody")));
    answers.call("postJobsBatch", HttpMethod.POST, "/api/v1/jobs:batch", badBatch);
    answers.call("getJobs", HttpMethod.GET, "/api/v1/jobs?limit=2", null); // a page with nextCursor
  }

  private void holdsAndApprovals() {
    String slow = answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "slow")).bodyAsJsonObject().getString("id");
    grid.awaitState(slow, WITHIN, "RUNNING");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + slow, null); // running, with its steps
    answers.call("postJobsIdPause", HttpMethod.POST, "/api/v1/jobs/" + slow + "/pause", null);
    grid.awaitState(slow, WITHIN, "PAUSED");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + slow, null);
    answers.call("postJobsIdResume", HttpMethod.POST, "/api/v1/jobs/" + slow + "/resume", null);
    grid.awaitState(slow, WITHIN, "SUCCEEDED");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + slow, null); // a resumed job, its progress carried
    String cancelled = grid.submit(new JsonObject().put("robot", "slow")).getString("id");
    grid.awaitState(cancelled, WITHIN, "RUNNING");
    answers.call("postJobsIdCancel", HttpMethod.POST, "/api/v1/jobs/" + cancelled + "/cancel", null);
    grid.awaitState(cancelled, WITHIN, "CANCELLED");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + cancelled, null);

    String approved = grid.submit(new JsonObject().put("robot", "gate")).getString("id");
    grid.awaitState(approved, WITHIN, "WAITING_APPROVAL");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + approved, null);
    answers.call("postJobsIdApprove", HttpMethod.POST, "/api/v1/jobs/" + approved + "/approve", new JsonObject().put("comment", "checked"));
    answers.call("postJobsIdApprove", HttpMethod.POST, "/api/v1/jobs/" + approved + "/approve", new JsonObject()); // no longer waiting
    String rejected = grid.submit(new JsonObject().put("robot", "gate")).getString("id");
    grid.awaitState(rejected, WITHIN, "WAITING_APPROVAL");
    answers.call("postJobsIdReject", HttpMethod.POST, "/api/v1/jobs/" + rejected + "/reject", new JsonObject().put("reason", "wrong amount"));
    answers.call("postJobsIdReject", HttpMethod.POST, "/api/v1/jobs/" + rejected + "/reject", new JsonObject());
    grid.awaitState(approved, WITHIN, "SUCCEEDED");
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + approved, null);
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + rejected, null);
  }

  private void agents() {
    String agent = grid.token("crm-agent", "agent");
    answers.call("getAgentsAgentIdWork", HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm&wait=0s", null, agent, null); // none yet: 204
    String id = grid.submit(new JsonObject().put("robot", "desk")).getString("id");
    JsonObject work = answers.call("getAgentsAgentIdWork", HttpMethod.GET, "/api/v1/agents/a1/work?capability=crm&wait=10s", null, agent, null)
        .bodyAsJsonObject();
    int attempt = work.getInteger("attempt");
    JsonArray claims = new JsonArray().add(new JsonObject().put("jobId", id).put("step", "ask").put("attempt", attempt));
    answers.call("postAgentsAgentIdHeartbeat", HttpMethod.POST, "/api/v1/agents/a1/heartbeat", new JsonObject().put("claims", claims), agent, null);
    JsonObject report = new JsonObject().put("step", "ask").put("attempt", attempt);
    String events = "/api/v1/jobs/" + id + "/events";
    answers.call("postJobsIdEvents", HttpMethod.POST, events, report.copy().put("type", "progress").put("message", "half way"), agent, null);
    answers.call("postJobsIdEvents", HttpMethod.POST, events, report.copy().put("type", "blocked").put("reason", "waiting for a signature")
        .put("maxWait", "1h"), agent, null);
    grid.awaitBlocked(id, WITHIN);
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + id, null); // blocked
    answers.call("getJobs", HttpMethod.GET, "/api/v1/jobs?blocked=true", null);
    answers.call("postJobsIdEvents", HttpMethod.POST, events, report.copy().put("type", "log").put("message", "signed").put("level", "info"), agent, null);
    answers.call("postJobsIdEvents", HttpMethod.POST, events, report.copy().put("type", "result").put("output", new JsonObject().put("ok", true)), agent, null);
    grid.awaitState(id, WITHIN, "SUCCEEDED");
    answers.call("postJobsIdEvents", HttpMethod.POST, events, report.copy().put("type", "result"), agent, null); // the attempt is over: 409
    answers.call("postJobsIdEvents", HttpMethod.POST, events, new JsonObject().put("type", "shout"), agent, null);
    answers.call("postAgentsAgentIdHeartbeat", HttpMethod.POST, "/api/v1/agents/a1/heartbeat", new JsonObject().put("claims", "all"), agent, null);
    answers.call("getAgentsAgentIdWork", HttpMethod.GET, "/api/v1/agents/a1/work", null, agent, null); // no capability: 400
    answers.call("getJobsIdEvents", HttpMethod.GET, events, null);
  }

  private void administration() {
    answers.call("getRobots", HttpMethod.GET, "/api/v1/robots", null);
    answers.call("getRobotsName", HttpMethod.GET, "/api/v1/robots/nightly", null);
    answers.call("getRobotsName", HttpMethod.GET, "/api/v1/robots/nobody", null);
    answers.call("postRobotsNameSchedulePause", HttpMethod.POST, "/api/v1/robots/nightly/schedule/pause", null);
    answers.call("getRobotsName", HttpMethod.GET, "/api/v1/robots/nightly", null); // paused schedule
    answers.call("postRobotsNameScheduleResume", HttpMethod.POST, "/api/v1/robots/nightly/schedule/resume", null);
    answers.call("postRobotsNameSchedulePause", HttpMethod.POST, "/api/v1/robots/hello/schedule/pause", null); // no schedule
    answers.call("postConfigReload", HttpMethod.POST, "/api/v1/config/reload", null);
    answers.call("getCluster", HttpMethod.GET, "/api/v1/cluster", null);
    answers.call("getNotifications", HttpMethod.GET, "/api/v1/notifications?limit=10", null);
    answers.call("getNotifications", HttpMethod.GET, "/api/v1/notifications?job=nope", null);
    answers.call("getPaths", HttpMethod.GET, "/api/v1/paths?site=shop.example&retired=true&limit=10", null);
    answers.call("deletePaths", HttpMethod.DELETE, "/api/v1/paths?site=shop.example", null);
    answers.call("deletePaths", HttpMethod.DELETE, "/api/v1/paths", null); // which site?
    answers.call("deletePathsId", HttpMethod.DELETE, "/api/v1/paths/987654321", null); // none such: 404
    answers.call("deletePathsId", HttpMethod.DELETE, "/api/v1/paths/not-an-id", null);
    answers.call("getCosts", HttpMethod.GET, "/api/v1/costs?robot=hello&since=2026-01-01T00:00:00Z", null);
    answers.call("getCosts", HttpMethod.GET, "/api/v1/costs?since=yesterday", null);
    answers.call("getOverview", HttpMethod.GET, "/api/v1/overview", null);
    answers.call("getOverview", HttpMethod.GET, "/api/v1/overview?window=forever", null);
    answers.call("getOpenapiJson", HttpMethod.GET, "/api/v1/openapi.json", null, null, null);

    answers.call("putSecretsName", HttpMethod.PUT, "/api/v1/secrets/crm-password", new JsonObject().put("value", "s3cret"));
    answers.call("putSecretsName", HttpMethod.PUT, "/api/v1/secrets/crm-password", new JsonObject().put("value", 42));
    answers.call("getSecrets", HttpMethod.GET, "/api/v1/secrets", null);
    answers.call("getSecretsNameUses", HttpMethod.GET, "/api/v1/secrets/crm-password/uses", null);
    answers.call("postSecretsRekey", HttpMethod.POST, "/api/v1/secrets/rekey", null);
    answers.call("deleteSecretsName", HttpMethod.DELETE, "/api/v1/secrets/crm-password", null);
    answers.call("deleteSecretsName", HttpMethod.DELETE, "/api/v1/secrets/crm-password", null); // gone: 404

    answers.call("postTokens", HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "ci-viewer").put("role", "viewer"));
    answers.call("postTokens", HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("name", "ci-king").put("role", "king"));
    answers.call("getTokens", HttpMethod.GET, "/api/v1/tokens", null);
    answers.call("deleteTokensName", HttpMethod.DELETE, "/api/v1/tokens/ci-viewer", null);
    answers.call("deleteTokensName", HttpMethod.DELETE, "/api/v1/tokens/ci-viewer", null);
  }

  private void refusals() {
    String viewer = grid.token("just-looking", "viewer");
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", "{\"robot\": ", TestGrid.ADMIN_TOKEN, null);
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "nobody"));
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "hello").put("colour", "red"));
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "hello").put("input", new JsonObject().put("blob", "x".repeat(100 * 1024))));
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "hello"), "rgt_wrong", null);
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "hello"), viewer, null);
    MultiMap key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "order-1");
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "hello"), TestGrid.ADMIN_TOKEN, key);
    answers.call("postJobs", HttpMethod.POST, "/api/v1/jobs", new JsonObject().put("robot", "slow"), TestGrid.ADMIN_TOKEN, key); // reused
    answers.call("getJobs", HttpMethod.GET, "/api/v1/jobs?state=SLEEPING", null);
    answers.call("getJobs", HttpMethod.GET, "/api/v1/jobs", null, null, null);
    answers.call("getJobsId", HttpMethod.GET, "/api/v1/jobs/" + UUID.randomUUID(), null);
    answers.call("getJobsIdEvents", HttpMethod.GET, "/api/v1/jobs/" + UUID.randomUUID() + "/events?after=-1", null);
    answers.call("postJobsIdRerun", HttpMethod.POST, "/api/v1/jobs/" + UUID.randomUUID() + "/rerun", null);
    answers.call("getSecrets", HttpMethod.GET, "/api/v1/secrets", null, viewer, null);
    answers.call("getStream", HttpMethod.GET, "/api/v1/stream", null, null, null);
    answers.call("getStream", HttpMethod.GET, "/api/v1/stream?after=soon", null);
    assertTrue(answers.seen().get("postJobs").containsAll(Set.of(201, 400, 401, 403, 404, 409, 413)), "postJobs: " + answers.seen().get("postJobs"));
  }
}
