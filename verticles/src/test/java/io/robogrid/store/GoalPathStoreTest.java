package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The goal path cache's rules, on a real PostgreSQL: replaced by success, retired by two failed replays in a row, aged out. */
@ExtendWith(VertxExtension.class)
class GoalPathStoreTest {
  private static final String SITE = "http://127.0.0.1:8000", GOAL = "add a group named {groupname}";
  private static final JsonArray STEPS = new JsonArray().add(new JsonObject().put("action", "fill").put("dataKey", "groupName"));

  @Test
  void aPathIsReplacedBySuccessRetiredByTwoFailuresInARowAndForgottenWhenOld(Vertx vertx) {
    GoalPathStore store = new GoalPathStore(TestDatabase.newMigratedPool(vertx));
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    Await.result(store.succeeded(SITE, GOAL, "add a group named ops", STEPS, 4_000, UUID.randomUUID(), now));
    Await.result(store.succeeded(SITE, GOAL, "add a group named dev", STEPS, 900, UUID.randomUUID(), now));
    JsonObject live = Await.result(store.live(SITE, GOAL, now));
    assertEquals(2, live.getInteger("successes"), "the same steps again: one more success");
    assertEquals(4_000, live.getLong("firstRunMs"), "a replay does not replace the time of the run that found the path");

    Await.result(store.failed(SITE, GOAL, UUID.randomUUID(), now));
    assertNotNull(Await.result(store.live(SITE, GOAL, now)), "one failure does not retire it");
    Await.result(store.succeeded(SITE, GOAL, "add a group named qa", STEPS, 800, UUID.randomUUID(), now));
    Await.result(store.failed(SITE, GOAL, UUID.randomUUID(), now));
    assertNotNull(Await.result(store.live(SITE, GOAL, now)), "a success in between: not two in a row");
    Await.result(store.failed(SITE, GOAL, UUID.randomUUID(), now));
    assertNull(Await.result(store.live(SITE, GOAL, now)), "two failures in a row retire it");
    assertEquals(1, Await.result(store.list(null, true, 10)).size());
    assertEquals(0, Await.result(store.list(null, false, 10)).size());

    JsonArray other = new JsonArray().add(new JsonObject().put("action", "click"));
    Await.result(store.succeeded(SITE, GOAL, "add a group named ops", other, 3_000, UUID.randomUUID(), now));
    assertEquals(other, Await.result(store.live(SITE, GOAL, now)).getJsonArray("steps"), "after retirement, a new path");
    assertNull(Await.result(store.live(SITE, GOAL, now.plus(GoalPathStore.MAX_AGE).plusSeconds(1))), "too old to trust");
  }
}
