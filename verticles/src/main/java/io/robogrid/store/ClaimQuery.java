package io.robogrid.store;

/**
 * The claim's SQL: due jobs a runner can take, best priority first, each moved QUEUED → CLAIMED with a new attempt
 * number (the fence), an attempt row and a {@code job.state} event, in one statement.
 *
 * <p>It does not walk the queue in priority order, filtering out the jobs the runner cannot take: behind a large
 * backlog for a capability nobody offers, that walk grew with the backlog. Instead it works per set of required
 * capabilities (index {@code jobs_queued_by_set}, which leads with the set):
 * <ol>
 * <li>{@code sets}: the distinct sets queued now, by a loose index scan (each step a probe for the next set greater
 * than the last), so one probe per set however many jobs each holds;</li>
 * <li>only the sets the runner satisfies ({@code requires <@ offered}, and containing {@code needs} when set);</li>
 * <li>per such set, its best {@code limit} jobs in (priority, run_at, created_at) order, {@code FOR UPDATE SKIP
 * LOCKED}, so concurrent claims never take the same job;</li>
 * <li>those merged in the same order, the best {@code limit} claimed.</li>
 * </ol>
 * A set's candidates that lose the merge were locked by this statement too, and are free again when it ends (it runs
 * alone, without a transaction around it): for that moment another coordinator's claim skips them as it skips any
 * job being claimed. Cost: one probe per distinct set queued plus one short index range per set the runner can take.
 */
public final class ClaimQuery {
  private ClaimQuery() {}

  /** $1 offered capabilities, $2 limit, $3 now, $4 the scarce capability every job must need (or null). */
  public static final String CLAIM = "WITH RECURSIVE sets(r) AS ("
      + "   (SELECT requires FROM jobs WHERE state = 'QUEUED' ORDER BY requires LIMIT 1)"
      + "   UNION ALL SELECT (SELECT requires FROM jobs WHERE state = 'QUEUED' AND requires > s.r ORDER BY requires LIMIT 1)"
      + "   FROM sets s WHERE s.r IS NOT NULL),"
      + " picked AS (SELECT p.id FROM sets s CROSS JOIN LATERAL (SELECT id, priority, run_at, created_at FROM jobs"
      + "     WHERE state = 'QUEUED' AND requires = s.r ORDER BY priority DESC, run_at, created_at LIMIT $2 FOR UPDATE SKIP LOCKED) p"
      + "   WHERE s.r IS NOT NULL AND s.r <@ $1::text[] AND ($4::text IS NULL OR $4::text = ANY (s.r))"
      + "   ORDER BY p.priority DESC, p.run_at, p.created_at LIMIT $2),"
      + " claimed AS (UPDATE jobs j SET state = 'CLAIMED', attempt = j.attempt + 1, node = NULL, heartbeat_at = $3"
      + "   FROM picked WHERE j.id = picked.id RETURNING j.*),"
      + " att AS (INSERT INTO attempts (job_id, attempt, state, claimed_at) SELECT id, attempt, 'CLAIMED', $3 FROM claimed),"
      + " ev AS (INSERT INTO events (job_id, attempt, type, at, data)"
      + "   SELECT id, attempt, 'job.state', $3, jsonb_build_object('from', 'QUEUED', 'to', 'CLAIMED') FROM claimed RETURNING "
      + JobStore.EVENT_COLUMNS + ")"
      + " SELECT c.*, ev.seq, ev.job_id, ev.type, ev.at, ev.data FROM claimed c JOIN ev ON ev.job_id = c.id ORDER BY c.priority DESC, c.run_at, c.created_at";
}
