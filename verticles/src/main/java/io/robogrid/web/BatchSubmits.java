package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.jobs.Submissions;
import io.robogrid.store.IdempotencyStore;
import io.robogrid.store.JobStore;
import io.robogrid.store.JobRecord;
import io.robogrid.store.NewJob;
import io.robogrid.store.TransitionResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code POST /jobs:batch}: {@code {"jobs": [<a submission>, …]}}, up to {@value #MAX_JOBS}, each validated as
 * {@code POST /jobs} validates one, stored in one transaction: all of them (201 with the jobs, in order) or, when one is
 * refused, none (the error names its index: {@code jobs[3].workflow…}). An {@code Idempotency-Key} stands for the whole
 * batch: the batch's jobs get ids derived from its first one's, so that a retry finds exactly the jobs the first try
 * stored, or stores them under those ids when it stored nothing.
 */
final class BatchSubmits {
  static final int MAX_JOBS = 1000;
  static final String ROUTE = "POST /jobs:batch";

  private final JobStore jobs;
  private final IdempotencyStore keys;
  private final Submissions submissions;
  private final Function<TransitionResult, JsonObject> published;
  private final UnaryOperator<JsonObject> annotate;
  private final Clock clock;

  BatchSubmits(JobStore jobs, IdempotencyStore keys, Submissions submissions, Function<TransitionResult, JsonObject> published,
               UnaryOperator<JsonObject> annotate, Clock clock) {
    this.jobs = jobs;
    this.keys = keys;
    this.submissions = submissions;
    this.published = published;
    this.annotate = annotate;
    this.clock = clock;
  }

  Future<JsonObject> submit(RoutingContext ctx) {
    JsonObject body = JobsApi.only(JobsApi.body(ctx), "jobs");
    Object list = body.getValue("jobs");
    if (!(list instanceof JsonArray requests) || requests.isEmpty() || requests.size() > MAX_JOBS) {
      throw RoboGridException.invalidRequest("jobs: must be a list of 1 to " + MAX_JOBS + " submissions, each as POST /jobs takes one");
    }
    String key = IdempotentSubmits.key(ctx);
    UUID first = UUID.randomUUID();
    List<NewJob> batch = accept(requests, first);
    if (key == null) return store(batch, false, ctx);
    String hash = IdempotencyStore.hash(ROUTE, body);
    String caller = JobsApi.caller(ctx);
    return keys.reserve(caller, key, hash, first, clock.instant()).compose(kept -> {
      if (!kept.requestHash().equals(hash)) {
        return Future.failedFuture(new RoboGridException(ErrorCode.IDEMPOTENCY_KEY_REUSED, IdempotentSubmits.HEADER + " '" + key
            + "' was used for another request within the last " + IdempotencyStore.KEPT.toHours() + " hours; a new request needs a new key"));
      }
      if (kept.jobId().equals(first)) {
        return store(batch, false, ctx).recover(e -> keys.release(caller, key, first).transform(v -> Future.failedFuture(e)));
      }
      // an earlier try's: its jobs, or (it died before storing them) these under its ids
      List<NewJob> again = accept(requests, kept.jobId());
      return existing(again, ctx).recover(none -> store(again, true, ctx).recover(e -> existing(again, ctx)));
    });
  }

  /** Every submission accepted, or the first refusal, its message naming the index; ids from {@code first}. */
  private List<NewJob> accept(JsonArray requests, UUID first) {
    List<NewJob> out = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      String at = "jobs[" + i + "]";
      if (!(requests.getValue(i) instanceof JsonObject request)) throw RoboGridException.invalidRequest(at + ": must be an object, as POST /jobs takes");
      NewJob j;
      try {
        j = submissions.accept(request, null);
      } catch (RoboGridException e) {
        throw new RoboGridException(e.code(), at + ": " + e.getMessage());
      }
      out.add(new NewJob(id(first, i), j.robot(), j.workflow(), j.input(), j.request(), j.requires(), j.priority(), j.maxAttempts(), j.runAt(),
          j.rerunOf(), j.approval()));
    }
    return out;
  }

  /** The id of the batch's job number {@code i}: the first's own, the others derived from it (name-based UUIDs). */
  static UUID id(UUID first, int i) {
    return i == 0 ? first : UUID.nameUUIDFromBytes((first + "#" + i).getBytes(StandardCharsets.UTF_8));
  }

  private Future<JsonObject> store(List<NewJob> batch, boolean replayed, RoutingContext ctx) {
    return jobs.insertAll(batch, clock.instant()).map(results -> {
      JsonArray out = new JsonArray();
      results.forEach(r -> out.add(published.apply(r)));
      if (replayed) ctx.response().putHeader(IdempotentSubmits.REPLAYED, "true");
      return new JsonObject().put("jobs", out);
    });
  }

  /** The jobs an earlier try stored: all of them (it stored all or none), or a failure when it stored none. */
  private Future<JsonObject> existing(List<NewJob> batch, RoutingContext ctx) {
    List<Future<JobRecord>> found = batch.stream().map(j -> jobs.find(j.id())).toList();
    return Future.all(found).map(all -> {
      JsonArray out = new JsonArray();
      found.forEach(f -> out.add(annotate.apply(f.result().toJson())));
      ctx.response().putHeader(IdempotentSubmits.REPLAYED, "true");
      return new JsonObject().put("jobs", out);
    });
  }
}
