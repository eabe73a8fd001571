package io.robogrid.runner.goal;

import static io.robogrid.runner.goal.FakeLlmServer.Reply.answer;
import static io.robogrid.runner.goal.FakeLlmServer.Reply.status;
import static io.robogrid.runner.goal.GoalPages.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Level 3 against a real HTTP server that speaks the OpenAI and Anthropic wire formats ({@link FakeLlmServer}). This
 * checks the protocol (what is sent, how answers, bad answers, errors and timeouts are handled, how tokens are
 * counted and priced), not a model's judgement: the server's answers are written here.
 */
class LlmDeciderTest {
  static final String SECRET = "hunter22-Secret!";
  static final String API_KEY = "sk-test-key-123";
  static final PriceTable PRICES = PriceTable.fromJson(new JsonObject().put("gpt-4o-mini", new JsonObject().put("inputPerMillion", 0.15).put("outputPerMillion", 0.60)));
  FakeLlmServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeLlmServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmDecider openAi(String timeout) {
    return LlmDecider.create(LlmOptions.fromJson(new JsonObject().put("provider", "openai").put("baseUrl", server.url()).put("model", "gpt-4o-mini")
        .put("apiKeySecret", "openai-key").put("timeout", timeout)), PRICES, () -> API_KEY);
  }

  /** On the results page, with a password among the data that the page and an earlier error happen to echo. */
  private static GoalState state() {
    GoalState s = GoalPages.state(SWIM_GOAL, Map.of("name", "Ada Lovelace", "password", SECRET), Set.of("password"));
    s.onPage(searchPage());
    s.record(Decision.of(Decider.Level.RULES, Decision.Action.FILL, searchPage().byRef("e7").orElseThrow(), "t", 1).typing("password", null), false,
        "could not type " + SECRET);
    JsonObject results = resultsPage().toJson().put("text", "Results. Your password " + SECRET + " expires soon.");
    s.onPage(PageDigest.fromJson(results.put("elements", new JsonArray(resultsPage().elements().stream().map(e -> (Object) raw(e)).toList()))));
    s.note("the page did not show 'Booked' after done");
    return s;
  }

  private static JsonObject raw(Element e) {
    return e.toJson().put("tag", e.tag()).put("selector", e.selector()).put("href", e.href()).put("form", e.form());
  }

  private static final String CLICK_E11 = "{\"action\": \"click\", \"target\": \"e11\", \"reason\": \"the Tuesday swimming class\", \"confidence\": 0.9}";

  @Test
  void sendsTheGoalAndThePageButNoSecretAndTurnsTheAnswerIntoADecision() {
    server.then(answer(CLICK_E11, 1200, 35));
    Decision d = openAi("5s").decide(state()).orElseThrow();

    assertEquals(1, server.requests.size());
    FakeLlmServer.Request req = server.requests.get(0);
    assertEquals("POST /v1/chat/completions", req.method() + " " + req.path());
    assertEquals("Bearer " + API_KEY, req.header("Authorization"));
    assertNull(req.header("Upgrade"), "HTTP/1.1, no h2c upgrade");
    JsonObject body = req.json();
    assertEquals("gpt-4o-mini", body.getString("model"));
    assertEquals("json_object", body.getJsonObject("response_format").getString("type"));
    JsonArray messages = body.getJsonArray("messages");
    assertEquals("system", messages.getJsonObject(0).getString("role"));
    String user = messages.getJsonObject(1).getString("content");
    assertTrue(user.contains(SWIM_GOAL), user);
    assertTrue(user.contains("\"ref\":\"e11\"") && user.contains("Swimming – Tuesday"), user);
    assertTrue(user.contains("Ada Lovelace") && user.contains("[secret]"), user);
    assertTrue(user.contains("FAILED") && user.contains("did not show 'Booked'"), "the history and the notes: " + user);
    assertFalse(req.body().contains(SECRET) || req.headers().toString().contains(SECRET), "a secret value was sent: " + req.body());

    assertEquals(Decider.Level.LLM, d.level());
    assertEquals(Decision.Action.CLICK, d.action());
    assertEquals("Swimming – Tuesday", d.target().name());
    assertEquals("the Tuesday swimming class", d.reason());
    assertEquals(0.9, d.confidence());
    assertEquals("openai", d.cost().provider());
    assertEquals("gpt-4o-mini", d.cost().model());
    assertEquals(1200, d.cost().tokensIn());
    assertEquals(35, d.cost().tokensOut());
    assertEquals((1200 * 0.15 + 35 * 0.60) / 1e6, d.cost().usd(), 1e-12);
    assertEquals(0.0002, PriceTable.shown(d.cost().usd()));
  }

  @Test
  void aMalformedAnswerIsSentBackOnceWithWhatIsWrongAndBothCallsAreCounted() {
    server.then(answer("Sure! I would click the Tuesday swimming link.", 1000, 20)).then(answer(CLICK_E11, 1100, 30));
    Decision d = openAi("5s").decide(state()).orElseThrow();
    assertEquals(Decision.Action.CLICK, d.action());
    assertEquals("e11", d.target().ref());
    assertEquals(2, server.requests.size());
    JsonArray retry = server.requests.get(1).json().getJsonArray("messages");
    assertEquals(4, retry.size());
    assertEquals("assistant", retry.getJsonObject(2).getString("role"));
    assertTrue(retry.getJsonObject(3).getString("content").contains("not a JSON object"), retry.encodePrettily());
    assertEquals(2100, d.cost().tokensIn());
    assertEquals(50, d.cost().tokensOut());
    assertEquals((2100 * 0.15 + 50 * 0.60) / 1e6, d.cost().usd(), 1e-12);
  }

  @Test
  void twoUnusableAnswersGiveUpSayingWhy() {
    server.then(answer("{\"action\": \"click\", \"target\": \"e99\", \"reason\": \"x\"}", 900, 10))
        .then(answer("{\"action\": \"fill\", \"target\": \"e7\", \"dataKey\": \"email\", \"reason\": \"y\"}", 950, 12))
        .then(answer(CLICK_E11, 1, 1));
    Decision d = openAi("5s").decide(state()).orElseThrow();
    assertEquals(Decision.Action.GIVE_UP, d.action());
    assertTrue(d.reason().contains("unusable") && d.reason().contains("no element 'e99'") && d.reason().contains("'email' is not one of the data"), d.reason());
    assertEquals(2, server.requests.size(), "one retry, no more");
    assertTrue(server.requests.get(1).body().contains("no element 'e99'"), "the retry says what was wrong");
    assertEquals(1850, d.cost().tokensIn());
    assertEquals(22, d.cost().tokensOut());
  }

  @Test
  void aServerSlowerThanTheTimeoutMakesTheRunGiveUpQuickly() {
    server.then(answer(CLICK_E11, 10, 10).after(3000));
    long t0 = System.nanoTime();
    Decision d = openAi("400ms").decide(state()).orElseThrow();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(Decision.Action.GIVE_UP, d.action());
    assertTrue(d.reason().contains("no answer within 400ms"), d.reason());
    assertTrue(ms < 2000, "took " + ms + " ms");
    assertEquals(1, server.requests.size(), "not retried");
    assertEquals(0, d.cost().tokensIn());
  }

  @Test
  void anHttpErrorMakesTheRunGiveUp() {
    server.then(status(500, "{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\"}}"));
    Decision d = openAi("5s").decide(state()).orElseThrow();
    assertEquals(Decision.Action.GIVE_UP, d.action());
    assertTrue(d.reason().contains("HTTP 500"), d.reason());
    assertEquals(1, server.requests.size(), "not retried");
  }

  @Test
  void aBodyThatIsNotTheApisMakesTheRunGiveUp() {
    server.then(status(200, "<html>proxy error</html>"));
    Decision d = openAi("5s").decide(state()).orElseThrow();
    assertEquals(Decision.Action.GIVE_UP, d.action());
    assertTrue(d.reason().contains("gave no answer"), d.reason());
    assertEquals(1, server.requests.size());
  }

  @Test
  void speaksAnthropicsMessagesApi() {
    server.then(answer("```json\n{\"action\": \"fill\", \"target\": \"e7\", \"value\": \"Ada Lovelace\", \"reason\": \"search for her\", \"confidence\": 0.6}\n```", 1500, 40));
    GoalState s = state();
    s.onPage(searchPage());
    LlmDecider claude = LlmDecider.create(LlmOptions.fromJson(new JsonObject().put("provider", "anthropic").put("baseUrl", server.url())
        .put("model", "claude-haiku").put("apiKeySecret", "anthropic-key").put("maxTokens", 300)), PRICES, () -> API_KEY);
    Decision d = claude.decide(s).orElseThrow();

    FakeLlmServer.Request req = server.requests.get(0);
    assertEquals("POST /v1/messages", req.method() + " " + req.path());
    assertEquals(API_KEY, req.header("x-api-key"));
    assertNotNull(req.header("anthropic-version"));
    JsonObject body = req.json();
    assertEquals("claude-haiku", body.getString("model"));
    assertEquals(300, body.getInteger("max_tokens"));
    assertTrue(body.getValue("system").toString().contains("one JSON object"));
    assertTrue(body.getJsonArray("messages").encode().contains(SWIM_GOAL));
    assertFalse(req.body().contains(SECRET));

    assertEquals(Decision.Action.FILL, d.action());
    assertEquals("name", d.dataKey(), "a data value written out is typed as that data");
    assertNull(d.value());
    assertEquals(new Decision.Cost("anthropic", "claude-haiku", 1500, 40, d.cost().ms(), 0), d.cost(), "not in the price table: $0");
  }

  @Test
  void aConfiguredKeyWithNoValueGivesUpWithoutCalling() {
    LlmDecider d = LlmDecider.create(LlmOptions.fromJson(new JsonObject().put("provider", "openai").put("baseUrl", server.url()).put("model", "m")
        .put("apiKeySecret", "missing")), PRICES, () -> null);
    Decision g = d.decide(state()).orElseThrow();
    assertEquals(Decision.Action.GIVE_UP, g.action());
    assertTrue(g.reason().contains("'missing'"), g.reason());
    assertTrue(server.requests.isEmpty());
  }

  @Test
  void answersAreCheckedAgainstThePage() {
    GoalState s = state();
    String[][] cases = {
        {"{\"action\": \"jump\", \"reason\": \"r\"}", "not one of"},
        {"{\"action\": \"click\", \"target\": \"e11\"}", "\"reason\" is missing"},
        {"{\"action\": \"fill\", \"target\": \"e11\", \"dataKey\": \"name\", \"reason\": \"r\"}", "not a text field"},
        {"{\"action\": \"fill\", \"target\": \"e7\", \"reason\": \"r\"}", "needs \"dataKey\""},
        {"{\"action\": \"goto\", \"url\": \"javascript:alert(1)\", \"reason\": \"r\"}", "http or https"},
        {"{\"action\": \"press\", \"target\": \"e7\", \"reason\": \"r\"}", "needs \"key\""},
        {"{\"action\": \"click\", \"target\": \"e11\", \"reason\": \"r\", \"confidence\": 7}", "from 0 to 1"},
    };
    for (String[] c : cases) {
      LlmPrompt.Read r = LlmPrompt.read(c[0], s);
      assertNull(r.decision(), c[0]);
      assertTrue(r.problem().contains(c[1]), c[0] + " -> " + r.problem());
    }
    Decision go = LlmPrompt.read("{\"action\": \"goto\", \"url\": \"/classes/12\", \"reason\": \"r\"}", s).decision();
    assertEquals("http://site.test/classes/12", go.url(), "a path is taken on the page's site");
    assertEquals(Decision.Action.DONE, LlmPrompt.read("{\"action\": \"done\", \"reason\": \"booked\"}", s).decision().action());
  }

  @Test
  void optionsAreCheckedWithErrorsThatNameTheSetting() {
    assertNull(LlmOptions.fromJson(null), "no section, no level 3");
    Map<JsonObject, String> bad = Map.of(
        new JsonObject().put("provider", "openai"), "runner.goal.llm.model",
        new JsonObject().put("provider", "gemini").put("model", "m"), "runner.goal.llm.provider",
        new JsonObject().put("provider", "openai").put("model", "m").put("apiKey", "sk-1"), "RoboGrid secret",
        new JsonObject().put("provider", "openai").put("model", "m"), "runner.goal.llm.apiKeySecret",
        new JsonObject().put("provider", "openai").put("model", "m").put("baseUrl", "ftp://x"), "runner.goal.llm.baseUrl",
        new JsonObject().put("provider", "openai").put("model", "m").put("baseUrl", "http://x:1/v1").put("timeout", "soon"), "runner.goal.llm.timeout",
        new JsonObject().put("provider", "openai").put("model", "m").put("baseUrl", "http://x:1/v1").put("temperature", 3), "runner.goal.llm.temperature",
        new JsonObject().put("provider", "openai").put("model", "m").put("baseUrl", "http://x:1/v1").put("modle", "m"), "runner.goal.llm.modle");
    bad.forEach((j, field) -> assertTrue(assertThrows(IllegalArgumentException.class, () -> LlmOptions.fromJson(j), j.encode()).getMessage().contains(field)));
    LlmOptions ollama = LlmOptions.fromJson(new JsonObject().put("provider", "openai").put("baseUrl", "http://127.0.0.1:11434/v1").put("model", "llama3.1:8b"));
    assertNull(ollama.apiKeySecret(), "a local server needs no key");
    assertEquals(java.time.Duration.ofSeconds(30), ollama.timeout());
    assertThrows(IllegalArgumentException.class, () -> PriceTable.fromJson(new JsonObject().put("m", new JsonObject().put("inputPerMillion", -1).put("outputPerMillion", 1))));
    assertEquals(0, PRICES.usd("unknown-model", 1000, 1000));
  }

  @Test
  void theShippedConfigPricesSomeModelsAndLeavesTheLanguageModelOff() throws Exception {
    JsonObject goal = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("..", "conf", "robogrid.json")))
        .getJsonObject("runner").getJsonObject("goal");
    assertNull(LlmOptions.fromJson(goal.getJsonObject("llm")), "off unless configured");
    PriceTable shipped = PriceTable.fromJson(goal.getJsonObject("prices"));
    assertEquals(0.0007, PriceTable.shown(shipped.usd("gpt-4o-mini", 2000, 600)));
  }

  @Test
  void theUserPromptIsBoundedOnAHugePage() {
    JsonArray els = new JsonArray();
    for (int i = 1; i <= 150; i++) els.add(link("e" + i, "A very long link text number " + i + " ".repeat(0) + "x".repeat(120), "/p/" + i));
    GoalState s = GoalPages.state(SWIM_GOAL, Map.of(), Set.of());
    s.onPage(PageDigest.fromJson(new JsonObject().put("url", "http://x.test/").put("title", "t").put("elements", els)));
    String user = LlmPrompt.user(s);
    assertTrue(user.length() < LlmPrompt.MAX_PAGE_CHARS + 2000, "length " + user.length());
    assertTrue(user.contains("elementsNotShown"));
  }
}
