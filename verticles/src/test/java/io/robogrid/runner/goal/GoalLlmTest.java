package io.robogrid.runner.goal;

import static io.robogrid.runner.goal.GoalTasksTest.SOON;
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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The language-model level end to end on a node: configured in the runner's settings with its key as a RoboGrid
 * secret, asked over the OpenAI wire protocol by real goal runs in Chromium, its tokens priced, its cost summed by
 * {@code GET /costs}, the budget enforced. The "model" is this test's script (it reads the page the run sends and picks
 * what the test wants): this checks the protocol and the plumbing, not a model's judgement.
 */
@ExtendWith(VertxExtension.class)
class GoalLlmTest {
  private static final String KEY = "sk-test-7f3a9c1e";
  private FakeLlmServer llm;
  private TestGrid grid;
  private String sites;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    llm = new FakeLlmServer();
    sites = GoalSites.serve(vertx);
    JsonObject goal = new JsonObject()
        .put("llm", new JsonObject().put("provider", "openai").put("baseUrl", llm.url()).put("model", "test-model").put("apiKeySecret", "llm-key")
            .put("timeout", "5s"))
        .put("prices", new JsonObject().put("test-model", new JsonObject().put("inputPerMillion", 2.5).put("outputPerMillion", 10.0)));
    grid = TestGrid.start(vertx, null, 2, new JsonObject().put("goal", goal), "browser:1");
    grid.call(HttpMethod.PUT, "/api/v1/secrets/llm-key", new JsonObject().put("value", KEY).encode());
  }

  @AfterEach
  void stop(Vertx vertx) {
    llm.close();
    Await.result(vertx.close());
  }

  private JsonObject ticket(JsonArray levels, double maxCostUsd) {
    return TestGrid.inline(null, TestGrid.step("reach", "browser.goal", new JsonObject().put("goal", "open a support ticket about the broken printer")
        .put("startUrl", sites + "/support/index.html").put("success", new JsonObject().put("textPresent", "opened: Printer broken (High)"))
        .put("data", new JsonObject().put("username", "ada").put("password", "${secret:llm-key}").put("subject", "Printer broken")
            .put("description", "The printer on floor 2 jams on every page").put("priority", "High"))
        .put("decider", levels).put("budget", new JsonObject().put("maxCostUsd", maxCostUsd))));
  }

  /** The test's script: type what is not typed yet into the field that names it, else press the way forward. */
  private static FakeLlmServer.Reply decide(FakeLlmServer.Request r) {
    JsonArray messages = r.json().getJsonArray("messages");
    String prompt = messages.getJsonObject(messages.size() - 1).getString("content");
    String pageLine = prompt.substring(prompt.indexOf("Page:\n") + 6).lines().findFirst().orElseThrow();
    JsonArray elements = new JsonObject(pageLine).getJsonArray("elements");
    String untyped = prompt.lines().filter(l -> l.startsWith("Not typed yet: ")).findFirst().orElse("Not typed yet: none").substring(15);
    for (String key : untyped.equals("none") ? List.<String>of() : List.of(untyped.split(", "))) {
      String word = key.equals("description") ? "happened" : key;
      for (Object o : elements) {
        JsonObject e = (JsonObject) o;
        if ((e.getString("name", "") + " " + e.getString("label", "")).toLowerCase().contains(word) && !"button".equals(e.getString("role"))) {
          String action = e.containsKey("options") ? "select" : "fill";
          return FakeLlmServer.Reply.answer(new JsonObject().put("action", action).put("target", e.getString("ref")).put("dataKey", key)
              .put("reason", "the field for " + key).put("confidence", 0.9).encode(), 900, 40);
        }
      }
    }
    for (String forward : List.of("Sign in", "Open ticket", "New ticket")) {
      for (Object o : elements) {
        JsonObject e = (JsonObject) o;
        if (forward.equals(e.getString("name"))) {
          return FakeLlmServer.Reply.answer(new JsonObject().put("action", "click").put("target", e.getString("ref"))
              .put("reason", "on to " + forward).put("confidence", 0.8).encode(), 900, 40);
        }
      }
    }
    return FakeLlmServer.Reply.answer("{\"action\": \"give-up\", \"reason\": \"the script has nothing for this page\"}", 900, 20);
  }

  @Test
  void aGoalReachedByTheLanguageModelAloneIsPricedAndSummed() {
    Instant since = Instant.now().minusSeconds(1);
    llm.answering(GoalLlmTest::decide);
    String id = grid.submit(ticket(new JsonArray().add("llm"), 1.0)).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", job.getString("state"), job.encodePrettily() + grid.events(id).encodePrettily());
    JsonObject out = job.getJsonObject("steps").getJsonObject("reach").getJsonObject("output");
    int decisions = out.getJsonObject("decisions").getInteger("llm");
    assertEquals(llm.requests.size(), decisions, "one request per decision: " + out.encode());
    // 900 tokens in at $2.50 and 40 out at $10 per million, for each decision
    double each = 900 * 2.5 / 1e6 + 40 * 10.0 / 1e6;
    assertEquals(Math.round(each * decisions * 10_000) / 10_000.0, out.getDouble("costUsd"), 1e-9);
    for (FakeLlmServer.Request r : llm.requests) {
      assertEquals("Bearer " + KEY, r.header("Authorization"), "the key comes from the secret");
      assertTrue(r.json().getString("model").equals("test-model"));
    }
    String events = grid.events(id).encode();
    assertFalse(events.contains(KEY), "the key (also the password here) is in the events");
    assertTrue(grid.get("/api/v1/secrets/llm-key/uses").bodyAsString().contains(id), "the key's use by the step is audited");
    JsonObject decision = grid.events(id).getJsonArray("events").stream().map(JsonObject.class::cast)
        .filter(e -> "goal.decision".equals(e.getString("type"))).findFirst().orElseThrow().getJsonObject("data");
    assertEquals("llm", decision.getString("level"));
    assertEquals("openai", decision.getString("provider"));
    assertEquals("test-model", decision.getString("model"));
    assertEquals(900, decision.getInteger("tokensIn"));
    assertEquals(40, decision.getInteger("tokensOut"));

    JsonObject costs = grid.get("/api/v1/costs?since=" + since).bodyAsJsonObject();
    assertEquals(decisions, costs.getJsonObject("total").getLong("decisions"), costs.encodePrettily());
    assertEquals(out.getDouble("costUsd"), costs.getJsonObject("total").getDouble("costUsd"), 1e-9);
    assertEquals(1, costs.getJsonObject("total").getLong("jobs"));
    assertEquals(900L * decisions, costs.getJsonObject("total").getLong("tokensIn"));
  }

  @Test
  void aRunThatSpendsItsBudgetEndsBudgetExceeded() {
    // every answer costs $0.25 (100,000 tokens in) and goes nowhere: the second decision may not be bought
    llm.answering(r -> FakeLlmServer.Reply.answer("{\"action\": \"click\", \"target\": \"e1\", \"reason\": \"try the first link\", \"confidence\": 0.9}",
        100_000, 10));
    String id = grid.submit(ticket(new JsonArray().add("llm"), 0.05)).getString("id");
    JsonObject job = grid.awaitState(id, SOON, "SUCCEEDED", "FAILED");
    assertEquals("BUDGET_EXCEEDED", job.getJsonObject("error").getString("code"), job.encodePrettily());
    assertEquals(1, llm.requests.size(), "no call past the budget");
  }
}
