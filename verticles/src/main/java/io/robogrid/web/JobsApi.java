package io.robogrid.web;

import io.robogrid.auth.Role;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.JobState;
import io.robogrid.core.JsonLimits;
import io.robogrid.core.JsonText;
import io.robogrid.core.RoboGridException;
import io.robogrid.core.StrictJson;
import io.robogrid.jobs.JobEvents;
import io.robogrid.jobs.JobLifecycle;
import io.robogrid.jobs.Submissions;
import io.robogrid.runner.RunnerAddresses;
import io.robogrid.store.GroupCommit;
import io.robogrid.store.IdempotencyStore;
import io.robogrid.store.JobQuery;
import io.robogrid.store.JobRecord;
import io.robogrid.store.JobStore;
import io.robogrid.store.NewJob;
import io.robogrid.store.TransitionResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The job and robot endpoints under {@code /api/v1}. Handlers validate, call the store, publish the events they caused, and answer JSON. */
final class JobsApi {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JobsApi.class);
  private static final int DEFAULT_LIMIT = 50;

  private final JobStore store;
  private final Submissions submissions;
  private final JobLifecycle lifecycle;
  private final Clock clock;
  private final EventBus bus;
  private final UnaryOperator<JsonObject> annotate;

  private final IdempotentSubmits idempotent;
  private final BatchSubmits batches;
  /** Single submissions that arrive together share a commit; one alone goes out at once. */
  private final GroupCommit submits;
  private final RequestBodies bodies;
  private static final int SUBMIT_BATCH = 256;

  /** @param annotate adds what the grid knows to a job's JSON (why a queued job waits) */
  JobsApi(JobStore store, IdempotencyStore keys, Submissions submissions, JobLifecycle lifecycle, Clock clock, EventBus bus,
          UnaryOperator<JsonObject> annotate, RequestBodies bodies) {
    this.bodies = bodies;
    this.idempotent = new IdempotentSubmits(store, keys, this::published, annotate, clock);
    this.batches = new BatchSubmits(store, keys, submissions, this::published, annotate, clock);
    this.annotate = annotate;
    this.store = store;
    this.submits = store.groupCommit(SUBMIT_BATCH);
    this.submissions = submissions;
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.bus = bus;
  }

  void mount(ApiRoutes api) {
    api.post("/jobs", Role.OPERATOR, ctx -> answer(ctx, 201, submitOnce(ctx)));
    // before /jobs/:id: a batch is no job id
    api.literal(io.vertx.core.http.HttpMethod.POST, "/jobs:batch", Role.OPERATOR, ctx -> answer(ctx, 201, batches.submit(ctx)));
    api.get("/jobs", Role.VIEWER, ctx -> answer(ctx, 200, list(ctx)));
    api.get("/jobs/:id", Role.VIEWER, ctx -> {
      UUID id = jobId(ctx);
      answer(ctx, 200, store.findWithSteps(id).compose(job -> store.artifacts(id).map(list -> annotate.apply(job.put("artifacts", list)))));
    });
    api.get("/jobs/:id/artifacts", Role.VIEWER, ctx -> {
      UUID id = jobId(ctx);
      answer(ctx, 200, store.find(id).compose(j -> store.artifacts(id)).map(list -> new JsonObject().put("artifacts", list)));
    });
    api.get("/jobs/:id/artifacts/:name", Role.VIEWER, ctx -> store.artifact(jobId(ctx), ctx.pathParam("name")).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      // a captured page is someone else's HTML: never let it run as this site (its scripts could call the API)
      ctx.response().putHeader("content-type", ar.result().getKey()).putHeader("cache-control", "private, no-cache")
          .putHeader("x-content-type-options", "nosniff").putHeader("content-security-policy", "sandbox; default-src 'none'")
          .putHeader("content-disposition", "attachment; filename=\"" + ctx.pathParam("name").replaceAll("[^A-Za-z0-9._-]", "_") + "\"")
          .end(ar.result().getValue());
    }));
    api.get("/jobs/:id/events", Role.VIEWER, ctx -> answer(ctx, 200, events(ctx)));
    api.post("/jobs/:id/cancel", Role.OPERATOR, ctx -> answer(ctx, 202, cancel(jobId(ctx))));
    api.post("/jobs/:id/pause", Role.OPERATOR, ctx -> answer(ctx, 202, pause(jobId(ctx), caller(ctx))));
    api.post("/jobs/:id/resume", Role.OPERATOR, ctx -> answer(ctx, 200, resume(jobId(ctx), caller(ctx))));
    api.post("/jobs/:id/rerun", Role.OPERATOR, ctx -> answer(ctx, 201, rerun(jobId(ctx))));
    api.post("/jobs/:id/review", Role.OPERATOR, ctx -> answer(ctx, 200, reviewed(jobId(ctx), ctx)));
    api.post("/jobs/:id/approve", Role.OPERATOR, ctx -> answer(ctx, 200, decide(jobId(ctx), ctx, true)));
    api.post("/jobs/:id/reject", Role.OPERATOR, ctx -> answer(ctx, 200, decide(jobId(ctx), ctx, false)));
  }

  /** {@code POST /jobs}, with an {@code Idempotency-Key} or without. */
  private Future<JsonObject> submitOnce(RoutingContext ctx) {
    JsonObject request = body(ctx);
    String key = IdempotentSubmits.key(ctx);
    if (key == null) return submit(request, null);
    return idempotent.submit("POST /jobs", request, submissions.accept(request, null), caller(ctx), key).map(o -> {
      if (o.replayed()) ctx.response().putHeader(IdempotentSubmits.REPLAYED, "true");
      return o.job();
    });
  }

  private Future<JsonObject> submit(JsonObject request, UUID rerunOf) {
    NewJob job = submissions.accept(request, rerunOf);
    Instant now = clock.instant();
    return submits.runStatement(job.id(), c -> JobStore.insert(c, job, now)).map(this::published);
  }

  /** A person has looked at a job flagged for review: it leaves the open-review list; the flag stays, with who said what. */
  private Future<JsonObject> reviewed(UUID id, RoutingContext ctx) {
    String text = ctx.body().asString();
    JsonObject body = text == null || text.isBlank() ? new JsonObject() : bodies.check("postJobsIdReview", body(ctx));
    Object note = body.getValue("note");
    Instant now = clock.instant();
    return store.transition(id, null, now, job -> {
      if (job.review == null) throw RoboGridException.invalidRequest("job " + id + " is not flagged for review");
      job.review = job.review.copy().put("reviewedAt", now.toString()).put("note", note);
      return new io.robogrid.store.Change(job, null, null, "job.reviewed", new JsonObject().put("note", note));
    }).map(this::published);
  }

  /**
   * A person's decision at a job's approval gate: {@code approve} ({@code comment} optional) or {@code reject} (with a
   * {@code reason}, required). Who decided is the name of the caller's token.
   */
  private Future<JsonObject> decide(UUID id, RoutingContext ctx, boolean approve) {
    String text = ctx.body().asString();
    // approve: an optional comment; reject: a reason, required (the document's schemas)
    JsonObject body = bodies.check(approve ? "postJobsIdApprove" : "postJobsIdReject", text == null || text.isBlank() ? new JsonObject() : body(ctx));
    Object reason = body.getValue("reason"), comment = body.getValue("comment");
    String who = caller(ctx);
    Instant now = clock.instant();
    return store.transition(id, null, now, approve ? lifecycle.approve(now, who, (String) comment) : lifecycle.reject(now, who, (String) reason, false))
        .map(this::published);
  }

  /** Who is calling: the name of the caller's API token, which {@link Authentication} checked before any route. */
  static String caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** {@code body}, refused when it has a field not in {@code allowed}: a misspelt field must not be silently ignored. */
  static JsonObject only(JsonObject body, String... allowed) {
    List<String> known = List.of(allowed);
    for (String key : body.fieldNames()) {
      if (!known.contains(key)) throw RoboGridException.invalidRequest("unknown field '" + key + "' (allowed: " + String.join(", ", known) + ")");
    }
    return body;
  }

  /** The routing-context key under which authentication leaves the caller's name. */
  static final String CALLER = "robogrid.caller";

  private Future<JsonObject> rerun(UUID id) {
    return store.find(id).compose(old -> {
      JsonObject request = old.request.copy();
      request.remove("runAt");
      request.remove("delay");
      return submit(request, old.id);
    });
  }

  private Future<JsonObject> cancel(UUID id) {
    Instant now = clock.instant();
    return store.transition(id, null, now, lifecycle.cancel(now, "cancelled by request")).map(r -> {
      JobRecord job = r.job();
      if (job.state == JobState.RUNNING && job.node != null) {
        bus.send(RunnerAddresses.cancel(job.node), new JsonObject().put("jobId", id.toString()).put("attempt", job.attempt).put("reason", "cancelled by request"));
      }
      return published(r);
    });
  }

  /** Holds the job; a running one is asked to stop at its next step boundary (and again by every heartbeat answer). */
  private Future<JsonObject> pause(UUID id, String by) {
    Instant now = clock.instant();
    return store.transition(id, null, now, lifecycle.pause(now, by)).map(r -> {
      JobRecord job = r.job();
      if (job.state == JobState.RUNNING && job.pause != null && job.node != null) {
        bus.send(RunnerAddresses.cancel(job.node), new JsonObject().put("jobId", id.toString()).put("attempt", job.attempt).put("pause", true)
            .put("reason", "paused by " + by));
      }
      return published(r);
    });
  }

  private Future<JsonObject> resume(UUID id, String by) {
    Instant now = clock.instant();
    return store.transition(id, null, now, lifecycle.resume(now, by)).map(this::published);
  }

  private JsonObject published(TransitionResult r) {
    JobEvents.publish(bus, r);
    return annotate.apply(r.job().toJson());
  }

  private static final Instant FIRST_CURSOR = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LAST_CURSOR = Instant.parse("9999-12-31T23:59:59.999999Z");

  private Future<JsonObject> list(RoutingContext ctx) {
    String state = Params.one(ctx, "state");
    JobState s = null;
    if (state != null && !state.isEmpty()) {
      try {
        s = JobState.valueOf(state.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw RoboGridException.invalidRequest("state: '" + state + "' is not one of " + List.of(JobState.values()));
      }
    }
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, JobQuery.MAX_LIMIT);
    Instant beforeAt = null;
    UUID beforeId = null;
    String cursor = Params.one(ctx, "cursor");
    if (cursor != null && !cursor.isEmpty()) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
        beforeAt = Instant.parse(parts[0]);
        beforeId = UUID.fromString(parts[1]);
        // the server gives out creation times: anything outside years 1 to 9999 is made up (and may be beyond a database date)
        if (beforeAt.isBefore(FIRST_CURSOR) || beforeAt.isAfter(LAST_CURSOR)) throw new IllegalArgumentException("out of range");
      } catch (RuntimeException e) {
        throw RoboGridException.invalidRequest("cursor: not a cursor this server gave out");
      }
    }
    String robot = Params.one(ctx, "robot");
    String review = Params.one(ctx, "review");
    if (review != null && !review.isEmpty() && !review.equals("open")) throw RoboGridException.invalidRequest("review: the only filter is 'open'");
    boolean reviewOpen = "open".equals(review);
    String blocked = Params.one(ctx, "blocked");
    if (blocked != null && !blocked.isEmpty() && !blocked.equals("true")) throw RoboGridException.invalidRequest("blocked: the only filter is 'true'");
    JobQuery q = new JobQuery(s, robot == null || robot.isEmpty() ? null : robot, limit, beforeAt, beforeId, reviewOpen, "true".equals(blocked));
    return store.list(q).map(jobs -> {
      JsonArray out = new JsonArray();
      jobs.forEach(j -> out.add(annotate.apply(j.toJson())));
      JsonObject page = new JsonObject().put("jobs", out);
      if (jobs.size() == limit) {
        JobRecord last = jobs.get(jobs.size() - 1);
        page.put("nextCursor", Base64.getUrlEncoder().withoutPadding().encodeToString((last.createdAt + "|" + last.id).getBytes(StandardCharsets.UTF_8)));
      }
      return page;
    });
  }

  private Future<JsonObject> events(RoutingContext ctx) {
    UUID id = jobId(ctx);
    long after = Params.longParam(ctx, "after", 0);
    int limit = Params.intParam(ctx, "limit", 1000, 1, 10_000);
    return store.find(id).compose(j -> store.events(after, id, limit)).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(e -> out.add(e.toJson()));
      return new JsonObject().put("events", out);
    });
  }

  static JsonObject body(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) throw new RoboGridException(ErrorCode.MALFORMED_JSON, "the body must be a JSON object");
    Object v = StrictJson.parse(ctx.body().buffer().getBytes()); // one meaning only: no duplicate keys, comments, lone surrogates
    if (!(v instanceof JsonObject o)) throw new RoboGridException(ErrorCode.MALFORMED_JSON, "the body must be a JSON object");
    JsonLimits.STORED.check("the body", o); // a body is stored, or parts of it are: bounded here for every endpoint
    if (JsonText.containsNul(o)) throw RoboGridException.invalidRequest("the body contains a NUL character (\\u0000), which cannot be stored");
    return o;
  }

  static UUID jobId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new RoboGridException(ErrorCode.JOB_NOT_FOUND, "'" + id + "' is not a job id");
    }
  }

  /** A job id a request gives in its query or body ({@code field} names it in the error). */
  static UUID jobIdIn(String value, String field) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw RoboGridException.invalidRequest(field + ": '" + value + "' is not a job id");
    }
  }

  static void answer(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (ctx.response().ended() || ctx.response().closed()) return; // answered already (a broken request) or the client left
      String body;
      try {
        body = encode(ar.result());
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
    });
  }

  /** How deep an answer may be shown: a stored value's limit, and room for the answer around it. */
  static final int ANSWER_DEPTH = JsonLimits.STORED.maxDepth() + 16;

  /**
   * {@code json} as text for a client. A value stored before submissions were bounded may nest deeper than the
   * encoder writes: it is shown cut at {@link #ANSWER_DEPTH} rather than leave the client without an answer.
   */
  static String encode(JsonObject json) {
    try {
      return json.encode();
    } catch (EncodeException e) {
      log.warn("an answer nests too deeply to encode ({}): sent cut at {} levels", e.getMessage(), ANSWER_DEPTH);
      return ((JsonObject) JsonLimits.cut(json, ANSWER_DEPTH)).encode();
    }
  }
}
