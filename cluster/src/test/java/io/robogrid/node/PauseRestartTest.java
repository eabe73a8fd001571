package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A pause outlives the node: a job paused mid-DAG stays PAUSED through a restart (SIGTERM, a new JVM on the same data),
 * and once resumed it ends SUCCEEDED with each step run once, the steps after the pause using the outputs of those before.
 */
class PauseRestartTest {
  private static final String DAG = """
      {"robots": [{"name": "dag", "steps": [
        {"id": "fetch", "type": "set", "with": {"order": "${input.order}"}},
        {"id": "left", "type": "wait", "needs": ["fetch"], "with": {"duration": "2s"}},
        {"id": "right", "type": "wait", "needs": ["fetch"], "with": {"duration": "2s"}},
        {"id": "book", "type": "log", "needs": ["left", "right"], "with": {"message": "booked ${steps.fetch.output.order}"}}]}]}""";
  private static final String RUNNER = "{\"capabilities\": [\"http\"], \"slots\": 2, \"heartbeatInterval\": \"1s\", \"shutdownGrace\": \"1s\"}";

  @Test
  void aJobPausedMidDagSurvivesARestartAndResumesFromWhereItStopped() throws Exception {
    try (NodeProcess node = new NodeProcess(DAG, RUNNER).start()) {
      Api api = new Api(node.url());
      String id = api.post("/api/v1/jobs", new JsonObject().put("robot", "dag").put("input", new JsonObject().put("order", "A-7"))).getString("id");
      awaitStep(api, id, "left", "RUNNING");
      assertEquals("RUNNING", api.post("/api/v1/jobs/" + id + "/pause", null).getString("state"));
      JsonObject paused = api.awaitState(id, Duration.ofSeconds(20), "PAUSED", "SUCCEEDED", "FAILED");
      assertEquals("PAUSED", paused.getString("state"), paused.encodePrettily());
      assertEquals("PENDING", paused.getJsonObject("steps").getJsonObject("book").getString("state"), paused.encodePrettily());

      assertEquals(0, node.terminate(Duration.ofSeconds(30)), "graceful stop did not exit 0:\n" + Files.readString(node.log()));
      node.start();
      JsonObject after = api.get("/api/v1/jobs/" + id);
      assertEquals("PAUSED", after.getString("state"), "the restart did not let the job go: " + after.encodePrettily());
      assertEquals(new JsonArray().add("fetch").add("left").add("right"), after.getJsonArray("carriedSteps"));

      assertEquals("QUEUED", api.post("/api/v1/jobs/" + id + "/resume", null).getString("state"));
      JsonObject done = api.awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
      assertEquals("booked A-7", done.getJsonObject("steps").getJsonObject("book").getJsonObject("output").getString("message"));
      Map<String, Integer> starts = new TreeMap<>();
      for (Object o : api.get("/api/v1/jobs/" + id + "/events").getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        if (e.getString("type").equals("step.started")) starts.merge(e.getJsonObject("data").getString("step"), 1, Integer::sum);
      }
      assertEquals(Map.of("book", 1, "fetch", 1, "left", 1, "right", 1), starts, "each step ran once");
    }
  }

  private static void awaitStep(Api api, String id, String step, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (state.equals(api.get("/api/v1/jobs/" + id).getJsonObject("steps").getJsonObject(step).getString("state"))) return;
      Thread.sleep(20);
    }
    throw new AssertionError("step " + step + " never " + state);
  }
}
