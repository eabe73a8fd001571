package io.robogrid.web;

import static io.robogrid.testing.TestGrid.inline;
import static io.robogrid.testing.TestGrid.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /jobs:batch}: many jobs in one request and one transaction, all or none, errors naming the index. */
@ExtendWith(VertxExtension.class)
class BatchSubmitTest {
  private TestGrid grid;

  @BeforeEach
  void start(Vertx vertx) {
    grid = TestGrid.start(vertx, "{\"robots\": [{\"name\": \"noop\", \"steps\": [{\"id\": \"s\", \"type\": \"set\", \"with\": {\"n\": \"${input.n}\"}}]}]}", 8);
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  private static JsonObject noop(int n) {
    return new JsonObject().put("robot", "noop").put("input", new JsonObject().put("n", n));
  }

  private HttpResponse<Buffer> batch(JsonArray jobs, String key) {
    var req = grid.http.post(grid.port, "127.0.0.1", "/api/v1/jobs:batch").bearerTokenAuthentication(TestGrid.ADMIN_TOKEN);
    if (key != null) req.putHeader("Idempotency-Key", key);
    return Await.result(req.sendJsonObject(new JsonObject().put("jobs", jobs)));
  }

  private int jobCount() {
    return grid.get("/api/v1/jobs?limit=" + io.robogrid.store.JobQuery.MAX_LIMIT).bodyAsJsonObject().getJsonArray("jobs").size();
  }

  @Test
  void aBatchIsStoredInOrderAndEveryJobRuns() {
    JsonArray jobs = new JsonArray();
    for (int i = 0; i < 50; i++) jobs.add(noop(i));
    jobs.add(inline(null, step("s", "log", new JsonObject().put("message", "inline in a batch"))));
    HttpResponse<Buffer> r = batch(jobs, null);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonArray made = r.bodyAsJsonObject().getJsonArray("jobs");
    assertEquals(51, made.size());
    for (int i = 0; i < 50; i++) assertEquals(i, made.getJsonObject(i).getJsonObject("input").getInteger("n"));
    for (Object o : made) {
      JsonObject job = grid.awaitState(((JsonObject) o).getString("id"), Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", job.getString("state"));
    }
  }

  @Test
  void oneRefusedSubmissionRefusesTheBatchNamingItsIndexAndStoresNothing() {
    int before = jobCount();
    JsonArray jobs = new JsonArray().add(noop(1)).add(noop(2)).add(new JsonObject().put("robot", "no-such-robot")).add(noop(4));
    HttpResponse<Buffer> r = batch(jobs, null);
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals("UNKNOWN_ROBOT", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message").startsWith("jobs[2]: "), r.bodyAsString());
    HttpResponse<Buffer> cyclic = batch(new JsonArray().add(noop(1)).add(inline(null, step("a", "set", new JsonObject(), "b"),
        step("b", "set", new JsonObject(), "a"))), null);
    assertEquals(400, cyclic.statusCode());
    assertTrue(cyclic.bodyAsJsonObject().getJsonObject("error").getString("message").startsWith("jobs[1]: "), cyclic.bodyAsString());
    assertEquals(400, batch(new JsonArray(), null).statusCode(), "an empty batch");
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= BatchSubmits.MAX_JOBS; i++) tooMany.add(new JsonObject().put("robot", "noop"));
    assertEquals(400, batch(tooMany, null).statusCode(), "more than " + BatchSubmits.MAX_JOBS);
    assertEquals(before, jobCount(), "a refused batch stored something");
  }

  @Test
  void anIdempotencyKeyStandsForTheWholeBatch() {
    JsonArray jobs = new JsonArray().add(noop(1)).add(noop(2)).add(noop(3));
    HttpResponse<Buffer> first = batch(jobs, "batch-7");
    assertEquals(201, first.statusCode(), first.bodyAsString());
    int after = jobCount();
    HttpResponse<Buffer> again = batch(jobs, "batch-7");
    assertEquals(201, again.statusCode());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    JsonArray ids = new JsonArray(), againIds = new JsonArray();
    first.bodyAsJsonObject().getJsonArray("jobs").forEach(j -> ids.add(((JsonObject) j).getString("id")));
    again.bodyAsJsonObject().getJsonArray("jobs").forEach(j -> againIds.add(((JsonObject) j).getString("id")));
    assertEquals(ids, againIds, "the same jobs, in the same order");
    assertEquals(after, jobCount(), "a retried batch made jobs again");
    HttpResponse<Buffer> other = batch(new JsonArray().add(noop(9)), "batch-7");
    assertEquals(409, other.statusCode());
    assertEquals("IDEMPOTENCY_KEY_REUSED", other.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }
}
