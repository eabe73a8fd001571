package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.store.IdempotencyStore;
import io.robogrid.store.JobStore;
import io.robogrid.store.NewJob;
import io.robogrid.store.TransitionResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Submissions with an {@code Idempotency-Key} header: the key (per caller, for 24 hours) stands for one request and
 * the job it made. The same key again with the same request gets that job (201, {@code Idempotent-Replayed: true});
 * with another request, 409 IDEMPOTENCY_KEY_REUSED. A refused request keeps no key: it is validated before.
 * <p>
 * The key is kept with the new job's id before the job is stored, and the job is stored under that id: of two tries
 * racing (or a retry after a node died in between), the one that stores second finds the job the other stored.
 */
final class IdempotentSubmits {
  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  /** The job to answer with, and whether an earlier try made it. */
  record Outcome(JsonObject job, boolean replayed) {}

  private final JobStore jobs;
  private final IdempotencyStore keys;
  private final Function<TransitionResult, JsonObject> published;
  private final UnaryOperator<JsonObject> annotate;
  private final Clock clock;

  /**
   * @param published publishes a stored job's first event and gives its JSON
   * @param annotate adds what the grid knows to a job's JSON
   */
  IdempotentSubmits(JobStore jobs, IdempotencyStore keys, Function<TransitionResult, JsonObject> published, UnaryOperator<JsonObject> annotate,
                    Clock clock) {
    this.jobs = jobs;
    this.keys = keys;
    this.published = published;
    this.annotate = annotate;
    this.clock = clock;
  }

  /** The request's key: null without the header; refused unless 1 to 255 printable ASCII characters, sent once. */
  static String key(RoutingContext ctx) {
    var all = ctx.request().headers().getAll(HEADER);
    if (all.isEmpty()) return null;
    if (all.size() > 1 || !KEY.matcher(all.get(0)).matches()) {
      throw RoboGridException.invalidRequest(HEADER + ": one key of 1 to 255 printable ASCII characters (a UUID will do)");
    }
    return all.get(0);
  }

  /** Stores {@code job}, made from {@code request}, unless {@code key} already stands for it; {@code route} names what is submitted to. */
  Future<Outcome> submit(String route, JsonObject request, NewJob job, String caller, String key) {
    String hash = IdempotencyStore.hash(route, request);
    return keys.reserve(caller, key, hash, job.id(), clock.instant()).compose(kept -> {
      if (!kept.requestHash().equals(hash)) {
        return Future.failedFuture(new RoboGridException(ErrorCode.IDEMPOTENCY_KEY_REUSED, HEADER + " '" + key
            + "' was used for another request within the last " + IdempotencyStore.KEPT.toHours() + " hours; a new request needs a new key"));
      }
      if (kept.jobId().equals(job.id())) {
        // ours: store it; should that fail, the job may still be there (a try racing us), else the key is let go
        return store(job, false).recover(e -> existing(kept.jobId()).recover(none -> keys.release(caller, key, job.id())
            .transform(v -> Future.failedFuture(e))));
      }
      // an earlier try's: its job, or (that try died before storing it) this request's job under the kept id
      return existing(kept.jobId()).recover(none -> store(withId(job, kept.jobId()), false).recover(e -> existing(kept.jobId())));
    });
  }

  private Future<Outcome> store(NewJob job, boolean replayed) {
    return jobs.insert(job, clock.instant()).map(r -> new Outcome(published.apply(r), replayed));
  }

  private Future<Outcome> existing(UUID id) {
    return jobs.find(id).map(j -> new Outcome(annotate.apply(j.toJson()), true));
  }

  private static NewJob withId(NewJob j, UUID id) {
    return new NewJob(id, j.robot(), j.workflow(), j.input(), j.request(), j.requires(), j.priority(), j.maxAttempts(), j.runAt(), j.rerunOf(),
        j.approval());
  }
}
