package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.cli.RoboGridCli;
import io.robogrid.testing.SampleAgent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agents across node JVMs: the agent talks to one web node, the job was submitted to another, its step runs on a
 * runner-only node and the claims are swept by the coordinator of a third. The sample agent completes a job that way;
 * a killed one loses its claim, the work goes to an agent of another web node, and the dead one's report is refused.
 */
class AgentClusterTest {
  private static final Duration WITHIN = Duration.ofSeconds(60);

  private static JsonObject agentJob(JsonObject with) {
    return new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("id", "crm").put("type", "agent").put("with", with.put("capability", "crm")))));
  }

  private static HttpResponse<String> call(String method, String url, String token, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> stepLog(Api api, String job) throws Exception {
    return api.get("/api/v1/jobs/" + job + "/events").getJsonArray("events").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("type").equals("step.log")).map(e -> e.getJsonObject("data").getString("message")).toList();
  }

  @Test
  void agentsWorkThroughAnyWebNodeForAStepRunningOnAnotherNode() throws Exception {
    try (TestCluster cluster = new TestCluster(null).sharedDatabase()) {
      NodeProcess hub = cluster.node("coordinator,router,web", null).env("ROBOGRID_AGENT_TIMEOUT", "3s").start();
      NodeProcess runner = cluster.node("runner", "http").start();
      NodeProcess edge = cluster.node("web", null).env("ROBOGRID_AGENT_TIMEOUT", "3s").start();
      Api api = new Api(hub.url());
      String token = api.post("/api/v1/tokens", new JsonObject().put("name", "crm-agents").put("role", "agent")).getString("token");

      String job = api.post("/api/v1/jobs", agentJob(new JsonObject().put("account", 42).put("sleep", 1))).getString("id");
      try (SampleAgent agent = SampleAgent.start(edge.url(), token, "crm-edge", "crm", "--once")) {
        JsonObject done = api.awaitState(job, WITHIN, "SUCCEEDED", "FAILED");
        assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
        assertEquals(runner.nodeId(), done.getString("node"));
        assertEquals(new JsonObject().put("echo", new JsonObject().put("account", 42).put("sleep", 1)).put("agent", "crm-edge"),
            done.getJsonObject("steps").getJsonObject("crm").getJsonObject("output"));
        assertEquals(0, agent.exitCode(Duration.ofSeconds(10)), agent.output());
      }
      List<String> log = stepLog(api, job);
      assertTrue(log.contains("agent crm-edge claimed the work (attempt 1)"), "news from the edge node reached the runner: " + log);

      // a killed agent loses its claim; an agent of the other web node gets the work, the dead one's report is refused
      String slow = api.post("/api/v1/jobs", agentJob(new JsonObject().put("sleep", 120))).getString("id");
      SampleAgent doomed = SampleAgent.start(edge.url(), token, "doomed", "crm");
      doomed.await(l -> l.contains("claimed job " + slow), WITHIN);
      doomed.kill();
      HttpResponse<String> work = call("GET", hub.url() + "/api/v1/agents/rescuer/work?capability=crm&wait=30s", token, null);
      assertEquals(200, work.statusCode(), work.body());
      assertEquals(2, new JsonObject(work.body()).getInteger("attempt"));
      JsonObject late = new JsonObject().put("type", "result").put("step", "crm").put("attempt", 1).put("output", new JsonObject());
      HttpResponse<String> refused = call("POST", edge.url() + "/api/v1/jobs/" + slow + "/events", token, late);
      assertEquals(409, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("handed out again as attempt 2"), refused.body());
      HttpResponse<String> ok = call("POST", hub.url() + "/api/v1/jobs/" + slow + "/events", token,
          late.copy().put("attempt", 2).put("output", new JsonObject().put("by", "rescuer")));
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("SUCCEEDED", api.awaitState(slow, WITHIN, "SUCCEEDED", "FAILED").getString("state"));
      assertTrue(stepLog(api, slow).contains("agent doomed lost its claim (attempt 1): no heartbeat in time; the work is offered again"));

      ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
      int exit = RoboGridCli.run(new String[] {"--url", edge.url(), "--token", NodeProcess.ADMIN_TOKEN, "status", "--cluster"},
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("AGENT") && text.contains("crm-edge") && text.contains("rescuer") && text.contains("doomed"), text);
    }
  }
}
