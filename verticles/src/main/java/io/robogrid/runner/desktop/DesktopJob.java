package io.robogrid.runner.desktop;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's hold on one desktop, from the moment it leased it until it lets go: the steps' way to the desktop, the
 * keep-alive nudges that keep the session from locking meanwhile, and the programs the job launched (closed when it
 * ends, unless a step said to keep them). Used on the runner's event loop.
 */
public final class DesktopJob {
  private static final Logger log = LoggerFactory.getLogger(DesktopJob.class);

  private final Vertx vertx;
  private final Desktop desktop;
  private final UUID jobId;
  private final long keepAliveMs;
  private final List<Launched> launched = new ArrayList<>();
  private long timer = -1;
  private boolean ended;
  private int nudges;
  private int actions;
  private int programs;

  /** A program a step launched: closed with the job unless {@code keep}; its output went to {@code output}. */
  private record Launched(Process process, boolean keep, Path output) {}

  private DesktopJob(Vertx vertx, Desktop desktop, UUID jobId, long keepAliveMs) {
    this.vertx = vertx;
    this.desktop = desktop;
    this.jobId = jobId;
    this.keepAliveMs = keepAliveMs;
  }

  /**
   * Begins the job's hold on {@code desktop}: connects to it (a desktop that cannot be reached fails the attempt with
   * DESKTOP_ERROR, which is retried) and starts the keep-alive nudges. A desktop with no display is only leased.
   */
  public static Future<DesktopJob> begin(Vertx vertx, Desktop desktop, DesktopOptions options, UUID jobId) {
    DesktopJob job = new DesktopJob(vertx, desktop, jobId, options.keepAlive().toMillis());
    if (!desktop.drivable()) return Future.succeededFuture(job);
    return desktop.call(vertx, d -> {
      d.jobStarted();
      return d.describe();
    }).map(d -> {
      job.scheduleKeepAlive();
      return job;
    });
  }

  public String name() {
    return desktop.name();
  }

  /** Runs input ({@code work} types, clicks, focuses) on the desktop's thread; it counts as activity. */
  public <T> Future<T> act(Function<DesktopDriver, T> work) {
    if (ended) return Future.failedFuture(new StepFailure(ErrorClass.CANCELLED, "the job no longer holds desktop " + name()));
    actions++;
    return desktop.call(vertx, d -> {
      try {
        return work.apply(d);
      } finally {
        desktop.inputSent();
      }
    });
  }

  /** Runs {@code work} that only looks (lists windows, takes a screenshot) on the desktop's thread. */
  public <T> Future<T> look(Function<DesktopDriver, T> work) {
    if (ended) return Future.failedFuture(new StepFailure(ErrorClass.CANCELLED, "the job no longer holds desktop " + name()));
    return desktop.call(vertx, work);
  }

  /**
   * A program a step started: it is closed when the job ends unless {@code keep}. Call on the event loop. A job that
   * ended meanwhile (cancelled while the program was being started) closes it at once.
   */
  public void launched(Process process, boolean keep, Path output) {
    programs++;
    Launched l = new Launched(process, keep, output);
    if (!ended) launched.add(l);
    else vertx.executeBlocking(() -> {
      close(l);
      return null;
    }, false);
  }

  /** What the job did on the desktop: input actions, keep-alive nudges, programs launched. */
  public JsonObject metrics() {
    return new JsonObject().put("actions", actions).put("nudges", nudges).put("launched", programs);
  }

  /**
   * Arms the next keep-alive check for when the desktop will have been quiet for the interval: input from steps
   * pushes it back, so the session is never left alone for much more than the interval, and busy jobs get no nudges.
   */
  private void scheduleKeepAlive() {
    if (keepAliveMs <= 0 || ended) return;
    timer = vertx.setTimer(Math.max(10, keepAliveMs - desktop.quietMillis()), t -> {
      if (ended) return;
      if (desktop.quietMillis() < keepAliveMs - 10) {
        scheduleKeepAlive(); // there was input since this was armed
        return;
      }
      desktop.call(vertx, d -> {
        desktop.inputSent(); // stamped as it goes out: a slow nudge does not make the next one late
        d.nudge();
        return null;
      }).onComplete(ar -> {
        if (ar.succeeded()) {
          nudges++;
          log.atDebug().addKeyValue("job", jobId).log("desktop {}: keep-alive nudge {}", name(), nudges);
        } else {
          log.atWarn().addKeyValue("job", jobId).log("desktop {}: keep-alive nudge failed: {}", name(), ar.cause().getMessage());
        }
        scheduleKeepAlive();
      });
    });
  }

  /**
   * Ends the job's hold: no more nudges, the programs it launched are closed (their children first), and the driver
   * undoes what the job changed in the session. Never fails, and ends within {@link #END_WAIT_MS} even when the
   * desktop's thread is stuck (an X server that stopped answering): the lease must not be held forever.
   */
  public Future<Void> end() {
    if (ended) return Future.succeededFuture();
    ended = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    List<Launched> programs = List.copyOf(launched);
    Future<Void> closed = programs.isEmpty() ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      for (Launched l : programs) close(l);
      return null;
    }, false);
    Future<Void> restored = !desktop.drivable() ? Future.succeededFuture() : desktop.call(vertx, d -> {
      d.jobEnded();
      return (Void) null;
    });
    return Future.join(closed, restored).<Void>mapEmpty().timeout(END_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> {
          log.atError().addKeyValue("job", jobId).log("desktop {}: not let go cleanly within {} ms ({}); its lease is given back anyway",
              name(), END_WAIT_MS, e.getMessage());
          return Future.succeededFuture();
        });
  }

  static final long END_WAIT_MS = 10_000;

  /** Blocking: the program and every process it started (found before any is stopped), politely, then by force. */
  private void close(Launched l) {
    try {
      if (!l.keep() && l.process().isAlive()) {
        List<ProcessHandle> all = new ArrayList<>(l.process().descendants().toList());
        all.add(l.process().toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle p : all) {
          try {
            p.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
          } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            p.destroyForcibly();
          }
        }
        log.atInfo().addKeyValue("job", jobId).log("desktop {}: closed program {} the job launched", name(), l.process().pid());
      }
      Files.deleteIfExists(l.output());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException e) {
      log.debug("could not delete {}: {}", l.output(), e.getMessage());
    }
  }
}
