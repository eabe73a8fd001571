package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.RoboGridException;
import io.robogrid.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bodies against the document's request schemas, and the messages a refused one gets (fields named as people write them). */
@ExtendWith(VertxExtension.class)
class RequestBodiesTest {
  private static String refusal(RequestBodies bodies, String op, String json) {
    RoboGridException e = assertThrows(RoboGridException.class, () -> bodies.check(op, new JsonObject(json)), json);
    assertEquals("INVALID_REQUEST", e.code().name());
    return e.getMessage();
  }

  @Test
  void refusedBodiesNameTheFieldAndWhatItMustBe(Vertx vertx) {
    RequestBodies b = new RequestBodies();
    Await.result(b.load(vertx, OpenApiDocument.json()));
    String r = "postJobsIdEvents";
    b.check(r, new JsonObject("{\"type\":\"log\",\"step\":\"s\",\"attempt\":1,\"message\":\"hi\",\"level\":\"info\"}"));
    b.check(r, new JsonObject("{\"type\":\"progress\",\"step\":\"s\",\"attempt\":1.0,\"output\":null}"));
    assertEquals("type: must be one of progress, log, result, error, blocked", refusal(b, r, "{\"type\":\"shout\",\"step\":\"s\",\"attempt\":1}"));
    assertEquals("type: is required", refusal(b, r, "{\"step\":\"s\",\"attempt\":1}"));
    assertEquals("unknown field 'colour' (allowed: type, step, attempt, output, message, level, errorClass, reason, maxWait)", refusal(b, r, "{\"type\":\"log\",\"step\":\"s\",\"attempt\":1,\"colour\":\"red\"}"));
    assertEquals("attempt: must be an integer", refusal(b, r, "{\"type\":\"log\",\"step\":\"s\",\"attempt\":\"1\"}"));
    assertEquals("attempt: must be at least 1", refusal(b, r, "{\"type\":\"log\",\"step\":\"s\",\"attempt\":0}"));
    assertEquals("step: must match \\S (the step's id, as the work was handed out)", refusal(b, r, "{\"type\":\"log\",\"step\":\" \",\"attempt\":1}"));
    assertEquals("output: must be object or null", refusal(b, r, "{\"type\":\"log\",\"step\":\"s\",\"attempt\":1,\"output\":[1]}"));
    assertEquals("reason: must be at most 500 characters", refusal(b, r, "{\"type\":\"blocked\",\"step\":\"s\",\"attempt\":1,\"reason\":\"" + "x".repeat(501) + "\"}"));
    assertTrue(refusal(b, r, "{\"type\":\"error\",\"step\":\"s\",\"attempt\":1,\"errorClass\":\"LOST\"}").startsWith("errorClass: must be one of AGENT_ERROR, "));
    String h = "postAgentsAgentIdHeartbeat";
    b.check(h, new JsonObject("{\"claims\":[{\"jobId\":\"" + java.util.UUID.randomUUID() + "\",\"step\":\"s\",\"attempt\":2}]}"));
    assertEquals("claims: must be array or null", refusal(b, h, "{\"claims\":\"all\"}"));
    assertEquals("claims[0].attempt: is required", refusal(b, h, "{\"claims\":[{\"jobId\":\"" + java.util.UUID.randomUUID() + "\",\"step\":\"s\"}]}"));
    assertEquals("claims[0].jobId: must be a uuid", refusal(b, h, "{\"claims\":[{\"jobId\":\"x\",\"step\":\"s\",\"attempt\":1}]}"));
    assertEquals("unknown field 'keep' (allowed: claims)", refusal(b, h, "{\"keep\":true}"));
  }

  @Test
  void tokensSecretsAndDecisionsAreCheckedByTheDocumentToo(Vertx vertx) {
    RequestBodies b = new RequestBodies();
    Await.result(b.load(vertx, OpenApiDocument.json()));
    b.check("postTokens", new JsonObject().put("name", "ci.bot@acme").put("role", "metrics"));
    assertEquals("role: must be one of viewer, operator, admin, agent, metrics", refusal(b, "postTokens", "{\"name\":\"x\",\"role\":\"king\"}"));
    assertTrue(refusal(b, "postTokens", "{\"name\":\"a b\",\"role\":\"viewer\"}").startsWith("name: must match ^[A-Za-z0-9_.@-]{1,64}$ (letters, digits"));
    assertEquals("value: must not be empty", refusal(b, "putSecretsName", "{\"value\":\"\"}"));
    assertEquals("value: must be at most 65536 characters", refusal(b, "putSecretsName", "{\"value\":\"" + "v".repeat(65537) + "\"}"));
    b.check("postJobsIdApprove", new JsonObject());
    b.check("postJobsIdApprove", new JsonObject().putNull("comment"));
    assertEquals("unknown field 'reason' (allowed: comment)", refusal(b, "postJobsIdApprove", "{\"reason\":\"no\"}"));
    assertEquals("reason: is required (why it is rejected: the job fails with it as its error message)", refusal(b, "postJobsIdReject", "{}"));
    assertTrue(refusal(b, "postJobsIdReject", "{\"reason\":\"  \"}").startsWith("reason: must match \\S"));
    assertEquals("note: must be string or null", refusal(b, "postJobsIdReview", "{\"note\":5}"));
  }

  @Test
  void theErrorClassesAnAgentMayGiveAreTheDocumentsAndTheNodes() {
    JsonObject report = OpenApiDocument.json().getJsonObject("components").getJsonObject("schemas").getJsonObject("AgentReport");
    Set<String> documented = new java.util.TreeSet<>();
    report.getJsonObject("properties").getJsonObject("errorClass").getJsonArray("enum").forEach(v -> {
      if (v != null) documented.add((String) v);
    });
    Set<String> node = new java.util.TreeSet<>();
    AgentsApi.AGENT_CLASSES.forEach(c -> node.add(c.name()));
    assertEquals(node, documented);
  }
}
