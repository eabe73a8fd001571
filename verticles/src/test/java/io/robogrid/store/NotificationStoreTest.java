package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notifier's reading of the event log against a real PostgreSQL: every event of interest becomes its
 * notifications once, also one whose transaction commits after hundreds of later events were read.
 */
@ExtendWith(VertxExtension.class)
class NotificationStoreTest {
  private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
  private Pool pool;
  private NotificationStore store;
  private UUID job;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.newMigratedPool(vertx);
    store = new NotificationStore(pool);
    JsonObject workflow = new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("id", "s").put("type", "set")));
    NewJob j = new NewJob(UUID.randomUUID(), "ledger", workflow, new JsonObject(), new JsonObject().put("robot", "ledger"), List.of(), 0, 1, NOW, null);
    job = Await.result(new JobStore(pool).insert(j, NOW)).job().id;
  }

  @AfterEach
  void tearDown() {
    Await.result(pool.close());
  }

  private static final String EVENT = "INSERT INTO events (job_id, attempt, type, at, data) VALUES ($1, 1, $2, $3, $4)";

  private static Tuple event(UUID job, String type, String to) {
    return Tuple.of(job, type, JobRecord.odt(NOW), new JsonObject().put("from", "RUNNING").put("to", to));
  }

  private int scan() {
    return Await.result(store.scan(e -> List.of(new NotificationStore.Wanted("failure", "email", "ops@example.com")), 100, Duration.ofMinutes(15), NOW));
  }

  @Test
  void anEventCommittedAfterLaterOnesWereReadIsStillNotified() {
    SqlConnection late = Await.result(pool.getConnection());
    Transaction tx = Await.result(late.begin());
    Await.result(late.preparedQuery(EVENT).execute(event(job, "job.state", "FAILED"))); // its seq is taken, its commit waits
    for (int i = 0; i < 600; i++) Await.result(pool.preparedQuery(EVENT).execute(event(job, "step.log", null)));
    Await.result(pool.preparedQuery(EVENT).execute(event(job, "job.state", "SUCCEEDED")));
    assertEquals(1, scan(), "the committed event of interest");
    assertEquals(0, scan(), "nothing new");

    Await.result(tx.commit());
    Await.result(late.close());
    assertEquals(1, scan(), "the late one, though 601 higher events were read before it committed");
    assertEquals(0, scan(), "once only");
    JsonArray made = Await.result(store.list(job, 10));
    assertEquals(2, made.size(), made.encode());
  }
}
