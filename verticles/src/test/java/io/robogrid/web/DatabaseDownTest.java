package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.robogrid.robots.RobotCatalog;
import io.robogrid.store.DatabaseOptions;
import io.robogrid.testing.Await;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With PostgreSQL unreachable the API says so (503 UNAVAILABLE, health DOWN) instead of an internal error. */
@ExtendWith(VertxExtension.class)
class DatabaseDownTest {

  @Test
  void anUnreachableDatabaseIsReportedAsUnavailable(Vertx vertx) {
    DatabaseOptions nowhere = DatabaseOptions.fromJson(new JsonObject().put("host", "127.0.0.1").put("port", 1));
    WebVerticle web = new WebVerticle(new WebOptions("127.0.0.1", 0, 65536, null), nowhere, RobotCatalog::empty, StepCatalog.builtIn(),
        Clock.systemUTC(), new JsonObject().put("node", "n"), java.time.Duration.ofSeconds(6), new io.robogrid.secrets.Keyring(null));
    Await.result(vertx.deployVerticle(web));
    WebClient http = WebClient.create(vertx);

    HttpResponse<Buffer> health = Await.result(http.get(web.actualPort(), "127.0.0.1", "/health").send());
    assertEquals(503, health.statusCode());
    assertEquals("DOWN", health.bodyAsJsonObject().getString("db"));

    String job = new JsonObject().put("workflow", new JsonObject().put("steps",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "s").put("type", "set").put("with", new JsonObject())))).encode();
    // the token cannot be checked either: that is 503, not 401
    HttpResponse<Buffer> submit = Await.result(http.post(web.actualPort(), "127.0.0.1", "/api/v1/jobs").bearerTokenAuthentication("rgt_any")
        .sendBuffer(Buffer.buffer(job)));
    assertEquals(503, submit.statusCode(), submit.bodyAsString());
    assertEquals("UNAVAILABLE", submit.bodyAsJsonObject().getJsonObject("error").getString("code"));
    HttpResponse<Buffer> list = Await.result(http.get(web.actualPort(), "127.0.0.1", "/api/v1/jobs").bearerTokenAuthentication("rgt_any").send());
    assertEquals(503, list.statusCode(), list.bodyAsString());
  }
}
