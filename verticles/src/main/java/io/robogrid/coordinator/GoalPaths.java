package io.robogrid.coordinator;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.RoboGridException;
import io.robogrid.store.GoalPathStore;
import io.robogrid.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What goal runs ask the coordinators, since runners have no database: the cached path of a (site, goal), and a secret
 * the runner's own configuration names (a language model's API key), which is handed out sealed, to a live attempt
 * only, and audited as a use by its step. Also records the paths that runs report.
 */
final class GoalPaths {
  private final Vertx vertx;
  private final GoalPathStore paths;
  private final JobStore jobs;
  private final Clock clock;

  GoalPaths(Vertx vertx, GoalPathStore paths, JobStore jobs, Clock clock) {
    this.vertx = vertx;
    this.paths = paths;
    this.jobs = jobs;
    this.clock = clock;
  }

  Future<Void> listen() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(CoordinatorAddresses.GOAL_PATH, m -> paths.live(m.body().getString("site"), m.body().getString("goalKey"), clock.instant())
            .onComplete(ar -> {
              if (ar.succeeded()) m.reply(ar.result() == null ? new JsonObject() : new JsonObject().put("path", ar.result()));
              else m.fail(ErrorCode.UNAVAILABLE.busCode(), ar.cause().getMessage());
            })).completion(),
        bus.<JsonObject>consumer(CoordinatorAddresses.SEALED_SECRET, m -> sealed(m.body()).onComplete(ar -> {
          if (ar.succeeded()) m.reply(ar.result());
          else if (ar.cause() instanceof RoboGridException re) m.fail(re.code().busCode(), re.getMessage());
          else m.fail(ErrorCode.UNAVAILABLE.busCode(), ar.cause().getMessage());
        })).completion()).mapEmpty();
  }

  /** A goal run's report of its path: a success replaces the live path, a failed replay counts towards retiring it. */
  Future<Void> record(JsonObject r, UUID job, Instant at) {
    String site = r.getString("site"), key = r.getString("goalKey");
    if ("succeeded".equals(r.getString("outcome"))) {
      JsonObject path = r.getJsonObject("path", new JsonObject());
      return paths.succeeded(site, key, r.getString("goal", key), path.getJsonArray("steps"), path.getLong("runMs", 0L), job, at);
    }
    return paths.failed(site, key, job, at);
  }

  private Future<JsonObject> sealed(JsonObject q) {
    UUID job = UUID.fromString(q.getString("jobId"));
    int attempt = q.getInteger("attempt");
    String name = q.getString("name");
    return jobs.find(job).compose(j -> {
      if (j.state != JobState.RUNNING || j.attempt != attempt || !q.getString("node", "").equals(j.node)) {
        return Future.failedFuture(new RoboGridException(ErrorCode.STALE_ATTEMPT, "attempt " + attempt + " of job " + job + " is not running there"));
      }
      return jobs.secrets().sealed(Set.of(name));
    }).compose(found -> {
      if (!found.containsKey(name)) return Future.failedFuture(new RoboGridException(ErrorCode.NOT_FOUND, "there is no secret named '" + name + "'"));
      return jobs.secrets().used(name, job, attempt, q.getString("step"), q.getString("node"), clock.instant())
          .map(v -> new JsonObject().put("sealed", found.get(name).toJson()));
    });
  }
}
