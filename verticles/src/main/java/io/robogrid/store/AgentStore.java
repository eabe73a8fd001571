package io.robogrid.store;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The work {@code agent} steps offer to pull-mode agents, and the agents seen. Every write that hands work out or
 * takes a report is fenced twice: by the hand-out number agents quote as {@code attempt}, and by the job still
 * running the attempt that offered the work.
 */
public final class AgentStore {
  public static final String OPEN = "OPEN";
  public static final String CLAIMED = "CLAIMED";
  public static final String DONE = "DONE";
  public static final String WITHDRAWN = "WITHDRAWN";

  private static final String COLUMNS = "w.id, w.job_id, w.job_attempt, w.step, w.try, w.capability, w.parameters, w.node, w.state,"
      + " w.handout, w.agent, w.expires_at, w.outcome";
  /** The attempt that offered the work is still the job's live one. */
  private static final String LIVE = "EXISTS (SELECT 1 FROM jobs j WHERE j.id = w.job_id AND j.attempt = w.job_attempt AND j.state = 'RUNNING')";

  private final Pool pool;

  public AgentStore(Pool pool) {
    this.pool = pool;
  }

  /** One try of one agent step: what the runner's step and the offer name. */
  public record Key(UUID jobId, int jobAttempt, String step, int tryNo) {
    public JsonObject toJson() {
      return new JsonObject().put("jobId", jobId.toString()).put("jobAttempt", jobAttempt).put("step", step).put("try", tryNo);
    }

    public static Key fromJson(JsonObject j) {
      return new Key(UUID.fromString(j.getString("jobId")), j.getInteger("jobAttempt"), j.getString("step"), j.getInteger("try"));
    }
  }

  /** A piece of agent work as stored. {@code handout} is the {@code attempt} agents see. */
  public record Work(long id, Key key, String capability, JsonObject parameters, String node, String state, int handout, String agent,
                     Instant expiresAt, JsonObject outcome) {
    static Work of(Row r) {
      Key k = new Key(r.getUUID("job_id"), r.getInteger("job_attempt"), r.getString("step"), r.getInteger("try"));
      return new Work(r.getLong("id"), k, r.getString("capability"), (JsonObject) r.getValue("parameters"), r.getString("node"),
          r.getString("state"), r.getInteger("handout"), r.getString("agent"), JobRecord.instant(r, "expires_at"), (JsonObject) r.getValue("outcome"));
    }

    /** What an agent is given when it claims this work. */
    public JsonObject forAgent() {
      return new JsonObject().put("jobId", key.jobId.toString()).put("step", key.step).put("attempt", handout).put("capability", capability)
          .put("parameters", parameters).put("claimExpiresAt", JobRecord.str(expiresAt));
    }
  }

  /**
   * Records the offer of one step try; false when its attempt is not the job's running one any more (nothing waits
   * for the work). Offering the same try again changes nothing.
   */
  public Future<Boolean> offer(Key k, String capability, JsonObject parameters, String node, Instant now) {
    // an earlier try's work (or an earlier attempt's) still out is withdrawn in the same statement: whatever became of
    // the message that should have withdrawn it, only the newest try of a step can be handed out
    return pool.preparedQuery("WITH replaced AS (UPDATE agent_work SET state = 'WITHDRAWN', finished_at = $8, outcome = $9"
            + " WHERE job_id = $1 AND step = $3 AND state IN ('OPEN', 'CLAIMED') AND (job_attempt, try) < ($2, $4) RETURNING id)"
            + " INSERT INTO agent_work (job_id, job_attempt, step, try, capability, parameters, node, state, offered_at)"
            + " SELECT $1, $2, $3, $4, $5, $6, $7, 'OPEN', $8 FROM jobs j WHERE j.id = $1 AND j.attempt = $2 AND j.state = 'RUNNING'"
            + " ON CONFLICT (job_id, job_attempt, step, try) DO NOTHING RETURNING id")
        .execute(Tuple.of(k.jobId, k.jobAttempt, k.step, k.tryNo, capability, parameters).addValue(node).addValue(JobRecord.odt(now))
            .addValue(new JsonObject().put("withdrawn", "a newer try of the step replaced it")))
        .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture(true) : find(k).map(w -> w != null));
  }

  public Future<Work> find(Key k) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM agent_work w WHERE job_id = $1 AND job_attempt = $2 AND step = $3 AND try = $4")
        .execute(Tuple.of(k.jobId, k.jobAttempt, k.step, k.tryNo)).map(AgentStore::first);
  }

  /** Ends an offer nobody needs any more (the step was cancelled or timed out); a later report on it is refused with {@code why}. */
  public Future<Void> withdraw(Key k, String why, Instant now) {
    return pool.preparedQuery("UPDATE agent_work SET state = 'WITHDRAWN', finished_at = $5, outcome = $6"
            + " WHERE job_id = $1 AND job_attempt = $2 AND step = $3 AND try = $4 AND state IN ('OPEN', 'CLAIMED')")
        .execute(Tuple.of(k.jobId, k.jobAttempt, k.step, k.tryNo, JobRecord.odt(now), new JsonObject().put("withdrawn", why))).mapEmpty();
  }

  /**
   * Hands the oldest open work for one of {@code capabilities} to {@code agent}, or null when there is none. Work whose
   * attempt is no longer running is skipped, and rows other agents are claiming are passed over, not waited for.
   */
  public Future<Work> claim(String agent, String token, List<String> capabilities, Instant now, Instant expires) {
    return pool.preparedQuery("UPDATE agent_work w SET state = 'CLAIMED', agent = $1, claimed_at = $3, expires_at = $4, claim_token = $5,"
            + " handout = (SELECT max(o.handout) + 1 FROM agent_work o WHERE o.job_id = w.job_id AND o.step = w.step)"
            + " WHERE w.id = (SELECT w.id FROM agent_work w WHERE w.state = 'OPEN' AND w.capability = ANY($2) AND " + LIVE
            + " ORDER BY w.offered_at, w.id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS)
        .execute(Tuple.of(agent, capabilities.toArray(String[]::new), JobRecord.odt(now), JobRecord.odt(expires), token)).map(AgentStore::first)
        // two claims numbering hand-outs of one step at once (possible only while an older try is still out): one
        // loses on the unique index and finds nothing this time; the waiting request looks again
        .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState()) ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  /** Gives a claim back untouched (its answer never reached the agent): the work is open again at once. */
  public Future<Void> release(Work w) {
    return pool.preparedQuery("UPDATE agent_work SET state = 'OPEN', expires_at = NULL WHERE id = $1 AND handout = $2 AND state = 'CLAIMED'")
        .execute(Tuple.of(w.id, w.handout)).mapEmpty();
  }

  /** A claim as an agent names it: the job, the step and the hand-out number. */
  public record Held(UUID jobId, String step, int attempt) {}

  /**
   * Keeps claims of {@code agent} until {@code expires}: those it names, or all of them when {@code only} is null.
   * Naming them lets an agent that restarted under the same id leave the claims of its former life to lapse.
   * Returns the claims kept.
   */
  public Future<List<Work>> keepAlive(String agent, Instant expires, List<Held> only) {
    String which = only == null ? "" : " AND (job_id, step, handout) IN (SELECT * FROM unnest($3::uuid[], $4::text[], $5::int[]))";
    Tuple args = Tuple.of(agent, JobRecord.odt(expires));
    if (only != null) {
      args.addArrayOfUUID(only.stream().map(Held::jobId).toArray(UUID[]::new)).addArrayOfString(only.stream().map(Held::step).toArray(String[]::new))
          .addArrayOfInteger(only.stream().map(Held::attempt).toArray(Integer[]::new));
    }
    return pool.preparedQuery("UPDATE agent_work w SET expires_at = $2 WHERE agent = $1 AND state = 'CLAIMED' AND " + LIVE + which + " RETURNING " + COLUMNS)
        .execute(args).map(AgentStore::all);
  }

  /**
   * Takes an agent's report on hand-out {@code handout} of the job's step. A {@code result} or {@code error} ends the
   * claim ({@code outcome} is kept), {@code progress} and {@code log} keep it alive until {@code expires}. Fails with
   * STALE_ATTEMPT when that hand-out is no longer the agent's to report on, saying why; the same final report sent
   * twice is accepted again (an agent may resend what it could not see arrive).
   */
  public Future<Work> report(UUID jobId, String step, int handout, JsonObject outcome, String token, Instant now, Instant expires) {
    boolean ends = "result".equals(outcome.getString("type")) || "error".equals(outcome.getString("type"));
    String set = ends ? "state = 'DONE', finished_at = $4, outcome = $5" : "expires_at = greatest(expires_at, $4)";
    Tuple args = Tuple.of(jobId, step, handout, JobRecord.odt(ends ? now : expires), token);
    if (ends) args.addValue(outcome);
    return pool.preparedQuery("UPDATE agent_work w SET " + set.replace("$5", "$6") + " WHERE job_id = $1 AND step = $2 AND handout = $3"
            + " AND state = 'CLAIMED' AND claim_token IS NOT DISTINCT FROM $5 AND " + LIVE + " RETURNING " + COLUMNS).execute(args)
        .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture(first(rows)) : refused(jobId, step, handout, outcome, token));
  }

  /** Why a report was not taken (or the earlier copy of a repeated final report). */
  private Future<Work> refused(UUID jobId, String step, int handout, JsonObject outcome, String token) {
    return pool.preparedQuery("SELECT " + COLUMNS + ", w.claim_token, " + LIVE + " AS live FROM agent_work w WHERE job_id = $1 AND step = $2"
            + " ORDER BY handout DESC, id DESC LIMIT 1").execute(Tuple.of(jobId, step)).compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(new RoboGridException(ErrorCode.NOT_FOUND, "job " + jobId + " has no agent work for step '" + step + "'"));
          }
          Row row = rows.iterator().next();
          Work w = Work.of(row);
          String what = "attempt " + handout + " of step '" + step + "'";
          if (w.handout < handout || handout < 1) {
            return Future.failedFuture(new RoboGridException(ErrorCode.NOT_FOUND, "step '" + step + "' of job " + jobId + " was never handed out as attempt " + handout));
          }
          if (w.handout > handout) return stale(what + " is no longer yours: it was handed out again as attempt " + w.handout);
          if (!java.util.Objects.equals(row.getString("claim_token"), token)) {
            return Future.failedFuture(new RoboGridException(ErrorCode.FORBIDDEN, what + " was not handed out to this token"));
          }
          if (DONE.equals(w.state) && w.outcome != null && w.outcome.equals(outcome)) return Future.succeededFuture(w);
          return switch (w.state) {
            case OPEN -> stale("the claim on " + what + " was lost (no heartbeat in time); the work is offered again");
            case DONE -> stale(what + " was already reported on (" + w.outcome.getString("type") + ")");
            case WITHDRAWN -> stale(what + " was withdrawn: " + (w.outcome == null ? "the step ended" : w.outcome.getString("withdrawn")));
            default -> row.getBoolean("live") ? stale(what + " cannot take that report now")
                : stale(what + " belongs to a job attempt that is no longer running");
          };
        });
  }

  private static Future<Work> stale(String message) {
    return Future.failedFuture(new RoboGridException(ErrorCode.STALE_ATTEMPT, message));
  }

  /** Claims nobody kept alive until their expiry are lost: the work is open again. Returns the reopened work (with the agent that lost it). */
  public Future<List<Work>> expireClaims(Instant now) {
    return pool.preparedQuery("UPDATE agent_work w SET state = 'OPEN', expires_at = NULL WHERE state = 'CLAIMED' AND expires_at < $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(JobRecord.odt(now))).map(AgentStore::all);
  }

  /**
   * Withdraws open and claimed work nobody waits for: its attempt ended without withdrawing it (its runner died), or a
   * newer try of the step replaced it. Returns how many.
   */
  public Future<Integer> withdrawOrphans(Instant now) {
    return pool.preparedQuery("UPDATE agent_work w SET state = 'WITHDRAWN', finished_at = $1, outcome = $2"
            + " WHERE state IN ('OPEN', 'CLAIMED') AND (NOT " + LIVE + " OR EXISTS (SELECT 1 FROM agent_work n WHERE n.job_id = w.job_id"
            + " AND n.step = w.step AND (n.job_attempt, n.try) > (w.job_attempt, w.try)))")
        .execute(Tuple.of(JobRecord.odt(now), new JsonObject().put("withdrawn", "the job attempt that offered it is no longer running, or a newer try replaced it")))
        .map(RowSet::rowCount);
  }

  /**
   * Open work of a running, not yet blocked job that has waited since before {@code cutoff} for a capability no agent
   * offering it was heard from since then (asking for work or keeping its claims: a busy agent is not unreachable):
   * what AGENT_UNREACHABLE marks. At most {@code limit}, oldest first.
   */
  public Future<List<Work>> unreachable(Instant cutoff, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM agent_work w JOIN jobs j ON j.id = w.job_id AND j.attempt = w.job_attempt"
            + " AND j.state = 'RUNNING' AND j.blocked IS NULL WHERE w.state = 'OPEN' AND w.offered_at < $1"
            + " AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.last_seen >= $1 AND w.capability = ANY(a.capabilities))"
            + " ORDER BY w.offered_at LIMIT $2").execute(Tuple.of(JobRecord.odt(cutoff), limit)).map(AgentStore::all);
  }

  /** Records that {@code agent} asked for work or sent a heartbeat, with the capabilities it asked for (added to those known). */
  public Future<Void> seen(String agent, List<String> capabilities, String token, Instant now) {
    return pool.preparedQuery("INSERT INTO agents (id, capabilities, token, first_seen, last_seen) VALUES ($1, $2, $3, $4, $4)"
            + " ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, token = excluded.token,"
            + " capabilities = ARRAY(SELECT DISTINCT c FROM unnest(agents.capabilities || excluded.capabilities) c ORDER BY c)")
        .execute(Tuple.of(agent, capabilities.toArray(String[]::new), token, JobRecord.odt(now))).mapEmpty();
  }

  /** The agents seen since {@code since}, each with the work it holds now. */
  public Future<JsonArray> agents(Instant since) {
    return pool.preparedQuery("SELECT a.id, a.capabilities, a.token, a.first_seen, a.last_seen,"
            + " (SELECT coalesce(json_agg(json_build_object('jobId', w.job_id, 'step', w.step, 'attempt', w.handout,"
            + " 'claimExpiresAt', w.expires_at) ORDER BY w.claimed_at), '[]') FROM agent_work w WHERE w.agent = a.id AND w.state = 'CLAIMED') AS work"
            + " FROM agents a WHERE a.last_seen >= $1 ORDER BY a.id").execute(Tuple.of(JobRecord.odt(since))).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            Object work = r.getValue("work");
            out.add(new JsonObject().put("id", r.getString("id")).put("capabilities", new JsonArray(List.of(r.getArrayOfStrings("capabilities"))))
                .put("token", r.getString("token")).put("firstSeen", JobRecord.str(JobRecord.instant(r, "first_seen")))
                .put("lastSeen", JobRecord.str(JobRecord.instant(r, "last_seen")))
                .put("work", work instanceof JsonArray a ? a : new JsonArray(String.valueOf(work))));
          }
          return out;
        });
  }

  private static Work first(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? Work.of(rows.iterator().next()) : null;
  }

  private static List<Work> all(RowSet<Row> rows) {
    List<Work> out = new ArrayList<>();
    for (Row r : rows) out.add(Work.of(r));
    return out;
  }
}
