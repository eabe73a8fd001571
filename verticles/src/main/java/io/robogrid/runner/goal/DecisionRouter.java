package io.robogrid.runner.goal;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the levels a step may use, cheapest first, for the next action: a level with no answer, an answer below its
 * confidence threshold, or an action already tried on this page state passes the question on to the next one. When no
 * level is sure, the most confident answer below its threshold is taken; when there is none at all, the run gives up.
 * Every answer's cost counts against the step's budget, including answers that were passed over. Worker thread.
 */
public final class DecisionRouter {
  /** A decision and what asking every level that was asked for it cost. */
  public record Routed(Decision decision, List<Decision.Cost> costs) {
    public double usd() {
      return costs.stream().mapToDouble(Decision.Cost::usd).sum();
    }
  }

  private final List<Decider> levels;
  private final Map<Decider.Level, Double> thresholds;

  /** @param levels the deciders this run may use, in any order (they are asked cheapest first) */
  public DecisionRouter(List<Decider> levels, Map<Decider.Level, Double> thresholds) {
    List<Decider> sorted = new ArrayList<>(levels);
    sorted.sort(java.util.Comparator.comparing(Decider::level));
    this.levels = List.copyOf(sorted);
    this.thresholds = Map.copyOf(thresholds);
  }

  public List<Decider.Level> levels() {
    return levels.stream().map(Decider::level).toList();
  }

  /**
   * The next action for {@code state}. Fails with BUDGET_EXCEEDED when the step's budget is spent before a level that
   * costs money could be asked, or by what it answered.
   */
  public Routed decide(GoalState state) {
    List<Decision.Cost> costs = new ArrayList<>();
    Decision fallback = null;
    for (Decider d : levels) {
      if (d.level() == Decider.Level.LLM && state.spentUsd() >= state.spec().maxCostUsd()) {
        throw new StepFailure(ErrorClass.BUDGET_EXCEEDED, String.format(java.util.Locale.ROOT,
            "the goal's budget of $%.4f is spent ($%.4f) and no cheaper level had an answer", state.spec().maxCostUsd(), state.spentUsd()));
      }
      long t0 = System.nanoTime();
      Optional<Decision> answer = d.decide(state);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      Decision.Cost cost = answer.map(Decision::cost).orElse(null);
      cost = cost == null ? Decision.Cost.free(ms) : cost.withMs(ms);
      costs.add(cost);
      state.spend(cost.usd());
      if (answer.isEmpty()) continue;
      Decision a = answer.get().costing(cost);
      if (state.triedHere(a) && a.action() != Decision.Action.GIVE_UP) continue;
      if (a.confidence() >= thresholds.getOrDefault(d.level(), 0.5) || a.action() == Decision.Action.GIVE_UP) return new Routed(a, costs);
      if (fallback == null || a.confidence() > fallback.confidence()) fallback = a;
    }
    if (fallback != null) return new Routed(fallback, costs);
    return new Routed(Decision.of(levels.isEmpty() ? Decider.Level.RULES : levels.get(levels.size() - 1).level(), Decision.Action.GIVE_UP, null,
        "no level (" + levels() + ") found anything to do on " + state.page().url(), 1).costing(Decision.Cost.free(0)), costs);
  }
}
