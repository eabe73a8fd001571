package io.robogrid.store;

import io.robogrid.secrets.MasterKey;
import io.robogrid.secrets.SecretCipher;
import io.robogrid.secrets.SecretCipher.Sealed;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Secrets as ciphertext, and the audit of their uses. Nothing here ever holds a value in clear. */
public final class SecretStore {
  private final Pool pool;

  public SecretStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores (or replaces) a sealed value; answers whether it was new. */
  public Future<Boolean> put(String name, Sealed sealed, String by, Instant now) {
    return pool.preparedQuery("INSERT INTO secrets (name, nonce, ciphertext, key_id, created_at, updated_at, updated_by)"
            + " VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,"
            + " key_id = excluded.key_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by RETURNING (xmax = 0) AS created")
        .execute(Tuple.of(name, Buffer.buffer(sealed.nonce()), Buffer.buffer(sealed.ciphertext()), sealed.keyId(), JobRecord.odt(now), by))
        .map(rows -> rows.iterator().next().getBoolean("created"));
  }

  /** The secrets' names and dates, never their values. */
  public Future<JsonArray> list() {
    return pool.query("SELECT name, key_id, created_at, updated_at, updated_by FROM secrets ORDER BY name").execute().map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) out.add(describe(r));
      return out;
    });
  }

  public Future<Boolean> delete(String name) {
    return pool.preparedQuery("DELETE FROM secrets WHERE name = $1").execute(Tuple.of(name)).map(rows -> rows.rowCount() > 0);
  }

  /** The sealed values of {@code names} that exist (for a runner's assignment: ciphertext only). */
  public Future<Map<String, Sealed>> sealed(Collection<String> names) {
    if (names.isEmpty()) return Future.succeededFuture(Map.of());
    return pool.preparedQuery("SELECT name, nonce, ciphertext, key_id FROM secrets WHERE name = ANY($1)").execute(Tuple.of(names.toArray(new String[0])))
        .map(rows -> {
          Map<String, Sealed> out = new LinkedHashMap<>();
          for (Row r : rows) out.put(r.getString("name"), new Sealed(r.getBuffer("nonce").getBytes(), r.getBuffer("ciphertext").getBytes(), r.getString("key_id")));
          return out;
        });
  }

  /** Records one use of a secret by a step of a job's attempt on a node. */
  public Future<Void> used(String name, UUID jobId, int attempt, String step, String node, Instant at) {
    return pool.preparedQuery("INSERT INTO secret_uses (name, job_id, attempt, step, node, used_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(name, jobId, attempt, step, node, JobRecord.odt(at))).mapEmpty();
  }

  /** The latest uses of a secret: job, attempt, step, node, time. */
  public Future<JsonArray> uses(String name, int limit) {
    return pool.preparedQuery("SELECT job_id, attempt, step, node, used_at FROM secret_uses WHERE name = $1 ORDER BY used_at DESC, id DESC LIMIT $2")
        .execute(Tuple.of(name, limit)).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            out.add(new JsonObject().put("jobId", r.getUUID("job_id").toString()).put("attempt", r.getInteger("attempt")).put("step", r.getString("step"))
                .put("node", r.getString("node")).put("usedAt", JobRecord.str(JobRecord.instant(r, "used_at"))));
          }
          return out;
        });
  }

  /**
   * Re-encrypts every secret from {@code from} to {@code to} in one transaction (all or none); answers how many. A
   * secret sealed with neither key fails the whole rekey.
   */
  public Future<Integer> rekey(MasterKey from, MasterKey to, Instant now) {
    return pool.withTransaction(c -> c.query("SELECT name, nonce, ciphertext, key_id FROM secrets FOR UPDATE").execute().compose(rows -> {
      List<Tuple> updates = new ArrayList<>();
      for (Row r : rows) {
        String name = r.getString("name");
        Sealed old = new Sealed(r.getBuffer("nonce").getBytes(), r.getBuffer("ciphertext").getBytes(), r.getString("key_id"));
        if (old.keyId().equals(to.id())) continue;
        Sealed fresh = SecretCipher.seal(to, name, SecretCipher.open(from, name, old));
        updates.add(Tuple.of(name, Buffer.buffer(fresh.nonce()), Buffer.buffer(fresh.ciphertext()), fresh.keyId(), JobRecord.odt(now)));
      }
      if (updates.isEmpty()) return Future.succeededFuture(0);
      return c.preparedQuery("UPDATE secrets SET nonce = $2, ciphertext = $3, key_id = $4, updated_at = $5 WHERE name = $1").executeBatch(updates)
          .map(v -> updates.size());
    }));
  }

  private static JsonObject describe(Row r) {
    return new JsonObject().put("name", r.getString("name")).put("keyId", r.getString("key_id"))
        .put("createdAt", JobRecord.str(JobRecord.instant(r, "created_at"))).put("updatedAt", JobRecord.str(JobRecord.instant(r, "updated_at")))
        .put("updatedBy", r.getString("updated_by"));
  }
}
