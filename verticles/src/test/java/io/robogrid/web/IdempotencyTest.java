package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Idempotency-Key} on {@code POST /jobs}: a client whose connection dropped before the 201 arrived sends the
 * same request again with the same key and gets the job its first try made, never a second one.
 */
@ExtendWith(VertxExtension.class)
class IdempotencyTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "hello", "steps": [{"id": "greet", "type": "set", "with": {"greeting": "hello"}}]}]}""";
  private static final String BODY = "{\"robot\": \"hello\", \"input\": {\"n\": 1}, \"delay\": \"1h\"}";
  private TestGrid grid;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, ROBOTS, 4);
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  private Future<HttpResponse<Buffer>> submit(String key, String body, String token) {
    var req = grid.http.request(HttpMethod.POST, grid.port, "127.0.0.1", "/api/v1/jobs").bearerTokenAuthentication(token)
        .putHeader("content-type", "application/json");
    if (key != null) req.putHeader("Idempotency-Key", key);
    return req.sendBuffer(Buffer.buffer(body));
  }

  private HttpResponse<Buffer> submit(String key, String body) {
    return Await.result(submit(key, body, TestGrid.ADMIN_TOKEN));
  }

  private int jobs() {
    return grid.get("/api/v1/jobs?limit=500").bodyAsJsonObject().getJsonArray("jobs").size();
  }

  @Test
  void aRetriedSubmitWithTheSameKeyGetsTheFirstJob() {
    HttpResponse<Buffer> first = submit("order-4711", BODY);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertNull(first.getHeader("Idempotent-Replayed"));
    // the same request, its keys in another order: the same request
    HttpResponse<Buffer> again = submit("order-4711", "{\"delay\": \"1h\", \"input\": {\"n\": 1}, \"robot\": \"hello\"}");
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject().getString("id"), again.bodyAsJsonObject().getString("id"));
    assertEquals(1, jobs());
    assertNotEquals(first.bodyAsJsonObject().getString("id"), submit(null, BODY).bodyAsJsonObject().getString("id"), "no key, no link");
  }

  @Test
  void theSameKeyWithAnotherBodyIsAConflictAndStoresNothing() {
    String id = submit("k1", BODY).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> other = submit("k1", "{\"robot\": \"hello\", \"input\": {\"n\": 2}, \"delay\": \"1h\"}");
    assertEquals(409, other.statusCode(), other.bodyAsString());
    assertEquals("IDEMPOTENCY_KEY_REUSED", other.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(1, jobs());
    assertEquals(id, submit("k1", BODY).bodyAsJsonObject().getString("id"), "the key still means its first request");
  }

  @Test
  void keysBelongToTheCallerThatSentThem() {
    String other = grid.token("other-operator", "operator");
    String mine = submit("shared", BODY).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> theirs = Await.result(submit("shared", BODY, other));
    assertEquals(201, theirs.statusCode());
    assertNotEquals(mine, theirs.bodyAsJsonObject().getString("id"));
    assertEquals(2, jobs());
  }

  @Test
  void concurrentSubmitsWithOneKeyMakeOneJob() {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) all.add(submit("burst", BODY, TestGrid.ADMIN_TOKEN));
    Set<String> ids = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : all) {
      HttpResponse<Buffer> r = Await.result(f);
      assertEquals(201, r.statusCode(), r.bodyAsString());
      ids.add(r.bodyAsJsonObject().getString("id"));
    }
    assertEquals(1, ids.size(), ids.toString());
    assertEquals(1, jobs());
  }

  @Test
  void aRefusedSubmitKeepsNoKeyAndAKeyIsFreeAgainAfter24Hours(Vertx vertx) {
    HttpResponse<Buffer> refused = submit("k2", "{\"robot\": \"nobody\"}");
    assertEquals(404, refused.statusCode());
    String id = submit("k2", BODY).bodyAsJsonObject().getString("id");
    assertEquals(201, submit("k2", BODY).statusCode());
    Pool pool = grid.db.pool(vertx);
    Await.result(pool.preparedQuery("UPDATE idempotency_keys SET created_at = created_at - interval '24 hours 1 second' WHERE key = $1")
        .execute(Tuple.of("k2")));
    Await.result(pool.close());
    HttpResponse<Buffer> later = submit("k2", "{\"robot\": \"hello\"}");
    assertEquals(201, later.statusCode(), later.bodyAsString());
    assertNotEquals(id, later.bodyAsJsonObject().getString("id"));
    assertNull(later.getHeader("Idempotent-Replayed"));
  }

  @Test
  void aKeyThatIsNotOneIsRefused() {
    for (String key : List.of("", " ", "x".repeat(256), "naïve")) {
      HttpResponse<Buffer> r = submit(key, BODY);
      assertEquals(400, r.statusCode(), "key '" + key + "': " + r.bodyAsString());
      assertEquals("INVALID_REQUEST", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    assertEquals(0, jobs());
  }

  @Test
  void aKeyWhoseJobWasNeverStoredGetsItsJobOnTheRetry(Vertx vertx) {
    // the node died between keeping the key and storing the job: the retry stores the job under the id kept
    JsonObject request = new JsonObject(BODY);
    java.util.UUID kept = java.util.UUID.randomUUID();
    Pool pool = grid.db.pool(vertx);
    Await.result(pool.preparedQuery("INSERT INTO idempotency_keys (caller, key, request_hash, job_id, created_at) VALUES ($1, $2, $3, $4, now())")
        .execute(Tuple.of("admin", "k3", io.robogrid.store.IdempotencyStore.hash("POST /jobs", request), kept)));
    Await.result(pool.close());
    HttpResponse<Buffer> retry = submit("k3", BODY);
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(kept.toString(), retry.bodyAsJsonObject().getString("id"));
    assertEquals(1, jobs());
  }
}
