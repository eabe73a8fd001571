package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Idempotency keys: per caller, a key names one request (by its hash) and the id of the job it makes, for
 * {@link #KEPT}. The job id is kept first and the job stored after, under that id: whichever try stores it, there is
 * one job, and a try whose key is already kept knows which one.
 */
public final class IdempotencyStore {
  /** How long a key means its first request. */
  public static final Duration KEPT = Duration.ofHours(24);

  /** A kept key: the request it stands for and its job's id. */
  public record Kept(String requestHash, UUID jobId) {}

  // a key kept longer than KEPT ($6) is free again: the new request takes it over
  private static final String RESERVE = "INSERT INTO idempotency_keys (caller, key, request_hash, job_id, created_at) VALUES ($1, $2, $3, $4, $5)"
      + " ON CONFLICT (caller, key) DO UPDATE SET request_hash = excluded.request_hash, job_id = excluded.job_id, created_at = excluded.created_at"
      + " WHERE idempotency_keys.created_at <= $6 RETURNING request_hash, job_id";
  private static final String FIND = "SELECT request_hash, job_id FROM idempotency_keys WHERE caller = $1 AND key = $2";
  private static final String RELEASE = "DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND job_id = $3";
  private static final String PRUNE = "DELETE FROM idempotency_keys WHERE created_at <= $1";

  private final Pool pool;

  public IdempotencyStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Keeps {@code key} for {@code caller} as meaning {@code requestHash} and job {@code jobId}, unless it is kept
   * already: then what it was kept as (its job id tells which). A key kept by a concurrent request waits for that
   * insert, so both see the same job id.
   */
  public Future<Kept> reserve(String caller, String key, String requestHash, UUID jobId, Instant now) {
    return pool.preparedQuery(RESERVE).execute(Tuple.of(caller, key, requestHash, jobId, JobRecord.odt(now), JobRecord.odt(now.minus(KEPT))))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(kept(rows.iterator().next()))
            // not ours: a new statement, so that it sees the row another request just committed
            : pool.preparedQuery(FIND).execute(Tuple.of(caller, key)).map(found -> {
              if (found.size() == 0) throw new IllegalStateException("idempotency key '" + key + "' was neither kept nor found");
              return kept(found.iterator().next());
            }));
  }

  /** Lets go of a key whose job could not be stored, so that it does not stand for a job that does not exist. */
  public Future<Void> release(String caller, String key, UUID jobId) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(caller, key, jobId)).mapEmpty();
  }

  /** Forgets the keys older than {@link #KEPT}; how many. */
  public Future<Integer> prune(Instant now) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of(JobRecord.odt(now.minus(KEPT)))).map(rows -> rows.rowCount());
  }

  private static Kept kept(Row r) {
    return new Kept(r.getString("request_hash"), r.getUUID("job_id"));
  }

  /**
   * The hash that says whether two requests are the same: SHA-256 of {@code what} (the method and route) and the
   * body's canonical JSON, keys sorted at every level, so that the order a client wrote them in does not matter.
   */
  public static String hash(String what, JsonObject body) {
    StringBuilder b = new StringBuilder(what).append('\n');
    canonical(body, b);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void canonical(Object v, StringBuilder b) {
    if (v instanceof JsonObject o) v = o.getMap();
    if (v instanceof JsonArray a) v = a.getList();
    if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : new TreeMap<>((Map<String, Object>) m).entrySet()) {
        if (!first) b.append(',');
        first = false;
        scalar(e.getKey(), b);
        b.append(':');
        canonical(e.getValue(), b);
      }
      b.append('}');
    } else if (v instanceof java.util.List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(',');
        canonical(l.get(i), b);
      }
      b.append(']');
    } else {
      scalar(v, b);
    }
  }

  /** A string, number, boolean or null as JSON writes it (the encoder's escaping, without the array around it). */
  private static void scalar(Object v, StringBuilder b) {
    String one = new JsonArray().add(v).encode();
    b.append(one, 1, one.length() - 1);
  }
}
