package io.robogrid.runner.goal;

import static io.robogrid.runner.goal.GoalTasksTest.SOON;
import static io.robogrid.runner.goal.GoalTasksTest.goal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.FreePorts;
import io.robogrid.testing.GoalSites;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How goal runs end when they do not reach their goal, and what a bad goal step gets at submission. */
@ExtendWith(VertxExtension.class)
class GoalEndingsTest {
  private TestGrid grid;
  private String sites;

  @BeforeEach
  void start(Vertx vertx) {
    sites = GoalSites.serve(vertx);
    grid = TestGrid.start(vertx, null, 4, "browser:1");
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  private JsonObject failed(JsonObject request) {
    String id = grid.submit(request).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("FAILED", job.getString("state"), job.encodePrettily());
    return job;
  }

  private List<String> artifacts(String id) {
    return grid.get("/api/v1/jobs/" + id + "/artifacts").bodyAsJsonObject().getJsonArray("artifacts").stream()
        .map(a -> ((JsonObject) a).getString("name")).sorted().toList();
  }

  @Test
  void aRunThatFindsNothingToDoGivesUpAndIsFlaggedForReviewWithItsPageAndDecisions() {
    // the class booking site offers nothing the rules could do for a group: no field names the data, nothing was entered
    JsonObject job = failed(goal("add a group named ops-team", sites + "/classes/index.html", new JsonObject().put("textPresent", "ops-team added"),
        new JsonObject().put("groupName", "ops-team")));
    assertEquals("GAVE_UP", job.getJsonObject("error").getString("code"));
    assertTrue(job.getJsonObject("error").getString("message").contains("no level"), job.getJsonObject("error").encode());
    assertEquals("GAVE_UP", job.getJsonObject("review").getString("reason"), "a give-up asks a person to look");
    String id = job.getString("id");
    assertEquals(List.of("reach-attempt1-try1-decisions.json", "reach-attempt1-try1-failure.html", "reach-attempt1-try1-failure.png"), artifacts(id));
    JsonObject log = new JsonObject(grid.get("/api/v1/jobs/" + id + "/artifacts/reach-attempt1-try1-decisions.json").bodyAsString());
    assertEquals(false, log.getBoolean("reached"));
    assertEquals("give-up", log.getJsonArray("decisions").getJsonObject(log.getJsonArray("decisions").size() - 1).getString("action"));
    assertTrue(grid.get("/api/v1/jobs?review=open").bodyAsJsonObject().encode().contains(id));
  }

  @Test
  void aRunThatNeedsMoreActionsThanItsMaxStepsEndsAsSuch() {
    JsonObject request = goal("add a group named ops-team", sites + "/wizard/index.html", new JsonObject().put("textPresent", "created"),
        new JsonObject().put("groupName", "ops-team").put("owner", "ops@example.com").put("role", "Admin"));
    request.getJsonObject("workflow").getJsonArray("steps").getJsonObject(0).getJsonObject("with").put("maxSteps", 2);
    JsonObject job = failed(request);
    assertEquals("MAX_STEPS_EXCEEDED", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertEquals(2, job.getJsonObject("metrics").getJsonObject("goal").getInteger("steps"));
  }

  @Test
  void aSiteNobodyAnswersForEndsSiteDown() {
    JsonObject job = failed(goal("add a group", "http://127.0.0.1:" + FreePorts.next() + "/", new JsonObject().put("textPresent", "added"),
        new JsonObject()));
    assertEquals("SITE_DOWN", job.getJsonObject("error").getString("code"), job.encodePrettily());
  }

  @Test
  void aBadGoalStepIsRefusedAtSubmissionNamingTheField() {
    JsonObject request = goal("x".repeat(501), "ftp://example.com/", new JsonObject().put("color", "blue"), new JsonObject().put("a b", "c"));
    request.getJsonObject("workflow").getJsonArray("steps").getJsonObject(0).getJsonObject("with").put("maxSteps", 0).put("decider", new io.vertx.core.json.JsonArray().add("oracle"));
    HttpResponse<Buffer> r = grid.post("/api/v1/jobs", request);
    assertEquals(400, r.statusCode());
    String message = r.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertEquals("INVALID_WORKFLOW", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    for (String field : List.of(".with.goal", ".with.startUrl", ".with.success", ".with.data.a b", ".with.maxSteps", ".with.decider")) {
      assertTrue(message.contains(field), field + " not named in: " + message);
    }
  }
}
