package io.robogrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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

  /**
   * A scan reads what is new, not the history: with 20,000 old events and five new ones, the rows its plan touches
   * in {@code events} (rows returned and rows filtered away, over every loop) stay far below the table's size. The
   * generic plan of the query walked every event since the notifier was installed, on each scan (four a second).
   */
  @Test
  void aScanReadsTheNewEventsNotTheHistory() {
    Await.result(pool.preparedQuery("INSERT INTO events (job_id, attempt, type, at, data) SELECT $1, 1, 'step.log', $2, '{}' FROM generate_series(1, 20000)")
        .execute(Tuple.of(job, JobRecord.odt(NOW))));
    Await.result(pool.query("ANALYZE events").execute());
    scan();
    scan();
    for (int i = 0; i < 4; i++) Await.result(pool.preparedQuery(EVENT).execute(event(job, "step.log", null)));
    Await.result(pool.preparedQuery(EVENT).execute(event(job, "job.state", "FAILED")));

    // the scan's statement as PostgreSQL runs it once it has moved a prepared statement to its generic plan (it
    // may after five runs); the scan's own setting must win over that, as it does in scan(). An EXPLAIN of a query
    // with bound parameters would always plan for their values, so the statement is prepared in SQL here.
    long touched = Await.result(pool.withTransaction(conn -> conn.query("SET LOCAL plan_cache_mode = force_generic_plan").execute()
        .compose(x -> conn.query(NotificationStore.PLAN_PER_SCAN).execute())
        .compose(x -> conn.query("PREPARE scan_events (bigint, bigint, text, bigint) AS " + NotificationStore.SCAN_EVENTS).execute())
        .compose(x -> conn.query("SELECT c.last_seq, c.snapshot, c.since_seq, (SELECT max(seq) FROM events) AS top FROM notifier_cursor c").execute())
        .compose(cur -> {
          Row c = cur.iterator().next();
          return conn.query("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE scan_events (" + c.getLong("last_seq") + ", " + c.getLong("top") + ", '"
              + c.getString("snapshot") + "', " + c.getLong("since_seq") + ")").execute();
        })
        .map(plan -> rowsTouched(new JsonArray(plan.iterator().next().getValue(0).toString()).getJsonObject(0).getJsonObject("Plan"), "events"))
        .compose(n -> conn.query("DEALLOCATE scan_events").execute().map(n))));
    assertTrue(touched < 1_000, "rows of events the scan's plan touched: " + touched + " (the table has 20,005)");
    assertEquals(1, scan(), "the new failure is still found");
  }

  /** Rows a plan's nodes on {@code table} (or its indexes) produced or filtered away, summed over their loops. */
  private static long rowsTouched(JsonObject node, String table) {
    long n = 0;
    String relation = node.getString("Relation Name"), index = node.getString("Index Name");
    if (table.equals(relation) || index != null && index.startsWith(table + "_")) {
      long perLoop = node.getLong("Actual Rows", 0L) + node.getLong("Rows Removed by Filter", 0L) + node.getLong("Rows Removed by Index Recheck", 0L);
      n += perLoop * node.getLong("Actual Loops", 1L);
    }
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) for (int i = 0; i < children.size(); i++) n += rowsTouched(children.getJsonObject(i), table);
    return n;
  }
}
