package io.robogrid.runner;

import io.robogrid.coordinator.CoordinatorAddresses;
import io.robogrid.coordinator.Reports;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.ErrorCode;
import io.robogrid.core.JsonText;
import io.robogrid.core.StepFailure;
import io.robogrid.jobs.Outcome;
import io.robogrid.grid.Capability;
import io.robogrid.runner.browser.BrowserJob;
import io.robogrid.runner.browser.BrowserPool;
import io.robogrid.runner.desktop.Desktop;
import io.robogrid.runner.desktop.DesktopJob;
import io.robogrid.runner.steps.BrowserStep;
import io.robogrid.grid.RunnerStatus;
import io.robogrid.workflow.Problems;
import io.robogrid.workflow.StepCatalog;
import io.robogrid.workflow.Workflow;
import io.robogrid.workflow.WorkflowParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner role: takes assignments for this node, runs each as a {@link WorkflowRun} in one of its slots, reports
 * every step to the coordinators and keeps its attempts alive with heartbeats. It needs no database: everything
 * crosses the event bus. On stop it takes no more work, lets running jobs finish for a grace period, then hands the
 * rest back to the queue.
 */
public final class RunnerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RunnerVerticle.class);

  private final RunnerOptions options;
  private final Clock clock;
  private final RandomGenerator random;
  private final StepCatalog catalog;
  private final Consumer<RunnerStatus> statusSink;
  private final java.util.function.Supplier<io.robogrid.secrets.MasterKey> masterKey;
  private final Map<UUID, ActiveAttempt> active = new LinkedHashMap<>();
  /** Final reports still on their way: a stopping runner waits for them. */
  private final Set<Future<Void>> reporting = new java.util.HashSet<>();
  /**
   * Attempts whose run ended but whose final report is not in yet. They are still RUNNING for the coordinators, so
   * their heartbeats go on: a report held up (by a coordinator that died with it) must not get them declared lost.
   */
  private final Map<UUID, Integer> finishing = new HashMap<>();
  private StepExecutors executors;
  /** The runner's event-loop thread: reports are sent from it, in order. */
  private Thread eventLoop;
  private WorkflowParser parser;
  private LeaseKeeper leases;
  private BrowserPool browsers;
  /** The desktops this node offers, by name ({@code desktop:<name>}). */
  private final Map<String, Desktop> desktops = new LinkedHashMap<>();
  private boolean accepting;
  /** Assignments answered (taken or refused) since start: lets routers settle the slots they promised. */
  private long assignments;

  /** @param statusSink receives this runner's state whenever it changes (the node announces it to the grid) */
  public RunnerVerticle(RunnerOptions options, Clock clock, RandomGenerator random, StepCatalog catalog, Consumer<RunnerStatus> statusSink) {
    this(options, clock, random, catalog, statusSink, null);
  }

  /** @param masterKey decrypts the secrets jobs use ({@code ${secret:name}}); it or its key null: this node cannot use secrets */
  public RunnerVerticle(RunnerOptions options, Clock clock, RandomGenerator random, StepCatalog catalog, Consumer<RunnerStatus> statusSink,
                        java.util.function.Supplier<io.robogrid.secrets.MasterKey> masterKey) {
    this.masterKey = masterKey;
    this.statusSink = statusSink;
    this.options = options;
    this.clock = clock;
    this.random = random;
    this.catalog = catalog;
  }

  /** All attempts' reports, many to a message. */
  private ReportBatcher batcher;

  @Override
  public Future<?> start() {
    eventLoop = Thread.currentThread();
    batcher = new ReportBatcher(vertx, context);
    executors = StepExecutors.builtIn(vertx, options.node(), "RoboGrid/" + options.version(), options.desktop(), options.goal());
    Set<String> missing = new java.util.TreeSet<>(catalog.names());
    missing.removeAll(executors.types());
    if (!missing.isEmpty()) return Future.failedFuture("runner has no executor for step types " + missing);
    parser = new WorkflowParser(catalog);
    leases = new LeaseKeeper(vertx, options.node(), options.capabilities(), options.leaseWait(), this::publishStatus);
    Capability browser = offered(Capability.BROWSER);
    if (browser != null) {
      browsers = new BrowserPool(browser.slots(), options.browser());
      browsers.warm();
      // a browser runner may get goal runs: their local model loads (about a second) before the first one needs it
      if (options.goal().local()) vertx.executeBlocking(() -> io.robogrid.runner.goal.LocalModel.shared().ready(), false);
    }
    for (Capability c : options.capabilities()) {
      if (!Capability.isDesktop(c.name())) continue;
      String name = c.name().substring(Capability.DESKTOP_PREFIX.length());
      Desktop desktop = new Desktop(name, options.desktop().displays().get(name));
      if (!desktop.drivable()) {
        log.warn("desktop:{} is offered without a display (runner.desktops.{}): jobs can lease it, but its desktop steps fail", name, name);
      }
      desktops.put(name, desktop);
    }
    publishStatus();
    var bus = vertx.eventBus();
    Future<Void> consumers = Future.all(
        bus.<JsonObject>consumer(RunnerAddresses.execute(options.node()), this::execute).completion(),
        bus.<JsonObject>consumer(RunnerAddresses.cancel(options.node()), this::cancel).completion()).mapEmpty();
    return consumers.andThen(v -> {
      Heartbeats heartbeats = new Heartbeats(vertx, options.node(), options.selfFenceAfter(), active, finishing);
      vertx.setPeriodic(options.heartbeatInterval().toMillis(), t -> heartbeats.beat());
      vertx.setPeriodic(options.statusInterval().toMillis(), t -> publishStatus());
      announce(1);
    });
  }

  /**
   * Tells the coordinators this node (re)started, so that what it held before a crash is recovered at once rather
   * than after the heartbeat timeout. Work is accepted only after that, so that nothing new is mistaken for old.
   */
  private void announce(int tryNo) {
    vertx.eventBus().<JsonObject>request(CoordinatorAddresses.RUNNER_STARTED, new JsonObject().put("node", options.node()),
        new DeliveryOptions().setSendTimeout(10_000)).onComplete(ar -> {
          if (ar.succeeded()) {
            accepting = true;
            log.info("runner {} ready: {} slots, capabilities {} ({} earlier attempts recovered)", options.node(), options.slots(),
                options.capabilities(), ar.result().body().getInteger("lost", 0));
            publishStatus();
          } else {
            if (tryNo == 1 || tryNo % 10 == 0) log.warn("no coordinator answered yet ({}); runner {} waits before taking work", ar.cause().getMessage(), options.node());
            vertx.setTimer(Math.min(5_000, 200L * tryNo), t -> announce(tryNo + 1));
          }
        });
  }

  private void execute(Message<JsonObject> msg) {
    assignments++;
    Assignment a;
    try {
      a = Assignment.fromJson(msg.body());
    } catch (RuntimeException e) {
      msg.fail(ErrorCode.INVALID_REQUEST.busCode(), "bad assignment: " + e.getMessage());
      return;
    }
    if (active.containsKey(a.jobId())) {
      msg.fail(ErrorCode.STALE_ATTEMPT.busCode(), "job " + a.jobId() + " is already running here");
      return;
    }
    List<String> requires = a.workflow().getJsonArray("requires", new JsonArray()).stream().map(String::valueOf).toList();
    String missing = requires.stream().filter(r -> offered(r) == null).findFirst().orElse(null);
    if (missing != null) {
      msg.fail(ErrorCode.INVALID_REQUEST.busCode(), "runner " + options.node() + " does not offer " + missing);
      return;
    }
    String full = !accepting || active.size() >= options.slots() ? "job slot"
        : requires.stream().filter(r -> offered(r).limited() && used(r) >= offered(r).slots()).findFirst().orElse(null);
    if (full != null) {
      msg.fail(ErrorCode.NO_CAPACITY.busCode(), "runner " + options.node() + " has no free " + full);
      publishStatus();
      return;
    }
    ActiveAttempt entry = new ActiveAttempt(a.attempt(), new AttemptReporter(vertx, batcher, a.jobId().toString(), () -> ActiveAttempt.stopStale(active, a.jobId(), a.attempt())), requires);
    active.put(a.jobId(), entry);
    msg.reply(new JsonObject().put("accepted", true));
    publishStatus();
    log.atInfo().addKeyValue("job", a.jobId()).log("attempt {} of {} accepted", a.attempt(), a.robot() == null ? "inline workflow" : a.robot());
    // the coordinator must see the attempt start before any step runs: a job cancelled meanwhile does nothing
    entry.reporter.send(Reports.started(options.node(), a.jobId(), a.attempt(), clock.instant()))
        .onSuccess(v -> lease(a, entry))
        .onFailure(e -> release(a.jobId(), entry));
  }

  /** Takes the job's leases (reporting each), then runs it; a lease not free in time sends the job back to the queue. */
  private void lease(Assignment a, ActiveAttempt entry) {
    entry.started = true;
    entry.confirmedAt = entry.reporter.acceptedSentAt(); // the start was accepted as of its sending, not of now
    if (!accepting) { // the node began stopping while the start was being recorded
      finish(a, entry, Outcome.handedBack());
      return;
    }
    if (!leases.needsLeases(entry.requires)) {
      run(a, entry);
      return;
    }
    leases.acquire(entry.requires).onComplete(ar -> {
      if (ar.failed()) {
        log.atInfo().addKeyValue("job", a.jobId()).log("attempt {} goes back to the queue: {}", a.attempt(), ar.cause().getMessage());
        finish(a, entry, Outcome.handedBack());
        return;
      }
      entry.leases = ar.result();
      Future<Void> reported = Future.succeededFuture();
      for (LeaseKeeper.Lease l : entry.leases) {
        log.atInfo().addKeyValue("job", a.jobId()).log("attempt {} leased {}", a.attempt(), l.resource());
        reported = entry.reporter.send(Reports.leaseTaken(options.node(), a.jobId(), a.attempt(), l.resource(), clock.instant()));
      }
      reported.compose(v -> openBrowser(entry)).compose(v -> openDesktops(a, entry)).onSuccess(v -> run(a, entry)).onFailure(e -> finish(a, entry,
          e instanceof StepFailure f ? Outcome.failed(f, null) : Outcome.lost("the lease could not be recorded: " + e.getMessage())));
    });
  }

  /** For a job holding a browser slot: a fresh context and page in that slot's warm browser. */
  private Future<Void> openBrowser(ActiveAttempt entry) {
    String slot = entry.leases.stream().map(LeaseKeeper.Lease::resource).filter(r -> r.startsWith(Capability.BROWSER + ":"))
        .map(r -> r.substring(r.lastIndexOf(':') + 1)).findFirst().orElse(null);
    if (slot == null || browsers == null) return Future.succeededFuture();
    return browsers.open(vertx, Integer.parseInt(slot)).<Void>map(session -> {
      entry.session = session;
      return null;
    }).recover(e -> Future.failedFuture(new StepFailure(ErrorClass.BROWSER_CRASHED, "could not open browser slot " + slot + ": "
        + BrowserStep.summary(e))));
  }

  /** For a job holding desktops: connects to each (an unreachable one fails the attempt) and starts its keep-alive. */
  private Future<Void> openDesktops(Assignment a, ActiveAttempt entry) {
    Future<Void> chain = Future.succeededFuture();
    for (LeaseKeeper.Lease l : entry.leases) {
      if (!Capability.isDesktop(l.resource())) continue;
      Desktop desktop = desktops.get(l.resource().substring(Capability.DESKTOP_PREFIX.length()));
      if (desktop == null) continue;
      chain = chain.compose(v -> DesktopJob.begin(vertx, desktop, options.desktop(), a.jobId()).map(job -> {
        entry.desktops.put(desktop.name(), job);
        return (Void) null;
      }).recover(e -> Future.failedFuture(e instanceof StepFailure ? e : new StepFailure(ErrorClass.DESKTOP_ERROR,
          "could not take desktop " + desktop.name() + ": " + e))));
    }
    return chain;
  }

  private void run(Assignment a, ActiveAttempt entry) {
    if (!accepting) {
      finish(a, entry, Outcome.handedBack());
      return;
    }
    if (entry.cancelled != null) {
      finish(a, entry, Outcome.cancelled(entry.cancelled));
      return;
    }
    Problems problems = new Problems();
    Workflow wf = parser.parse(a.workflow(), "workflow", Set.of(), problems);
    if (!problems.isEmpty()) {
      finish(a, entry, Outcome.failed(new StepFailure(ErrorClass.BAD_WORKFLOW, String.join("; ", problems.items())), null));
      return;
    }
    Duration timeout = wf.timeout() != null ? wf.timeout() : options.defaultJobTimeout();
    String node = options.node();
    WorkflowRun.Listener listener = new MeteredListener(new AttemptListener(context, eventLoop, node, a.jobId(), a.attempt(), entry.reporter,
        entry.redactor, clock), vertx.eventBus(), a.robot(), wf);
    Map<String, Function<String, Object>> schemes = new HashMap<>();
    schemes.put("env", System::getenv);
    if (entry.session != null) entry.browser = new BrowserJob(entry.session, wf.login(), a.paths());
    WorkflowRun run = new WorkflowRun(vertx, clock, random, executors, a.jobId(), a.attempt(), wf, a.input(), timeout, listener, schemes)
        .withBrowser(entry.browser).withDesktops(entry.desktops).withSecrets((step, name) -> secret(a, entry, step, name))
        .withSecretFetch((step, name) -> fetchSecret(a, entry, step, name))
        .withRedaction(json -> entry.redactor.isEmpty() ? json : entry.redactor.redact(json))
        .withVouch(() -> entry.unconfirmedFor(options.selfFenceAfter())).withCarried(a.carried());
    entry.run = run;
    if (entry.paused) run.pause();
    run.start().onComplete(ar -> {
      Outcome outcome = ar.succeeded() ? ar.result() : Outcome.failed(StepFailure.of(ar.cause()), null);
      JsonObject metrics = run.metrics();
      JsonArray path = null;
      if (entry.browser != null) {
        metrics.put("browser", entry.browser.metrics());
        if (entry.browser.goalMetricsIfAny() != null) metrics.put("goal", entry.browser.goalMetricsIfAny().toJson());
        // only a run that reached its goal teaches the path cache which alternatives work
        if (outcome.kind() == Outcome.Kind.SUCCEEDED) path = entry.browser.path();
      }
      if (!entry.desktops.isEmpty()) {
        JsonObject d = new JsonObject();
        entry.desktops.forEach((name, job) -> d.put(name, job.metrics()));
        metrics.put("desktops", d);
      }
      finish(a, entry, outcome.with(metrics, path));
    });
  }

  /**
   * A secret a step uses, decrypted here at the moment of use: its value is added to the attempt's redactions before
   * the step sees it, and the use is reported for the audit (name, step, node, time; never the value).
   */
  /**
   * A secret the runner's own configuration names (a language model's key), asked from the coordinators, which hand it
   * out sealed to a live attempt only and audit the use; it is opened here and redacted like every other.
   */
  private Future<String> fetchSecret(Assignment a, ActiveAttempt entry, String step, String name) {
    if (a.secrets().getJsonObject(name) != null) return Future.succeededFuture(secret(a, entry, step, name));
    io.robogrid.secrets.MasterKey key = masterKey == null ? null : masterKey.get();
    if (key == null) return Future.failedFuture(new StepFailure(ErrorClass.BAD_REFERENCE, "runner " + options.node() + " has no master key to decrypt secret '" + name + "'"));
    JsonObject ask = new JsonObject().put("name", name).put("jobId", a.jobId().toString()).put("attempt", a.attempt()).put("step", step).put("node", options.node());
    return vertx.eventBus().<JsonObject>request(CoordinatorAddresses.SEALED_SECRET, ask, new DeliveryOptions().setSendTimeout(5_000)).map(reply -> {
      String value = io.robogrid.secrets.SecretCipher.open(key, name, io.robogrid.secrets.SecretCipher.Sealed.fromJson(reply.body().getJsonObject("sealed")));
      entry.redactor.add(name, value);
      return value;
    }).recover(e -> Future.failedFuture(e instanceof StepFailure ? e : new StepFailure(ErrorClass.BAD_REFERENCE, "secret '" + name + "': " + e.getMessage())));
  }

  private String secret(Assignment a, ActiveAttempt entry, String step, String name) {
    JsonObject sealed = a.secrets().getJsonObject(name);
    if (sealed == null) throw new StepFailure(ErrorClass.BAD_REFERENCE, "there is no secret named '" + name + "'");
    io.robogrid.secrets.MasterKey key = masterKey == null ? null : masterKey.get();
    if (key == null) {
      throw new StepFailure(ErrorClass.BAD_REFERENCE, "runner " + options.node() + " has no master key to decrypt secret '" + name
          + "' (give it the grid's ROBOGRID_MASTER_KEY_FILE)");
    }
    String value = io.robogrid.secrets.SecretCipher.open(key, name, io.robogrid.secrets.SecretCipher.Sealed.fromJson(sealed));
    entry.redactor.add(name, value);
    entry.reporter.send(Reports.secretUsed(options.node(), a.jobId(), a.attempt(), step, name, clock.instant()));
    return value;
  }

  /**
   * The slot is free as soon as the run ends; the final report goes out behind it (and is retried) on its own. The
   * leases are given back once the report is in (or has failed for good): the report ends their record, and nobody
   * may take a lease while its record still names this attempt.
   */
  private void finish(Assignment a, ActiveAttempt entry, Outcome ended) {
    Outcome redacted = entry.redactor.isEmpty() ? ended : Outcome.fromJson(entry.redactor.redact(ended.toJson()));
    // the job's result gathers every step's output: bounded as each of them is (the steps' own outputs stay whole)
    Outcome outcome = new Outcome(redacted.kind(), redacted.error(), redacted.step(), AttemptListener.bounded(redacted.result()),
        redacted.metrics(), redacted.path());
    log.atInfo().addKeyValue("job", a.jobId()).log("attempt {} ended: {}{}", a.attempt(), outcome.kind(),
        outcome.error() == null ? "" : " (" + outcome.error().errorClass() + ": " + outcome.error().getMessage() + ")");
    JsonObject report = JsonText.withoutNul(Reports.finished(options.node(), a.jobId(), a.attempt(), outcome, clock.instant()));
    Future<Void> delivered = entry.reporter.send(report);
    List<LeaseKeeper.Lease> held = entry.leases;
    entry.leases = List.of();
    // the job's browser context goes first: nothing of it may outlive the lease on its slot
    Future<Void> closed = entry.session == null ? Future.succeededFuture() : entry.session.close(vertx);
    entry.session = null;
    // no keep-alive nudge and no program of the job outlives its hold on a desktop
    for (DesktopJob d : entry.desktops.values()) closed = Future.join(closed, d.end()).mapEmpty();
    if (!held.isEmpty()) Future.join(delivered, closed).onComplete(ar -> leases.release(held));
    release(a.jobId(), entry);
    reporting.add(delivered);
    finishing.put(a.jobId(), a.attempt());
    delivered.onComplete(ar -> {
      reporting.remove(delivered);
      finishing.remove(a.jobId(), a.attempt());
    });
  }

  private void release(UUID jobId, ActiveAttempt entry) {
    if (active.get(jobId) == entry) active.remove(jobId);
    publishStatus();
  }

  private void cancel(Message<JsonObject> msg) {
    UUID id = UUID.fromString(msg.body().getString("jobId"));
    ActiveAttempt entry = active.get(id);
    if (entry != null && entry.attempt == msg.body().getInteger("attempt", entry.attempt)) {
      boolean pause = msg.body().getBoolean("pause", false);
      log.atInfo().addKeyValue("job", id).log("{} attempt {}: {}", pause ? "pausing" : "cancelling", entry.attempt, msg.body().getString("reason", "cancelled"));
      if (pause) entry.pause();
      else entry.cancel(msg.body().getString("reason", "cancelled by request"));
    }
  }

  private Capability offered(String name) {
    for (Capability c : options.capabilities()) if (c.name().equals(name)) return c;
    return null;
  }

  /**
   * How many units of capability {@code name} are in use: by running jobs, or by leases not yet let go (an ended
   * job keeps its leases until its final report is in).
   */
  private int used(String name) {
    int n = 0;
    for (ActiveAttempt e : active.values()) if (e.requires.contains(name)) n++;
    return Math.max(n, leases.inUse(name));
  }

  private void publishStatus() {
    List<RunnerStatus.Use> uses = options.capabilities().stream().map(c -> new RunnerStatus.Use(c.name(), c.slots(), used(c.name()))).toList();
    statusSink.accept(new RunnerStatus(accepting, options.slots(), active.size(), uses, assignments));
  }

  /** Graceful stop: no new work; running attempts get {@code shutdownGrace} to finish, then are handed back to the queue. */
  @Override
  public Future<?> stop() {
    accepting = false;
    publishStatus();
    if (active.isEmpty()) return finalReports().eventually(this::closeBrowsers);
    log.info("runner {} stopping: waiting up to {} ms for {} running jobs", options.node(), options.shutdownGrace().toMillis(), active.size());
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
    vertx.setPeriodic(100, id -> {
      if (active.isEmpty()) {
        vertx.cancelTimer(id);
        drained.tryComplete();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        log.info("handing {} unfinished jobs back to the queue", active.size());
        // a copy: ending a run frees its slot, which removes it from active
        List.copyOf(active.values()).forEach(e -> {
          if (e.run != null) e.run.handBack();
        });
        // the hand-back reports go out now; give them a few seconds at most
        long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        vertx.setPeriodic(50, id2 -> {
          if (active.isEmpty() || System.nanoTime() > giveUp) {
            vertx.cancelTimer(id2);
            drained.tryComplete();
          }
        });
      }
    });
    return drained.future().compose(v -> finalReports()).eventually(this::closeBrowsers);
  }

  /** Every browser of this node is closed when the runner stops (no Chromium outlives its node), and every desktop let go. */
  private Future<Void> closeBrowsers() {
    if (browsers == null && desktops.isEmpty()) return Future.succeededFuture();
    return vertx.executeBlocking(() -> {
      if (browsers != null) browsers.close();
      desktops.values().forEach(d -> d.close(5_000));
      return null;
    });
  }

  /** Waits (a few seconds at most) for the final reports of ended runs to reach a coordinator. */
  private Future<Void> finalReports() {
    if (reporting.isEmpty()) return Future.succeededFuture();
    return Future.join(List.copyOf(reporting)).<Void>mapEmpty().otherwiseEmpty()
        .timeout(5, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty();
  }
}
