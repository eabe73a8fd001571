package io.robogrid.store;

import io.robogrid.auth.Role;
import io.robogrid.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/** API tokens by the hash of their value; the value itself is shown once, when created, and kept nowhere. */
public final class TokenStore {
  private final Pool pool;

  public TokenStore(Pool pool) {
    this.pool = pool;
  }

  /** Who a token is: {@code {name, role}}, or null when it is unknown or revoked. */
  public Future<JsonObject> find(String token) {
    return pool.preparedQuery("SELECT name, role FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL").execute(Tuple.of(Tokens.hash(token)))
        .map(rows -> rows.iterator().hasNext() ? describe(rows.iterator().next()) : null);
  }

  /** Stores a new token's hash; false when the name is taken. */
  public Future<Boolean> create(String name, Role role, String token, String by, Instant now) {
    return pool.preparedQuery("INSERT INTO api_tokens (name, role, hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5)"
            + " ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(name, role.label(), Tokens.hash(token), JobRecord.odt(now), by)).map(rows -> rows.rowCount() > 0);
  }

  /** Sets the token called {@code name} to {@code token} (the configured first admin token), whatever it was before. */
  public Future<Void> upsert(String name, Role role, String token, Instant now) {
    return pool.preparedQuery("INSERT INTO api_tokens (name, role, hash, created_at, created_by) VALUES ($1, $2, $3, $4, 'configuration')"
            + " ON CONFLICT (name) DO UPDATE SET role = excluded.role, hash = excluded.hash, revoked_at = NULL")
        .execute(Tuple.of(name, role.label(), Tokens.hash(token), JobRecord.odt(now))).mapEmpty();
  }

  public Future<Boolean> anyAdmin() {
    return pool.query("SELECT 1 FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1").execute().map(rows -> rows.iterator().hasNext());
  }

  public Future<Boolean> revoke(String name, Instant now) {
    return pool.preparedQuery("UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(name, JobRecord.odt(now))).map(rows -> rows.rowCount() > 0);
  }

  public Future<JsonArray> list() {
    return pool.query("SELECT name, role, created_at, created_by, revoked_at FROM api_tokens ORDER BY name").execute().map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(describe(r).put("createdAt", JobRecord.str(JobRecord.instant(r, "created_at"))).put("createdBy", r.getString("created_by"))
            .put("revokedAt", JobRecord.str(JobRecord.instant(r, "revoked_at"))));
      }
      return out;
    });
  }

  private static JsonObject describe(Row r) {
    return new JsonObject().put("name", r.getString("name")).put("role", r.getString("role"));
  }
}
