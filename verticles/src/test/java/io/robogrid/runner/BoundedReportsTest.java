package io.robogrid.runner;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a step brings back from the world is bounded as what the API takes in: a site answering JSON nested 200 levels
 * deep does not make its job unreadable, nor the jobs list dead.
 */
@ExtendWith(VertxExtension.class)
class BoundedReportsTest {

  @Test
  void aDeeplyNestedAnswerIsCutAndTheJobStaysReadable(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/deep").handler(ctx -> ctx.response().putHeader("content-type", "application/json").end("[".repeat(200) + "1" + "]".repeat(200)));
    int port = Await.result(vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")).actualPort();
    TestGrid grid = TestGrid.start(vertx, null, 2);
    String id = grid.submit(inline(null, step("get", "http", new JsonObject().put("url", "http://127.0.0.1:" + port + "/deep")))).getString("id");
    JsonObject job = grid.awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
    assertEquals("SUCCEEDED", job.getString("state"), job.encodePrettily());
    JsonObject output = job.getJsonObject("steps").getJsonObject("get").getJsonObject("output");
    assertTrue(output.getString("_cut", "").contains("cut"), output.encode().substring(0, 200));
    assertEquals(200, grid.get("/api/v1/jobs").statusCode());
    assertEquals(200, grid.get("/api/v1/jobs/" + id + "/events").statusCode());
  }
}
