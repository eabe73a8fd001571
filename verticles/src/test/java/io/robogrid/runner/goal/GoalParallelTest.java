package io.robogrid.runner.goal;

import static io.robogrid.runner.goal.GoalTasksTest.SOON;
import static io.robogrid.runner.goal.GoalTasksTest.goal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.GoalSites;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ten goal runs at once over a node's three browser slots: each reaches its own goal, and no Chromium outlives the node. */
@ExtendWith(VertxExtension.class)
class GoalParallelTest {

  @Test
  void tenGoalRunsAtOnceDoNotInterfereAndLeaveNoBrowserBehind(Vertx vertx) {
    String sites = GoalSites.serve(vertx);
    TestGrid grid = TestGrid.start(vertx, null, 10, "browser:3");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String name = "Member " + (char) ('A' + i) + " Number" + i;
      JsonObject request = goal("create an account for ${input.name}", sites + "/signup/index.html",
          new JsonObject().put("textPresent", "Welcome, " + name + "!"),
          new JsonObject().put("name", "${input.name}").put("email", "m" + i + "@example.com").put("password", "secret-" + i));
      ids.add(grid.submit(request.put("input", new JsonObject().put("name", name))).getString("id"));
    }
    for (String id : ids) {
      JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", job.getString("state"), job.encodePrettily());
      assertTrue(job.getJsonObject("steps").getJsonObject("reach").getJsonObject("output").getBoolean("reached"));
    }
    assertTrue(chromiums() > 0, "the test expects the node's warm browsers to be running");
    Await.result(vertx.close());
    assertEquals(0, chromiums(), "a Chromium outlived the node");
  }

  /** Chromium processes started, at any depth, by this JVM (Playwright's driver starts them). */
  private static long chromiums() {
    return ProcessHandle.current().descendants().filter(p -> p.isAlive() && p.info().command().map(c -> c.contains("chrom")).orElse(false)).count();
  }
}
