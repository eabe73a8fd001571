package io.robogrid.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.robogrid.grid.Capability;
import io.robogrid.grid.RunnerStatus;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * This runner's capacity, from what it announces to the grid (no database, no event bus): job slots, browser slots
 * and desktops, free and busy, and the leases it holds. Read at each scrape from a volatile status: nothing to cache.
 */
final class RunnerGauges {
  private RunnerGauges() {}

  static void register(MeterRegistry registry, Supplier<RunnerStatus> status) {
    gauge(registry, status, "robogrid.runner.slots", "Job slots of this runner", "free", RunnerStatus::free);
    gauge(registry, status, "robogrid.runner.slots", "Job slots of this runner", "busy", RunnerStatus::running);
    gauge(registry, status, "robogrid.browser.slots", "Browser slots of this runner", "free", s -> browser(s, true));
    gauge(registry, status, "robogrid.browser.slots", "Browser slots of this runner", "busy", s -> browser(s, false));
    gauge(registry, status, "robogrid.desktops", "Desktops this runner drives", "free", s -> desktops(s, true));
    gauge(registry, status, "robogrid.desktops", "Desktops this runner drives", "busy", s -> desktops(s, false));
    Gauge.builder("robogrid.runner.leases.held", () -> value(status, RunnerGauges::leases))
        .description("Leases (browser slots, desktops) held by this runner's attempts").register(registry);
  }

  private static void gauge(MeterRegistry registry, Supplier<RunnerStatus> status, String name, String description, String state,
                            ToIntFunction<RunnerStatus> f) {
    Gauge.builder(name, () -> value(status, f)).description(description).tag("state", state).register(registry);
  }

  private static int value(Supplier<RunnerStatus> status, ToIntFunction<RunnerStatus> f) {
    RunnerStatus s = status.get();
    return s == null ? 0 : f.applyAsInt(s);
  }

  private static int browser(RunnerStatus s, boolean free) {
    RunnerStatus.Use u = s.use(Capability.BROWSER);
    if (u == null) return 0;
    int used = Math.min(u.used(), u.total());
    return free ? u.total() - used : used;
  }

  private static int desktops(RunnerStatus s, boolean free) {
    int n = 0;
    for (RunnerStatus.Use u : s.capabilities()) {
      if (Capability.isDesktop(u.name()) && (u.used() == 0) == free) n++;
    }
    return n;
  }

  /** Every unit in use of a capability that is leased (limited ones: browser slots, desktops). */
  private static int leases(RunnerStatus s) {
    int n = 0;
    for (RunnerStatus.Use u : s.capabilities()) if (u.limited()) n += Math.min(u.used(), u.total());
    return n;
  }
}
