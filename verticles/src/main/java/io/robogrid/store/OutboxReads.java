package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much waits in the grid's two outboxes, for the meters: agent work not done yet (by capability and state) and
 * notifications (by state). Grouped counts, read every few seconds, never per scrape.
 */
public final class OutboxReads {
  /** Open and claimed work only: done and withdrawn rows are history (agent_work_open indexes the open ones). */
  private static final String AGENT_WORK = "SELECT capability, state, count(*) FROM agent_work WHERE state IN ('OPEN', 'CLAIMED') GROUP BY 1, 2";
  /** The outbox is pruned with the jobs it is about (retention), so a grouped count stays small. */
  private static final String NOTIFICATIONS = "SELECT state, count(*) FROM notifications GROUP BY 1";

  private final Pool pool;

  public OutboxReads(Pool pool) {
    this.pool = pool;
  }

  /** {@code capability → state → count}. */
  public Future<Map<String, Map<String, Long>>> agentWork() {
    return pool.query(AGENT_WORK).execute().map(rows -> {
      Map<String, Map<String, Long>> out = new LinkedHashMap<>();
      for (Row r : rows) out.computeIfAbsent(r.getString(0), k -> new LinkedHashMap<>()).put(r.getString(1), r.getLong(2));
      return out;
    });
  }

  /** {@code state → count}. */
  public Future<Map<String, Long>> notifications() {
    return pool.query(NOTIFICATIONS).execute().map(rows -> {
      Map<String, Long> out = new LinkedHashMap<>();
      for (Row r : rows) out.put(r.getString(0), r.getLong(1));
      return out;
    });
  }
}
