package io.robogrid.chaos;

import io.robogrid.chaos.Audit.Figures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scripts/chaos [scenario...] [--short] [--jobs N] [--rate R]}: runs each scenario (all by default) on a grid
 * of real node JVMs on loopback, one at a time, prints a line per scenario (jobs accepted, finished, lost,
 * duplicated, seconds to recover) and exits 1 when any lost or duplicated a job or left something behind.
 * {@code scripts/chaos soak 30m} runs {@link Soak} instead. The first argument is the repository root.
 */
public final class ChaosMain {
  private ChaosMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    List<String> names = new ArrayList<>();
    boolean quick = false;
    Integer jobs = null;
    Double rate = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--short" -> quick = true;
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        default -> names.add(args[i]);
      }
    }
    if (!names.isEmpty() && names.get(0).equals("soak")) {
      System.exit(Soak.run(root, names.size() > 1 ? io.robogrid.core.Durations.parse(names.get(1)) : java.time.Duration.ofMinutes(30)) ? 0 : 1);
    }
    List<Scenario> chosen = new ArrayList<>();
    for (Scenario s : Scenarios.all()) if (names.isEmpty() || names.contains(s.name())) chosen.add(s);
    for (String n : names) {
      if (Scenarios.all().stream().noneMatch(s -> s.name().equals(n))) {
        System.err.println("unknown scenario '" + n + "'; known: " + Scenarios.all().stream().map(Scenario::name).toList() + " or soak <duration>");
        System.exit(2);
      }
    }
    Scenario.Size size = new Scenario.Size(jobs != null ? jobs : quick ? 300 : 1000, rate != null ? rate : 25, quick);
    System.out.printf("chaos: %d scenario(s), %d jobs each at %.0f/s%s; %d cores%n", chosen.size(), size.jobs(), size.perSecond(),
        quick ? " (short form)" : "", Runtime.getRuntime().availableProcessors());
    List<Scenario.Result> results = new ArrayList<>();
    for (Scenario s : chosen) {
      System.out.println("== " + s.name());
      Scenario.Result r = s.run(root, size);
      results.add(r);
      print(r);
    }
    System.out.println();
    System.out.println(header());
    results.forEach(r -> System.out.println(row(r)));
    long passed = results.stream().filter(r -> r.passed() && !r.skipped()).count();
    long skipped = results.stream().filter(Scenario.Result::skipped).count();
    long failed = results.size() - passed - skipped;
    System.out.println("chaos: " + passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
    System.exit(failed == 0 ? 0 : 1);
  }

  private static void print(Scenario.Result r) {
    if (r.skipped()) {
      System.out.println("  " + r.note());
      return;
    }
    System.out.println("  fault: " + r.note());
    Figures f = r.figures();
    if (f != null) {
      System.out.printf("  accepted %d, finished %d, lost %d, duplicated %d, wrong outcome %d; re-executed %d, affected %d; recover %s s, affected jobs done %s s; %.0f s in all%n",
          f.accepted(), f.finished(), f.lost(), f.duplicated(), f.wrong(), f.reexecuted(), f.affected(), secs(f.recoverSeconds()), secs(f.affectedDoneSeconds()), r.seconds());
    }
    r.problems().stream().limit(25).forEach(p -> System.out.println("  PROBLEM " + p));
    if (r.problems().size() > 25) System.out.println("  ... and " + (r.problems().size() - 25) + " more problems");
    r.leftovers().forEach(p -> System.out.println("  LEFT RUNNING " + p));
    System.out.println("  " + (r.passed() ? "PASSED" : "FAILED"));
  }

  static String header() {
    return String.format("%-17s %8s %8s %5s %5s %5s %6s %7s %8s %8s %5s  %s", "scenario", "accepted", "finished", "lost", "dup", "wrong", "re-ex", "affect",
        "recover", "aff-done", "left", "result");
  }

  static String row(Scenario.Result r) {
    Figures f = r.figures();
    if (f == null) return String.format("%-17s %s", r.name(), r.skipped() ? r.note() : "BROKE OFF: " + (r.problems().isEmpty() ? "" : r.problems().get(0)));
    return String.format("%-17s %8d %8d %5d %5d %5d %6d %7d %8s %8s %5d  %s", r.name(), f.accepted(), f.finished(), f.lost(), f.duplicated(), f.wrong(),
        f.reexecuted(), f.affected(), secs(f.recoverSeconds()), secs(f.affectedDoneSeconds()), r.leftovers().size(), r.passed() ? "PASSED" : "FAILED");
  }

  private static String secs(Double s) {
    return s == null ? "-" : String.format("%.1f", s);
  }
}
