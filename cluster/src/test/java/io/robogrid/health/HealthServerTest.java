package io.robogrid.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health port over real HTTP: the node's word on itself at GET /health, the API's error shape for anything else. */
class HealthServerTest {
  private final AtomicReference<JsonObject> status = new AtomicReference<>(new JsonObject().put("status", "UP"));
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private HealthServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = new HealthServer("127.0.0.1", 0, status::get);
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void upAndStoppingAnswer200AndDownAnswers503() throws Exception {
    assertEquals(200, send("GET", "/health").statusCode());
    assertEquals("UP", new JsonObject(send("GET", "/health").body()).getString("status"));
    status.set(new JsonObject().put("status", "STOPPING"));
    assertEquals(200, send("GET", "/health").statusCode(), "a liveness probe must not cut a hand-back short");
    status.set(new JsonObject().put("status", "DOWN"));
    HttpResponse<String> down = send("GET", "/health");
    assertEquals(503, down.statusCode());
    assertEquals("DOWN", new JsonObject(down.body()).getString("status"));
  }

  @Test
  void anythingElseGetsAStableErrorCode() throws Exception {
    HttpResponse<String> other = send("GET", "/api/v1/jobs");
    assertEquals(404, other.statusCode());
    assertEquals("NOT_FOUND", new JsonObject(other.body()).getJsonObject("error").getString("code"));
    HttpResponse<String> post = send("POST", "/health");
    assertEquals(405, post.statusCode());
    assertEquals("METHOD_NOT_ALLOWED", new JsonObject(post.body()).getJsonObject("error").getString("code"));
    assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(null));
  }
}
