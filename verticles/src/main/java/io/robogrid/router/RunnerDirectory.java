package io.robogrid.router;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The router's live view of the runners: the last status of each, minus the slots it has promised since. A runner
 * not heard from within {@code expiry} is dropped. Placement picks, among the runners that offer every required
 * capability and have a free slot, the least loaded (running ÷ slots), so that work spreads over the grid.
 */
public final class RunnerDirectory {
  private final Clock clock;
  private final Duration expiry;
  private final Map<String, RunnerStatus> statuses = new HashMap<>();
  private final Map<String, Integer> reserved = new HashMap<>();

  public RunnerDirectory(Clock clock, Duration expiry) {
    this.clock = clock;
    this.expiry = expiry;
  }

  /** A fresh status replaces what was known, promises included: it already counts the work it accepted. */
  public void update(RunnerStatus status) {
    RunnerStatus old = statuses.get(status.node());
    if (old != null && old.at().isAfter(status.at())) return;
    statuses.put(status.node(), status);
    reserved.remove(status.node());
  }

  public void remove(String node) {
    statuses.remove(node);
    reserved.remove(node);
  }

  public Collection<RunnerStatus> live() {
    expire();
    return List.copyOf(statuses.values());
  }

  /**
   * Free slots grouped by the exact set of capabilities of the runners that have them. A coordinator claims jobs
   * per group (jobs whose needs fit in the group's set), so every job it claims fits on at least one runner.
   */
  public List<Offer> offer() {
    expire();
    Map<List<String>, Integer> groups = new java.util.TreeMap<>(Comparator.comparing((List<String> l) -> String.join("\u0000", l)));
    for (RunnerStatus s : statuses.values()) {
      int f = free(s);
      if (f > 0) groups.merge(List.copyOf(new TreeSet<>(s.capabilities())), f, Integer::sum);
    }
    List<Offer> out = new ArrayList<>();
    groups.forEach((caps, free) -> out.add(new Offer(free, caps)));
    return out;
  }

  public record Offer(int free, List<String> capabilities) {}

  /** The node that takes a job needing {@code requires}, reserving one of its slots; null when none can. */
  public String place(Collection<String> requires) {
    expire();
    List<RunnerStatus> fit = new ArrayList<>();
    for (RunnerStatus s : statuses.values()) if (free(s) > 0 && s.capabilities().containsAll(requires)) fit.add(s);
    if (fit.isEmpty()) return null;
    RunnerStatus best = fit.stream().min(Comparator.comparingDouble(this::load).thenComparing(RunnerStatus::node)).orElseThrow();
    reserved.merge(best.node(), 1, Integer::sum);
    return best.node();
  }

  private int free(RunnerStatus s) {
    return s.free() - reserved.getOrDefault(s.node(), 0);
  }

  private double load(RunnerStatus s) {
    return s.slots() == 0 ? 1.0 : (double) (s.running() + reserved.getOrDefault(s.node(), 0)) / s.slots();
  }

  private void expire() {
    Instant cutoff = clock.instant().minus(expiry);
    statuses.values().removeIf(s -> s.at().isBefore(cutoff));
    reserved.keySet().retainAll(statuses.keySet());
  }
}
