package io.robogrid.runner;

import io.robogrid.grid.Capability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Takes and gives back the cluster-wide leases of this node's jobs: a browser slot ({@code browser:<node>:<slot>})
 * for a job that needs {@code browser}, the desktop ({@code desktop:<name>}) for one that needs it. A lease is a
 * Vert.x cluster lock (a Hazelcast map lock): the cluster frees it when this JVM leaves, dies or is declared dead.
 * <p>
 * Hazelcast map locks are re-entrant for the thread that holds them, and Vert.x takes them on pooled worker
 * threads, so two jobs of this node could both "take" one lock. The keeper therefore never asks the cluster for a
 * resource this node already holds: a busy local resource is refused here, before any lock is requested.
 * Not thread-safe: used on the runner's event loop.
 */
final class LeaseKeeper {
  static final String LOCK_PREFIX = "robogrid.lease.";
  private static final long QUARANTINE_MS = 500;

  private final Vertx vertx;
  private final String node;
  private final Map<String, Capability> capabilities = new TreeMap<>();
  private final Duration wait;
  private final Set<String> held = new HashSet<>();
  private final Runnable onFreed;

  /** One lease this node holds for a job. */
  record Lease(String resource, Lock lock) {}

  /**
   * @param wait how long to wait for a lease another node holds before giving the job back to the queue
   * @param onFreed called when a resource is free again here
   */
  LeaseKeeper(Vertx vertx, String node, List<Capability> capabilities, Duration wait, Runnable onFreed) {
    this.onFreed = onFreed;
    this.vertx = vertx;
    this.node = node;
    capabilities.forEach(c -> this.capabilities.put(c.name(), c));
    this.wait = wait;
  }

  /** Whether a job needing {@code requires} needs any lease. */
  boolean needsLeases(Collection<String> requires) {
    for (String r : requires) {
      Capability c = capabilities.get(r);
      if (c != null && c.lease(node, 1) != null) return true;
    }
    return false;
  }

  /**
   * Leases what {@code requires} needs, in name order (so two jobs needing the same two resources cannot deadlock).
   * Fails when one is not free within the wait; what was taken is then given back.
   */
  Future<List<Lease>> acquire(Collection<String> requires) {
    List<String> resources = new ArrayList<>();
    for (String r : new java.util.TreeSet<>(requires)) {
      Capability c = capabilities.get(r);
      if (c == null || c.lease(node, 1) == null) continue;
      String resource = c.name().equals(Capability.BROWSER) ? freeBrowserSlot(c, resources) : c.lease(node, 1);
      if (resource == null || held.contains(resource)) {
        return Future.failedFuture(new LeaseBusy(r + " is in use by another job on this node"));
      }
      resources.add(resource);
    }
    resources.sort(null);
    held.addAll(resources);
    List<Lease> taken = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String resource : resources) {
      chain = chain.compose(v -> vertx.sharedData().getLockWithTimeout(LOCK_PREFIX + resource, wait.toMillis())
          .recover(e -> Future.failedFuture(new LeaseBusy(resource + " is held elsewhere (waited " + wait.toMillis() + " ms)")))
          .map(lock -> {
            taken.add(new Lease(resource, lock));
            return null;
          }));
    }
    return chain.map(v -> List.copyOf(taken)).onFailure(e -> {
      release(taken);
      resources.stream().filter(r -> taken.stream().noneMatch(l -> l.resource().equals(r))).forEach(held::remove);
    });
  }

  /** The lowest browser slot no job of this node holds, or null when all are taken. */
  private String freeBrowserSlot(Capability browser, List<String> alsoTaken) {
    for (int slot = 1; slot <= browser.slots(); slot++) {
      String r = browser.lease(node, slot);
      if (!held.contains(r) && !alsoTaken.contains(r)) return r;
    }
    return null;
  }

  /**
   * Lets go of the locks. Vert.x unlocks asynchronously on another thread and a Hazelcast lock is re-entrant for the
   * thread that holds it, so a resource stays "held here" for {@link #QUARANTINE_MS} more: no job of this node asks
   * for it while the unlock may still be on its way.
   */
  void release(List<Lease> leases) {
    for (Lease l : leases) {
      l.lock().release();
      vertx.setTimer(QUARANTINE_MS, t -> {
        held.remove(l.resource());
        onFreed.run();
      });
    }
  }

  /** How many leases of capability {@code name} this node holds (a browser's slots, or a desktop). */
  int inUse(String name) {
    if (name.equals(Capability.BROWSER)) {
      return (int) held.stream().filter(r -> r.startsWith(Capability.BROWSER + ":")).count();
    }
    return held.contains(name) ? 1 : 0;
  }

  /** A lease could not be had in time: not the job's fault, so it goes back to the queue. */
  static final class LeaseBusy extends RuntimeException {
    LeaseBusy(String message) {
      super(message, null, false, false);
    }
  }
}
