package io.robogrid.bench;

import io.robogrid.store.ClaimQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@link BacklogBench} does straight in the node's PostgreSQL: a backlog inserted in one
 * {@code INSERT ... SELECT generate_series} (not through the API: a million submissions would measure the API),
 * counted, removed; and the claim's plan, run with {@code EXPLAIN ANALYZE} inside a transaction that is rolled back.
 */
final class BacklogTables implements AutoCloseable {
  /**
   * The claim as it was before V015 (its job-picking part; the rest is the same): one walk of the queue in priority
   * order over index {@code jobs_due}, filtering {@code requires} row by row. Kept to show the plan it had.
   */
  static final String CLAIM_BEFORE = "WITH picked AS (SELECT id FROM jobs WHERE state = 'QUEUED' AND requires <@ $1::text[]"
      + "   AND ($4::text IS NULL OR $4::text = ANY (requires))"
      + "   ORDER BY priority DESC, run_at, created_at LIMIT $2 FOR UPDATE SKIP LOCKED),"
      + " claimed AS (UPDATE jobs j SET state = 'CLAIMED', attempt = j.attempt + 1, node = NULL, heartbeat_at = $3"
      + "   FROM picked WHERE j.id = picked.id RETURNING j.*)"
      + " SELECT count(*) FROM claimed";
  private static final String JOBS_DUE = "CREATE INDEX jobs_due ON jobs (priority DESC, run_at, created_at) WHERE state = 'QUEUED'";

  private final Vertx vertx = Vertx.vertx();
  private final Pool pool;

  BacklogTables(int port) {
    PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("postgres").setUser("postgres").setPassword("");
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
  }

  /**
   * Inserts {@code n} QUEUED jobs of robot {@code robot} requiring {@code requires}, at {@code priority}, due an hour
   * ago (so ahead of every new job of the same priority), with the workflow of an existing job of robot
   * {@code like}; then VACUUM ANALYZE, as autovacuum would soon do, and a NOTIFY to wake the coordinators.
   */
  void insert(int n, String robot, String requires, int priority, String like) throws Exception {
    run("INSERT INTO jobs (id, robot, state, priority, max_attempts, workflow, input, request, requires, run_at, created_at)"
        + " SELECT gen_random_uuid(), '" + robot + "', 'QUEUED', " + priority + ", 1, w.workflow, '{}', jsonb_build_object('robot', '" + robot + "'),"
        + " '" + requires + "', now() - interval '1 hour' + g * interval '1 microsecond', now() - interval '1 hour'"
        + " FROM generate_series(1, " + n + ") g, (SELECT workflow FROM jobs WHERE robot = '" + like + "' LIMIT 1) w");
    vacuum();
    run("SELECT pg_notify('robogrid_jobs', '')");
  }

  /** Removes robot {@code robot}'s jobs (and, by cascade, their attempts and steps) and their events. */
  void delete(String robot) throws Exception {
    run("DELETE FROM events WHERE job_id IN (SELECT id FROM jobs WHERE robot = '" + robot + "')");
    run("DELETE FROM jobs WHERE robot = '" + robot + "'");
    vacuum();
  }

  void vacuum() throws Exception {
    run("VACUUM ANALYZE jobs");
  }

  long count(String where) throws Exception {
    return await(pool.query("SELECT count(*) FROM jobs WHERE " + where).execute()).iterator().next().getLong(0);
  }

  /** The claim's plan now (the statement as the store runs it), with {@code offered} capabilities and {@code limit}. */
  List<String> explainClaim(List<String> offered, int limit) throws Exception {
    return explain(ClaimQuery.CLAIM, offered, limit, null);
  }

  /** The claim's plan before V015: index jobs_due built again inside the rolled-back transaction (1–2 s on 1M rows). */
  List<String> explainClaimBefore(List<String> offered, int limit) throws Exception {
    return explain(CLAIM_BEFORE, offered, limit, JOBS_DUE);
  }

  private List<String> explain(String claim, List<String> offered, int limit, String setup) throws Exception {
    String sql = "EXPLAIN (ANALYZE, BUFFERS) " + claim.replace("$1", "'{" + String.join(",", offered) + "}'").replace("$2", Integer.toString(limit))
        .replace("$3", "now()").replace("$4", "NULL");
    SqlConnection c = await(pool.getConnection());
    try {
      Transaction tx = await(c.begin());
      if (setup != null) await(c.query(setup).execute());
      List<String> plan = new ArrayList<>();
      for (Row r : await(c.query(sql).execute())) plan.add(r.getString(0));
      await(tx.rollback());
      return plan;
    } finally {
      await(c.close());
    }
  }

  private void run(String sql) throws Exception {
    await(pool.query(sql).execute());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  @Override
  public void close() throws Exception {
    await(pool.close());
    await(vertx.close());
  }
}
