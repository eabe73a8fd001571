package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A node is a process that can die at any moment: killed with {@code kill -9} mid-job it loses nothing (the job runs
 * again after the restart, under its robot's policy), and stopped with SIGTERM it hands unfinished work back and
 * leaves no PostgreSQL behind.
 */
class NodeRecoveryTest {
  private static final String SLOW = """
      {"robots": [{"name": "slow", "retry": {"maxAttempts": 2, "backoff": "200ms"},
        "steps": [{"id": "nap", "type": "wait", "with": {"duration": "4s"}}]}]}""";
  private static final String RUNNER = "{\"capabilities\": [\"http\"], \"slots\": 4, \"heartbeatInterval\": \"1s\", \"shutdownGrace\": \"1s\"}";

  @Test
  void aJobRunningWhenTheNodeIsKilledCompletesAfterTheRestart() throws Exception {
    try (NodeProcess node = new NodeProcess(SLOW, RUNNER).start()) {
      Api api = new Api(node.url());
      String id = api.post("/api/v1/jobs", new JsonObject().put("robot", "slow")).getString("id");
      api.awaitState(id, Duration.ofSeconds(20), "RUNNING");

      node.kill9();
      assertTrue(node.postgresRunning(), "the test expects kill -9 to leave PostgreSQL behind");
      node.start();

      JsonObject done = api.awaitState(id, Duration.ofSeconds(40), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
      assertEquals(2, done.getInteger("attempt"), "the killed attempt and exactly one more");
      assertEquals(1, done.getInteger("lostAttempts"), "the lost attempt did not count as a failure");
      assertNull(done.getJsonObject("error"));
      String log = Files.readString(node.log());
      assertTrue(log.contains("from an earlier run still holds"), "the orphan postmaster was not handled:\n" + log);
      assertTrue(log.contains("attempt 1 lost: node"), log);
    }
  }

  /**
   * The node's own PostgreSQL killed outright under running jobs: the node starts it again on the same data, says so
   * on {@code /health}, and the jobs (one attempt each, so a loss would fail them) succeed on their first attempt.
   */
  @Test
  void theNodeStartsItsKilledDatabaseAgainAndItsRunningJobsSucceed() throws Exception {
    String once = """
        {"robots": [{"name": "once", "steps": [{"id": "nap", "type": "wait", "with": {"duration": "3s"}},
          {"id": "note", "type": "log", "needs": ["nap"], "with": {"message": "done"}}]}]}""";
    try (NodeProcess node = new NodeProcess(once, RUNNER).start()) {
      Api api = new Api(node.url());
      java.util.List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) ids.add(api.post("/api/v1/jobs", new JsonObject().put("robot", "once")).getString("id"));
      for (String id : ids) api.awaitState(id, Duration.ofSeconds(20), "RUNNING");
      long pid = Long.parseLong(Files.readAllLines(node.home.resolve("data/postgres/postmaster.pid")).get(0).trim());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      JsonObject health = null;
      boolean sawItDown = false;
      while (System.nanoTime() < deadline) {
        health = api.health();
        if (health != null && health.getInteger("httpStatus") == 503) sawItDown = true;
        if (health != null && health.getInteger("httpStatus") == 200 && health.getJsonObject("database").getInteger("restarts") == 1) break;
        Thread.sleep(20);
      }
      assertTrue(health != null && health.getJsonObject("database").getInteger("restarts") == 1, "not restarted: " + health);
      assertEquals("RUNNING", health.getJsonObject("database").getString("state"));
      assertTrue(health.getJsonObject("database").containsKey("lastExitAt"), health.encodePrettily());
      for (String id : ids) {
        JsonObject done = api.awaitState(id, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
        assertEquals(1, done.getInteger("attempt"), done.encodePrettily());
      }
      String log = Files.readString(node.log());
      assertTrue(log.contains("has exited: starting it again"), log);
      System.out.println("embedded PostgreSQL killed under 3 running jobs: /health answered 503 meanwhile: " + sawItDown);
    }
  }

  @Test
  void sigtermHandsBackRunningJobsAndStopsEverything() throws Exception {
    try (NodeProcess node = new NodeProcess(SLOW, RUNNER).start()) {
      Api api = new Api(node.url());
      String id = api.post("/api/v1/jobs", new JsonObject().put("robot", "slow")).getString("id");
      api.awaitState(id, Duration.ofSeconds(20), "RUNNING");

      assertEquals(0, node.terminate(Duration.ofSeconds(30)), "graceful stop did not exit 0:\n" + Files.readString(node.log()));
      assertFalse(node.postgresRunning(), "the embedded PostgreSQL outlived its node");
      String log = Files.readString(node.log());
      assertTrue(log.contains("attempt 1 ended: HANDED_BACK"), log);

      node.start();
      JsonObject done = api.awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"));
      // a hand-back is not a failure: the retry budget of 2 was not touched
      JsonObject events = api.get("/api/v1/jobs/" + id + "/events");
      assertTrue(events.getJsonArray("events").stream().map(e -> ((JsonObject) e).getJsonObject("data"))
          .anyMatch(d -> "QUEUED".equals(d.getString("to")) && "RUNNING".equals(d.getString("from"))), events.encodePrettily());
    }
  }
}
