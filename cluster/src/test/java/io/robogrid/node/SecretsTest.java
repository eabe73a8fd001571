package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Secrets on a real node process: stored encrypted, used by a job that sends one in an HTTP body and writes it in a
 * log line and an error message, and never seen again in clear: not in the job, its steps, its events, any API answer,
 * nor the node's own output. Each use is audited; a rekey keeps them usable.
 */
class SecretsTest {
  private static final String VALUE = "s3cr3t-Pa55w0rd!";

  private static HttpResponse<String> call(String method, String url, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSecretIsUsedByItsJobAndSeenNowhereElse() throws Exception {
    // a site that echoes what it receives, as a careless one would
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    echo.createContext("/login", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(body);
      byte[] answer = ("{\"youSent\": \"" + body + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("content-type", "application/json");
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    echo.start();
    try (NodeProcess node = new NodeProcess(null, null).start()) {
      String api = node.url() + "/api/v1";
      HttpResponse<String> put = call("PUT", api + "/secrets/crm-password", new JsonObject().put("value", VALUE).encode());
      assertEquals(200, put.statusCode(), put.body());
      assertFalse(put.body().contains(VALUE));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(node.home.resolve("data/master.key"))));

      String site = "http://127.0.0.1:" + echo.getAddress().getPort() + "/login";
      JsonObject workflow = new JsonObject().put("steps", new JsonArray()
          .add(new JsonObject().put("id", "login").put("type", "http").put("with", new JsonObject().put("method", "POST").put("url", site)
              .put("body", "${secret:crm-password}")))
          .add(new JsonObject().put("id", "note").put("type", "log").put("needs", new JsonArray().add("login"))
              .put("with", new JsonObject().put("message", "logged in with ${secret:crm-password}, site said ${steps.login.output.json.youSent}")))
          .add(new JsonObject().put("id", "oops").put("type", "fail").put("needs", new JsonArray().add("note"))
              .put("with", new JsonObject().put("message", "wrong password ${secret:crm-password}"))));
      String id = new JsonObject(call("POST", api + "/jobs", new JsonObject().put("workflow", workflow).encode()).body()).getString("id");
      JsonObject job = new Api(node.url()).awaitState(id, Duration.ofSeconds(30), "FAILED", "SUCCEEDED");

      assertEquals(List.of(VALUE), received, "the site got the real value, once");
      List<String> answers = List.of(call("GET", api + "/jobs/" + id, null).body(), call("GET", api + "/jobs/" + id + "/events", null).body(),
          call("GET", api + "/jobs?limit=5", null).body(), call("GET", api + "/secrets", null).body(), job.encode());
      for (String a : answers) assertFalse(a.contains(VALUE), "the value leaked: " + a);
      String jobText = answers.get(0);
      assertTrue(jobText.contains("[redacted:crm-password]"), "the echo, the log line and the error show where it was: " + jobText);
      assertEquals("wrong password [redacted:crm-password]", job.getJsonObject("error").getString("message"));
      assertTrue(answers.get(1).contains("logged in with [redacted:crm-password], site said [redacted:crm-password]"), answers.get(1));

      JsonObject uses = new JsonObject(call("GET", api + "/secrets/crm-password/uses", null).body());
      assertEquals(3, uses.getJsonArray("uses").size(), "login, note and oops each used it: " + uses);
      JsonObject use = uses.getJsonArray("uses").getJsonObject(0);
      assertEquals(id, use.getString("jobId"));
      assertEquals(node.nodeId(), use.getString("node"));
      assertTrue(List.of("login", "note", "oops").contains(use.getString("step")) && use.getString("usedAt") != null, use.encode());

      HttpResponse<String> rekey = call("POST", api + "/secrets/rekey", null);
      assertEquals(200, rekey.statusCode(), rekey.body());
      assertEquals(1, new JsonObject(rekey.body()).getInteger("reencrypted"));
      assertTrue(Files.exists(node.home.resolve("data/master.key.previous")));
      String again = new JsonObject(call("POST", api + "/jobs", new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray()
          .add(workflow.getJsonArray("steps").getJsonObject(0)))).encode()).body()).getString("id");
      assertEquals("SUCCEEDED", new Api(node.url()).awaitState(again, Duration.ofSeconds(30), "FAILED", "SUCCEEDED").getString("state"));
      assertEquals(List.of(VALUE, VALUE), received, "still usable under the new key");

      String output = node.logText();
      assertTrue(output.contains("[redacted:crm-password]"), "the node logged the step's line, redacted");
      assertFalse(output.contains(VALUE), "the node's own output never has the value");
    } finally {
      echo.stop(0);
    }
  }
}
