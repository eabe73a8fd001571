package io.robogrid.runner;

import io.robogrid.runner.browser.BrowserJob;
import io.robogrid.runner.browser.BrowserSession;
import io.robogrid.runner.desktop.DesktopJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A running attempt on this runner: its run, its reporter, its leases, and whether the coordinator has seen it start. */
final class ActiveAttempt {
  final int attempt;
  final AttemptReporter reporter;
  final List<String> requires;
  List<LeaseKeeper.Lease> leases = List.of();
  BrowserSession session;
  BrowserJob browser;
  /** The values of the secrets the attempt used: taken out of everything it reports. */
  final io.robogrid.secrets.Redactor redactor = new io.robogrid.secrets.Redactor();
  /** The desktops the job holds, by name, from its leases. */
  final Map<String, DesktopJob> desktops = new LinkedHashMap<>();
  WorkflowRun run;
  boolean started;
  /** A cancel that came before the run existed (while its leases were being taken): the run never starts. */
  String cancelled;
  /** When a coordinator last confirmed this attempt is still ours (System.nanoTime). */
  volatile long confirmedAt = System.nanoTime();

  ActiveAttempt(int attempt, AttemptReporter reporter, List<String> requires) {
    this.attempt = attempt;
    this.reporter = reporter;
    this.requires = requires;
  }

  /**
   * How long ago a coordinator last confirmed it, or null when that is within {@code limit}. A node that was frozen
   * (SIGSTOP, a stalled VM) wakes with its timers due at once: the answer to its next heartbeat may say the attempt
   * was given to another node, and until then it must not act for it.
   */
  java.time.Duration unconfirmedFor(java.time.Duration limit) {
    long since = System.nanoTime() - confirmedAt;
    return since > limit.toNanos() ? java.time.Duration.ofNanos(since) : null;
  }

  /** Whether its run is under way: it started and has not ended. */
  boolean running() {
    return run != null && !run.isDone();
  }

  void cancel(String reason) {
    if (run != null) run.cancel(reason);
    else cancelled = reason;
  }

  /** A pause that came before the run existed: the run starts paused, and ends at once. */
  boolean paused;

  /** Stops the attempt at its next step boundary (see {@link WorkflowRun#pause()}). */
  void pause() {
    if (run != null) run.pause();
    else paused = true;
  }

  /**
   * The coordinators gave this attempt up (lost, cancelled): stop it without reporting further. Only that attempt:
   * the job may already run here again under a newer one.
   */
  static void stopStale(Map<UUID, ActiveAttempt> active, UUID jobId, int attempt) {
    ActiveAttempt entry = active.get(jobId);
    if (entry != null && entry.attempt == attempt && entry.run != null) entry.run.cancel("attempt was taken from this node");
  }
}
