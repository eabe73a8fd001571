package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.secrets.Keyring;
import io.robogrid.secrets.MasterKey;
import io.robogrid.secrets.SecretCipher;
import io.robogrid.store.SecretStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /secrets}: credentials stored encrypted (AES-256-GCM under the master key). A value goes in and never comes
 * out: listing gives names and dates, each use by a job is audited, and the value is decrypted only on the runner.
 */
final class SecretsApi {
  private static final Logger log = LoggerFactory.getLogger(SecretsApi.class);
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  private final Vertx vertx;
  private final SecretStore store;
  private final Keyring keys;
  private final Clock clock;

  private final RequestBodies bodies;

  SecretsApi(Vertx vertx, SecretStore store, Keyring keys, Clock clock, RequestBodies bodies) {
    this.bodies = bodies;
    this.vertx = vertx;
    this.store = store;
    this.keys = keys;
    this.clock = clock;
  }

  void mount(ApiRoutes api) {
    api.get("/secrets", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, store.list().map(l -> new JsonObject().put("secrets", l))));
    api.put("/secrets/:name", Role.ADMIN, this::put);
    api.delete("/secrets/:name", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, store.delete(name(ctx)).compose(found -> found
        ? Future.succeededFuture(new JsonObject().put("name", name(ctx)).put("deleted", true))
        : Future.failedFuture(new RoboGridException(ErrorCode.NOT_FOUND, "no secret named '" + name(ctx) + "'")))));
    api.get("/secrets/:name/uses", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, store.uses(name(ctx), 200)
        .map(u -> new JsonObject().put("name", name(ctx)).put("uses", u))));
    api.post("/secrets/rekey", Role.ADMIN, ctx -> JobsApi.answer(ctx, 200, rekey()));
  }

  private static String name(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!NAME.matcher(name).matches()) throw RoboGridException.invalidRequest("a secret's name is letters, digits, '_', '.' and '-' (100 at most)");
    return name;
  }

  private void put(RoutingContext ctx) {
    String name = name(ctx);
    String value = bodies.check("putSecretsName", JobsApi.body(ctx)).getString("value"); // 1 to 65,536 characters (the document's)
    MasterKey key = keys.get();
    if (key == null) throw new RoboGridException(ErrorCode.UNAVAILABLE, "this node has no master key");
    // the answer never carries the value, and nothing logs it
    Future<JsonObject> stored = store.put(name, SecretCipher.seal(key, name, value), JobsApi.caller(ctx), clock.instant())
        .map(created -> new JsonObject().put("name", name).put("created", created).put("keyId", key.id()));
    stored.onSuccess(j -> log.info("secret '{}' {} by {}", name, j.getBoolean("created") ? "created" : "replaced", JobsApi.caller(ctx)));
    JobsApi.answer(ctx, 200, stored);
  }

  /**
   * Re-encrypts every secret under a new master key: the new key is written beside the old one first, the database
   * re-encrypted in one transaction, then the key file replaced (the old one kept as {@code .previous}). Other nodes
   * need the new key file before they can use secrets again.
   */
  private Future<JsonObject> rekey() {
    MasterKey old = keys.get();
    if (old == null) return Future.failedFuture(new RoboGridException(ErrorCode.UNAVAILABLE, "this node has no master key"));
    return vertx.executeBlocking(keys::prepareNext, false).compose(next -> store.rekey(old, next, clock.instant()).compose(n ->
        vertx.executeBlocking(() -> {
          keys.commit(next);
          log.info("master key {} replaced by {}: {} secrets re-encrypted; other nodes need the new key file {}", old.id(), next.id(), n, old.file());
          return new JsonObject().put("reencrypted", n).put("keyId", next.id()).put("previousKeyId", old.id());
        }, false)).onFailure(e -> keys.abandon(next)));
  }
}
