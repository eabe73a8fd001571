package io.robogrid.runner.goal;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.GoalSites;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Goal runs in real Chromium on sites no test step names an element of: the rules reach each goal without a model,
 * the second run replays the cached path (no model decision), and the data's secret is typed but shown
 * nowhere.
 */
@ExtendWith(VertxExtension.class)
class GoalTasksTest {
  static final Duration SOON = Duration.ofSeconds(120);
  private TestGrid grid;
  private String sites;

  @BeforeEach
  void start(Vertx vertx) {
    sites = GoalSites.serve(vertx);
    grid = TestGrid.start(vertx, null, 4, "browser:2");
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  static JsonObject goal(String goal, String startUrl, JsonObject success, JsonObject data) {
    return inline(null, step("reach", "browser.goal", new JsonObject().put("goal", goal).put("startUrl", startUrl).put("success", success)
        .put("data", data).put("decider", new JsonArray().add("cache").add("rules"))));
  }

  /** Runs the request, expects success, answers the goal step's output. */
  private JsonObject reach(JsonObject request) {
    String id = grid.submit(request).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", job.getString("state"), job.encodePrettily() + "\n" + grid.events(id).encodePrettily());
    return job.getJsonObject("steps").getJsonObject("reach").getJsonObject("output").put("jobId", id).put("metrics", job.getJsonObject("metrics"));
  }

  /** A first run on rules alone, then a second that replays the path: every action from the cache, none from a model. */
  private void reachedTwice(JsonObject request, String wantSecondCache) {
    JsonObject first = reach(request);
    assertTrue(first.getBoolean("reached"));
    assertEquals("miss", first.getString("cache"));
    assertEquals(0, first.getJsonObject("decisions").getInteger("local", 0) + first.getJsonObject("decisions").getInteger("llm", 0));
    JsonObject second = reach(request);
    assertEquals(wantSecondCache, second.getString("cache"), second.encodePrettily());
    assertEquals(0, second.getJsonObject("decisions").getInteger("local", 0) + second.getJsonObject("decisions").getInteger("llm", 0),
        "the replay needed no model");
    if (wantSecondCache.equals("replayed")) {
      // every action from the cache (the time it saves is measured by scripts/bench goals, not asserted here)
      assertEquals(first.getInteger("steps"), second.getJsonObject("decisions").getInteger("cache"), second.encodePrettily());
      JsonObject goalMetrics = second.getJsonObject("metrics").getJsonObject("goal");
      assertTrue(goalMetrics.getBoolean("cacheHit"), goalMetrics.encode());
      assertEquals(1, goalMetrics.getInteger("replayed"), goalMetrics.encode());
    }
  }

  @Test
  void aSignUpFormWithLabelsOnlyIsFilledAndSentWithoutShowingTheSecret() {
    grid.call(HttpMethod.PUT, "/api/v1/secrets/club-password", new JsonObject().put("value", "pa55-w0rd-xyz").encode());
    JsonObject request = goal("create an account for ${input.name}", sites + "/signup/index.html",
        new JsonObject().put("textPresent", "Welcome, Ada Lovelace!"),
        new JsonObject().put("name", "${input.name}").put("email", "ada@example.com").put("password", "${secret:club-password}"));
    request.put("input", new JsonObject().put("name", "Ada Lovelace"));
    reachedTwice(request, "replayed");
    String id = reach(request).getString("jobId");
    String events = grid.events(id).encode();
    assertTrue(events.contains("goal.decision"), events);
    assertFalse(events.contains("pa55-w0rd-xyz"), "the secret is in the event stream");
    assertTrue(events.contains("No offers, as you wished") || !events.contains("offers and the newsletter\",\"action\":\"check"),
        "the newsletter box is not consent: it must stay unticked");
    JsonArray artifacts = grid.get("/api/v1/jobs/" + id + "/artifacts").bodyAsJsonObject().getJsonArray("artifacts");
    String log = grid.get("/api/v1/jobs/" + id + "/artifacts/" + artifacts.getJsonObject(0).getString("name")).bodyAsString();
    assertTrue(log.contains("\"decisions\""), log);
    assertFalse(log.contains("pa55-w0rd-xyz"), "the secret is in the decision log");
  }

  @Test
  void aWizardWithACookieBannerAndADelayedModalIsWalkedThrough() {
    JsonObject request = goal("add a group named ops-team", sites + "/wizard/index.html",
        new JsonObject().put("textPresent", "Group ops-team created, owner ops@example.com (Admin)"),
        new JsonObject().put("groupName", "ops-team").put("owner", "ops@example.com").put("role", "Admin"));
    reachedTwice(request, "replayed");
  }

  @Test
  void aSearchResultsDetailBookFlowIsFoundByTheLocalModelAndThenReplayed() {
    JsonObject request = goal("register ${input.name} for the Tuesday swimming class", sites + "/classes/index.html",
        new JsonObject().put("textPresent", "Swimming – Tuesday 18:00 for Ada Lovelace"),
        new JsonObject().put("name", "${input.name}").put("email", "ada@example.com").put("query", "swimming"));
    request.getJsonObject("workflow").getJsonArray("steps").getJsonObject(0).getJsonObject("with").put("decider", new JsonArray().add("cache").add("rules").add("local"));
    request.put("input", new JsonObject().put("name", "Ada Lovelace"));
    JsonObject first = reach(request);
    assertTrue(first.getJsonObject("decisions").getInteger("local", 0) > 0, "the rules alone cannot choose among the classes: " + first.encode());
    JsonObject second = reach(request);
    assertEquals("replayed", second.getString("cache"), second.encodePrettily());
    assertEquals(0, second.getJsonObject("decisions").getInteger("local", 0), "the replay needed no model");
    // how much faster a replay is, is measured by scripts/bench goals, not asserted here
    assertTrue(second.containsKey("timeSavedMs"), second.encodePrettily());
  }

  /**
   * A sign-in, a link to follow, a form with a list and a question for a label: the replay with other data types every
   * datum again, even one the page shows already, and the path holds no click that did nothing.
   */
  @Test
  void aHelpdeskTicketIsOpenedAndReplayedWithOtherData() {
    for (String priority : List.of("Normal", "Low")) {
      JsonObject request = goal("open a support ticket about the VPN", sites + "/support/index.html",
          new JsonObject().put("textPresent", "opened: Broken VPN (" + priority + ")"),
          new JsonObject().put("username", "user1").put("password", "pw-1").put("subject", "Broken VPN")
              .put("description", "It stopped working this morning").put("priority", priority));
      request.getJsonObject("workflow").getJsonArray("steps").getJsonObject(0).getJsonObject("with").put("decider", new JsonArray().add("cache").add("rules").add("local"));
      JsonObject out = reach(request);
      assertEquals(priority.equals("Normal") ? "miss" : "replayed", out.getString("cache"), out.encodePrettily());
    }
    JsonArray steps = grid.get("/api/v1/paths").bodyAsJsonObject().getJsonArray("paths").getJsonObject(0).getJsonArray("steps");
    assertEquals(8, steps.size(), "two fills, sign in, the link, subject, priority, description, send: " + steps.encodePrettily());
  }

  @Test
  void thePathCacheIsListedAndDeletedThroughTheApi() {
    JsonObject request = goal("add a group named ops-team", sites + "/wizard/index.html",
        new JsonObject().put("textPresent", "Group ops-team created"),
        new JsonObject().put("groupName", "ops-team").put("owner", "ops@example.com").put("role", "Admin"));
    reach(request);
    JsonArray paths = grid.get("/api/v1/paths").bodyAsJsonObject().getJsonArray("paths");
    assertEquals(1, paths.size(), paths.encodePrettily());
    JsonObject path = paths.getJsonObject(0);
    assertEquals("add a group named {groupname}", path.getString("goalKey"));
    assertEquals(sites, path.getString("site"));
    assertTrue(path.getJsonArray("steps").size() >= 6, path.encodePrettily());
    assertFalse(path.encode().contains("ops@example.com"), "a cached path holds data names, not their values");
    assertEquals(200, grid.call(HttpMethod.DELETE, "/api/v1/paths/" + path.getLong("id"), null).statusCode());
    assertEquals(404, grid.call(HttpMethod.DELETE, "/api/v1/paths/" + path.getLong("id"), null).statusCode());
    assertEquals("miss", reach(request).getString("cache"), "deleted means forgotten");
  }

  @Test
  void aFormWhoseButtonMovesIsSentOnEveryRun() {
    JsonObject request = goal("add a group named ops-team", sites + "/groups/index.html",
        new JsonObject().put("textPresent", "Group ops-team added"), new JsonObject().put("groupName", "ops-team"));
    for (int run = 0; run < 4; run++) {
      JsonObject out = reach(request);
      assertTrue(List.of("miss", "replayed", "partial").contains(out.getString("cache")), out.encode());
    }
  }
}
