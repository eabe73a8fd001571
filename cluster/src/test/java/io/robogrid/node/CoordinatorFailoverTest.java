package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two coordinator nodes share one PostgreSQL and dispatch at the same time; one is killed with {@code kill -9} while
 * jobs flow. No job is lost, none is claimed twice, and none runs on two nodes at once: every job succeeds exactly
 * once, and the coordinator's death costs a job at most a retry.
 */
class CoordinatorFailoverTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "work", "retry": {"maxAttempts": 2, "backoff": "100ms"},
        "steps": [{"id": "do", "type": "wait", "with": {"duration": "400ms"}}]}]}""";

  @Test
  void killingOneOfTwoCoordinatorsLosesNoJobAndClaimsNoneTwice() throws Exception {
    try (TestCluster cluster = new TestCluster(ROBOTS).sharedDatabase()) {
      NodeProcess doomed = cluster.node("coordinator,router,web", null).start();
      NodeProcess kept = cluster.node("coordinator,router,web", null).start();
      cluster.node("runner", "http").start();
      cluster.node("runner", "http").start();
      Api api = new Api(kept.url());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (api.get("/api/v1/cluster").getJsonArray("nodes").size() < 4 && System.nanoTime() < deadline) Thread.sleep(100);

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 24; i++) ids.add(api.post("/api/v1/jobs", new JsonObject().put("robot", "work")).getString("id"));
      Thread.sleep(700); // both coordinators are dispatching now
      doomed.kill9();
      for (int i = 0; i < 16; i++) ids.add(api.post("/api/v1/jobs", new JsonObject().put("robot", "work")).getString("id"));

      for (String id : ids) {
        JsonObject done = api.awaitState(id, Duration.ofSeconds(60), "SUCCEEDED", "FAILED", "CANCELLED");
        assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
      }

      String jdbc = cluster.jdbcUrl();
      try (Connection c = DriverManager.getConnection(jdbc)) {
        for (String id : ids) {
          List<String> states = new ArrayList<>();
          List<Timestamp[]> ran = new ArrayList<>();
          try (ResultSet r = c.createStatement().executeQuery(
              "SELECT attempt, state, started_at, finished_at FROM attempts WHERE job_id = '" + id + "' ORDER BY attempt")) {
            while (r.next()) {
              states.add(r.getString("state"));
              if (r.getTimestamp("started_at") != null) ran.add(new Timestamp[] {r.getTimestamp("started_at"), r.getTimestamp("finished_at")});
            }
          }
          assertEquals(1, states.stream().filter("SUCCEEDED"::equals).count(), id + ": " + states);
          // a runner may refuse a job two routers both promised it (HANDED_BACK, it never ran): not a retry
          assertTrue(ran.size() <= 2, "more than one retry for " + id + ": " + states);
          assertTrue(states.stream().allMatch(s -> s.equals("SUCCEEDED") || s.equals("LOST") || s.equals("HANDED_BACK")), id + ": " + states);
          for (int i = 1; i < ran.size(); i++) {
            assertTrue(!ran.get(i)[0].before(ran.get(i - 1)[1]), id + " ran twice at once: " + states);
          }
          try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM step_results WHERE job_id = '" + id + "' AND state = 'SUCCEEDED'")) {
            r.next();
            assertEquals(1, r.getInt(1), id + " did its work more than once");
          }
        }
        try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM attempts WHERE state <> 'SUCCEEDED'")) {
          r.next();
          System.out.printf("FIGURE coordinator kill-9: %d jobs, %d attempts not succeeded (lost or handed back)%n", ids.size(), r.getInt(1));
        }
      }
    }
  }
}
