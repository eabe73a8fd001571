package io.robogrid.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL files {@code db/V<nnn>__<name>.sql} in order, all pending ones in one transaction, and
 * records them in {@code schema_migrations}. An advisory lock makes concurrent starts of several nodes safe.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  /** Listed here rather than scanned: resources inside a shaded jar cannot be listed portably. */
  static final List<String> FILES = List.of("V001__jobs.sql", "V002__leases.sql", "V003__artifacts.sql", "V004__browser_runs.sql",
      "V005__schedules.sql", "V006__approvals.sql", "V007__secrets.sql",
      "V008__api_tokens.sql", "V009__agents.sql", "V010__notifications.sql", "V011__idempotency.sql", "V012__lost_attempts.sql",
      "V013__goal_paths.sql", "V014__retention.sql", "V015__claim_by_requirement_set.sql",
      "V016__pause.sql", "V017__blocked.sql", "V018__overview.sql");
  private static final long LOCK_KEY = 0x526f626f47726964L; // "RoboGrid"

  private Migrations() {}

  public static Future<List<String>> apply(Pool pool) {
    return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute()
        .compose(v -> conn.query("SELECT to_regclass('schema_migrations') IS NOT NULL").execute())
        .compose(exists -> exists.iterator().next().getBoolean(0) ? Future.succeededFuture()
            : conn.query("CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(v -> conn.query("SELECT version FROM schema_migrations").execute())
        .map(rows -> {
          Set<String> done = new java.util.HashSet<>();
          for (Row r : rows) done.add(r.getString(0));
          return FILES.stream().filter(f -> !done.contains(version(f))).collect(Collectors.toList());
        })
        .compose(todo -> {
          Future<Void> chain = Future.succeededFuture();
          List<String> applied = new ArrayList<>();
          for (String file : todo) {
            chain = chain.compose(v -> conn.query(read(file)).execute())
                .compose(v -> conn.preparedQuery("INSERT INTO schema_migrations (version) VALUES ($1)").execute(Tuple.of(version(file))))
                .map(v -> {
                  applied.add(file);
                  log.info("applied migration {}", file);
                  return null;
                });
          }
          return chain.map(v -> applied);
        }));
  }

  static String version(String file) {
    return file.substring(0, file.indexOf("__"));
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/" + file)) {
      if (in == null) throw new IllegalStateException("migration " + file + " is missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
