package io.robogrid.runner;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.jobs.Outcome;
import io.robogrid.workflow.Interpolator;
import io.robogrid.workflow.StepSpec;
import io.robogrid.workflow.Workflow;
import io.robogrid.runner.browser.BrowserJob;
import io.robogrid.runner.desktop.DesktopJob;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs one attempt of a workflow on one event loop: every step whose {@code needs} have succeeded starts at once,
 * so independent branches run side by side; a step is retried under its own policy; the first step that fails for
 * good ends the attempt and stops the others. Per-step and per-job timeouts and a cancel all stop running steps
 * through their {@link Cancellation} and end the attempt without waiting for them.
 */
public final class WorkflowRun {
  /** Where the run reports what happens; reports go out in order (see {@link AttemptReporter}). */
  public interface Listener {
    void stepStarted(String step, int tries, Instant at);

    void stepFinished(String step, String state, int tries, JsonObject output, JsonObject error, Instant startedAt, Instant finishedAt);

    void stepLog(String step, String level, String message);

    /** A file a step produced (a screenshot, a page's HTML): kept with the job. */
    default void artifact(String step, String name, String contentType, byte[] data) {}

    /** An event of a step's own ({@code goal.decision}): goes to the job's stream. */
    default void stepEvent(String step, String type, JsonObject data) {}
  }

  private enum StepState { PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED }

  private final Vertx vertx;
  private final Clock clock;
  private final RandomGenerator random;
  private final StepExecutors executors;
  private final UUID jobId;
  private final int attempt;
  private final Workflow workflow;
  private final JsonObject input;
  private final Duration jobTimeout;
  private final Listener listener;
  private final Map<String, Function<String, Object>> schemes;

  private final Map<String, StepState> states = new LinkedHashMap<>();
  private final Map<String, Integer> tries = new LinkedHashMap<>();
  private final Map<String, Instant> startedAt = new HashMap<>();
  private final Map<String, JsonObject> outputs = new LinkedHashMap<>();
  private final Cancellation cancellation = new Cancellation();
  private final Promise<Outcome> outcome = Promise.promise();
  private final Map<String, Long> stepMillis = new LinkedHashMap<>();
  private final StepBudget budget;
  private long jobTimer = -1;
  /** Set once the attempt ends: nothing new starts; the outcome follows once failed pages are kept. */
  private boolean ended;
  /** A pause was asked: no step starts any more, and the run ends PAUSED once the running ones are done. */
  private boolean pausing;
  private boolean started;
  /** The steps that succeeded before a pause, in an earlier attempt: not run again. */
  private final java.util.Set<String> carried = new java.util.LinkedHashSet<>();
  /** The step tries whose failed page was kept ({@code step#try}). */
  private final java.util.Set<String> kept = new java.util.HashSet<>();
  /** Each step's parameters as last resolved: which page its failure is kept from. */
  private final Map<String, JsonObject> resolvedWith = new HashMap<>();
  /** How much longer than the browser's action timeout keeping a failed page may take before the attempt ends without it. */
  static final long KEEP_MARGIN_MS = 5_000;
  private BrowserJob browser;
  private Map<String, DesktopJob> desktops = Map.of();
  private SecretResolver secrets;
  private SecretFetch secretAccess;

  /** Fetches, for a step, a secret its workflow does not name (see {@link StepContext#secrets()}). */
  @FunctionalInterface
  public interface SecretFetch {
    io.vertx.core.Future<String> fetch(String step, String name);
  }

  public WorkflowRun withSecretFetch(SecretFetch fetch) {
    this.secretAccess = fetch;
    return this;
  }
  private java.util.function.UnaryOperator<JsonObject> redaction = java.util.function.UnaryOperator.identity();
  private java.util.function.Supplier<Duration> unconfirmed = () -> null;

  /** Resolves {@code ${secret:name}} for a step, at the moment the step starts (decrypting and auditing it). */
  @FunctionalInterface
  public interface SecretResolver {
    String resolve(String step, String name);
  }

  public WorkflowRun(Vertx vertx, Clock clock, RandomGenerator random, StepExecutors executors, UUID jobId, int attempt, Workflow workflow,
                     JsonObject input, Duration jobTimeout, Listener listener, Map<String, Function<String, Object>> schemes) {
    this.vertx = vertx;
    this.clock = clock;
    this.random = random;
    this.executors = executors;
    this.jobId = jobId;
    this.attempt = attempt;
    this.workflow = workflow;
    this.input = input;
    this.jobTimeout = jobTimeout;
    this.listener = listener;
    this.schemes = schemes;
    this.budget = new StepBudget(workflow.maxSteps());
    workflow.steps().forEach(s -> states.put(s.id(), StepState.PENDING));
  }

  /**
   * Marks the steps that succeeded before the job was paused as done, with their outputs, so that this attempt starts
   * from the others. Unknown step ids (the robot changed since) are ignored. Call before {@link #start()}.
   */
  public WorkflowRun withCarried(JsonObject done) {
    if (done == null) return this;
    for (String id : done.fieldNames()) {
      if (!states.containsKey(id) || !(done.getValue(id) instanceof JsonObject output)) continue;
      states.put(id, StepState.SUCCEEDED);
      outputs.put(id, output);
      carried.add(id);
    }
    return this;
  }

  /** Gives the run's browser steps the job's browser. Call before {@link #start()}. */
  public WorkflowRun withBrowser(BrowserJob browser) {
    this.browser = browser;
    return this;
  }

  /** Lets the run's steps use {@code ${secret:name}}. Call before {@link #start()}. */
  /** What takes the secrets the attempt used out of JSON a step sends elsewhere (see {@link StepContext#redact()}). */
  public WorkflowRun withRedaction(java.util.function.UnaryOperator<JsonObject> redaction) {
    this.redaction = redaction;
    return this;
  }

  /**
   * What the run asks before each try of a step: for how long nobody has confirmed the attempt is still this node's
   * (null: it is). An attempt past that limit may already run elsewhere; its next step would be work done twice, so
   * the run stops as lost instead. The periodic self-fence catches the same attempt only at its next heartbeat.
   */
  public WorkflowRun withVouch(java.util.function.Supplier<Duration> unconfirmed) {
    this.unconfirmed = unconfirmed;
    io.vertx.core.Context context = vertx.getOrCreateContext();
    budget.guard(unconfirmed, why -> { // before the step's failure is seen: the run ends lost, not failed
      if (io.vertx.core.Vertx.currentContext() == context) abandon(why);
      else context.runOnContext(v -> abandon(why)); // a browser slot's thread
    });
    return this;
  }

  public WorkflowRun withSecrets(SecretResolver secrets) {
    this.secrets = secrets;
    return this;
  }

  /** Gives the run's desktop steps the desktops the job holds, by name. Call before {@link #start()}. */
  public WorkflowRun withDesktops(Map<String, DesktopJob> desktops) {
    this.desktops = Map.copyOf(desktops);
    return this;
  }

  /**
   * What the attempt did, for the job's result and the event stream: steps executed (every try, plus the browser's
   * extra actions), retries, and per step its tries and time from first start to end.
   */
  public JsonObject metrics() {
    JsonObject steps = new JsonObject();
    int retries = 0;
    for (Map.Entry<String, Integer> t : tries.entrySet()) {
      retries += t.getValue() - 1;
      JsonObject s = new JsonObject().put("tries", t.getValue()).put("state", states.get(t.getKey()).name());
      if (stepMillis.containsKey(t.getKey())) s.put("ms", stepMillis.get(t.getKey()));
      steps.put(t.getKey(), s);
    }
    JsonObject m = new JsonObject().put("stepsExecuted", budget.used()).put("retries", retries).put("steps", steps);
    if (!carried.isEmpty()) m.put("carriedSteps", new io.vertx.core.json.JsonArray(new ArrayList<>(carried)));
    return m;
  }

  /** Starts the run; the future completes once with how the attempt ended. Call on the run's event loop. */
  public Future<Outcome> start() {
    if (jobTimeout != null) {
      jobTimer = vertx.setTimer(Math.max(1, jobTimeout.toMillis()), t -> end(Outcome.failed(
          new StepFailure(ErrorClass.JOB_TIMEOUT, "job did not finish within " + jobTimeout.toMillis() + " ms"), null), "job timeout"));
    }
    started = true;
    startReady();
    return outcome.future();
  }

  /**
   * Stops the run at its next step boundary: no step starts any more (a step between two tries counts as running and
   * finishes its tries); once none runs, the run ends PAUSED with the outputs of every step that succeeded.
   */
  public void pause() {
    if (ended || pausing) return;
    pausing = true;
    if (started) endIfPaused();
  }

  private void endIfPaused() {
    if (!pausing || ended || states.containsValue(StepState.RUNNING)) return;
    if (states.values().stream().allMatch(st -> st == StepState.SUCCEEDED)) return; // done: startReady ends it SUCCEEDED
    JsonObject done = new JsonObject();
    outputs.forEach(done::put);
    end(Outcome.paused(done), "paused");
  }

  /** Stops the run: it ends CANCELLED. */
  public void cancel(String reason) {
    end(Outcome.cancelled(reason), reason);
  }

  /** Stops the run as lost (retried under the job's policy): this node can no longer vouch for it. */
  public void abandon(String reason) {
    end(Outcome.lost(reason), reason);
  }

  /** Stops the run so that its job goes back to the queue without counting as a failure (node shutting down). */
  public void handBack() {
    end(Outcome.handedBack(), "node is shutting down");
  }

  /** Whether the attempt's outcome is known (it may have ended a moment before, while the failed page is being kept). */
  public boolean isDone() {
    return outcome.future().isComplete();
  }

  private void startReady() {
    if (ended) return;
    for (StepSpec s : workflow.steps()) {
      if (pausing) break;
      if (states.get(s.id()) == StepState.PENDING && s.needs().stream().allMatch(n -> states.get(n) == StepState.SUCCEEDED)) {
        states.put(s.id(), StepState.RUNNING);
        startedAt.put(s.id(), clock.instant());
        tryStep(s, 1);
      }
    }
    if (states.values().stream().allMatch(st -> st == StepState.SUCCEEDED)) {
      JsonObject result = new JsonObject();
      outputs.forEach(result::put);
      end(Outcome.succeeded(result), null);
      return;
    }
    endIfPaused();
  }

  private void tryStep(StepSpec spec, int n) {
    if (ended) return;
    Duration silent = unconfirmed.get();
    if (silent != null) {
      abandon("no coordinator confirmed this attempt for " + silent.toMillis() + " ms: step " + spec.id() + " not started");
      return;
    }
    tries.put(spec.id(), n);
    listener.stepStarted(spec.id(), n, clock.instant());
    Cancellation stepCancel = cancellation.child();
    Promise<JsonObject> done = Promise.promise();
    StepTimer timer = new StepTimer(spec, done, stepCancel);
    timer.restart();
    try {
      budget.spend("step " + spec.id() + " (try " + n + ")");
      Map<String, Function<String, Object>> stepSchemes = schemesFor(spec.id());
      JsonObject with = new Interpolator(input, outputs, stepSchemes).resolve(spec.with());
      resolvedWith.put(spec.id(), with);
      StepExecutor executor = executors.get(spec.type());
      if (executor == null) throw new StepFailure(ErrorClass.BAD_WORKFLOW, "this runner has no executor for step type '" + spec.type() + "'");
      StepContext ctx = new StepContext(vertx, jobId, attempt, spec.id(), spec.type(), n, with, stepCancel,
          (level, message) -> listener.stepLog(spec.id(), level, message), browser,
          (name, contentType, data) -> listener.artifact(spec.id(), name, contentType, data), budget,
          other -> new Interpolator(input, Map.of(), stepSchemes).resolve(other), desktops, redaction,
          (type, data) -> listener.stepEvent(spec.id(), type, data),
          name -> secretAccess == null ? io.vertx.core.Future.failedFuture(new StepFailure(ErrorClass.BAD_REFERENCE, "this run cannot fetch secrets"))
              : secretAccess.fetch(spec.id(), name), timer);
      executor.execute(ctx).onComplete(ar -> {
        if (ar.succeeded()) done.tryComplete(ar.result() == null ? new JsonObject() : ar.result());
        else done.tryFail(ar.cause());
      });
    } catch (RuntimeException e) {
      done.tryFail(e);
    }
    done.future().onComplete(ar -> {
      timer.hold();
      if (ended) return; // ended meanwhile: end() already reported this step
      stepMillis.put(spec.id(), Duration.between(startedAt.get(spec.id()), clock.instant()).toMillis());
      if (ar.succeeded()) {
        states.put(spec.id(), StepState.SUCCEEDED);
        outputs.put(spec.id(), ar.result());
        listener.stepFinished(spec.id(), StepState.SUCCEEDED.name(), n, ar.result(), null, startedAt.get(spec.id()), clock.instant());
        startReady();
        return;
      }
      StepFailure failure = StepFailure.of(ar.cause());
      keepFailedPage(spec, n, failure.errorClass() != ErrorClass.BROWSER_CRASHED).onComplete(kept -> afterFailure(spec, n, failure));
    });
  }

  /** One try's own timeout: fails the try and cancels it when it runs out; held while the step waits on a person. */
  private final class StepTimer implements StepContext.StepTimeout {
    private final StepSpec spec;
    private final Promise<JsonObject> done;
    private final Cancellation cancel;
    private long id = -1;

    StepTimer(StepSpec spec, Promise<JsonObject> done, Cancellation cancel) {
      this.spec = spec;
      this.done = done;
      this.cancel = cancel;
    }

    @Override
    public void hold() {
      if (id >= 0) vertx.cancelTimer(id);
      id = -1;
    }

    @Override
    public void restart() {
      hold();
      if (spec.timeout() == null || done.future().isComplete()) return;
      id = vertx.setTimer(Math.max(1, spec.timeout().toMillis()), t -> {
        String why = "step " + spec.id() + " did not finish within " + spec.timeout().toMillis() + " ms";
        done.tryFail(new StepFailure(ErrorClass.STEP_TIMEOUT, why)); // first: the step's own cancel error must not win
        cancel.cancel(why);
      });
    }
  }

  /** A try of a step failed (its failed page kept, for a browser step): it is tried again, or the attempt ends. */
  private void afterFailure(StepSpec spec, int n, StepFailure failure) {
    if (ended) return;
    if (failure.errorClass().retriesWithinAttempt() && spec.retry().allowsAnotherTry(n)) {
      Duration delay = spec.retry().delayBefore(n + 1, random);
      listener.stepLog(spec.id(), "warn", "try " + n + " failed (" + failure.errorClass() + ": " + failure.getMessage()
          + "); trying again in " + delay.toMillis() + " ms");
      long retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> tryStep(spec, n + 1));
      cancellation.onCancel(() -> vertx.cancelTimer(retryTimer));
      return;
    }
    states.put(spec.id(), StepState.FAILED);
    listener.stepFinished(spec.id(), StepState.FAILED.name(), n, null, failure.toJson(), startedAt.get(spec.id()), clock.instant());
    end(Outcome.failed(failure, spec.id()), "step " + spec.id() + " failed");
  }

  /**
   * A browser step that fails keeps a screenshot and the HTML of its page as they were, however it failed: its action
   * failed, it ran out of its own time, the job's time ran out, or the job was cancelled. Once per try; never fails;
   * waits at most the browser's action timeout (plus a margin) for the slot, which may still be busy with the action.
   */
  private Future<Void> keepFailedPage(StepSpec spec, int n, boolean wanted) {
    if (!wanted || browser == null || !spec.type().startsWith("browser.") || !kept.add(spec.id() + "#" + n)) return Future.succeededFuture();
    JsonObject with = resolvedWith.get(spec.id());
    String page = with == null ? null : with.getString("page");
    return browser.keepPage(vertx, page, StepContext.failurePrefix(spec.id(), attempt, n),
            (name, contentType, data) -> listener.artifact(spec.id(), name, contentType, data))
        .timeout(browser.session().actionTimeoutMs() + KEEP_MARGIN_MS, java.util.concurrent.TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  /** The reference schemes of one step: {@code secret:} resolves for that step (its use is audited under its id). */
  private Map<String, Function<String, Object>> schemesFor(String step) {
    if (secrets == null) return schemes;
    Map<String, Function<String, Object>> m = new HashMap<>(schemes);
    m.put("secret", name -> secrets.resolve(step, name));
    return m;
  }

  /**
   * Ends the attempt once: stops what still runs and reports those steps as cancelled; a browser step stopped by the
   * job's timeout or a cancel keeps its page first; then the outcome completes (and the job's browser context may close).
   */
  private void end(Outcome result, String reason) {
    if (ended) return;
    ended = true;
    if (jobTimer >= 0) vertx.cancelTimer(jobTimer);
    Instant now = clock.instant();
    boolean keepPages = result.kind() == Outcome.Kind.CANCELLED
        || result.kind() == Outcome.Kind.FAILED && result.error() != null && result.error().errorClass() == ErrorClass.JOB_TIMEOUT;
    List<Future<Void>> keeping = new ArrayList<>();
    states.forEach((id, st) -> {
      if (st == StepState.RUNNING) {
        states.put(id, StepState.CANCELLED);
        JsonObject err = (result.error() != null ? result.error() : new StepFailure(ErrorClass.CANCELLED, reason)).toJson();
        int n = tries.getOrDefault(id, 1);
        listener.stepFinished(id, StepState.CANCELLED.name(), n, null, err, startedAt.get(id), now);
        keeping.add(keepFailedPage(workflow.step(id), n, keepPages));
      }
    });
    cancellation.cancel(reason == null ? "attempt ended" : reason);
    Future.join(keeping).onComplete(ar -> outcome.complete(result));
  }

}
