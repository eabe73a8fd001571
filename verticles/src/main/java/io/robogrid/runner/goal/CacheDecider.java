package io.robogrid.runner.goal;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Level 0: replays a path that reached this goal on this site before, one action at a time, each on the element that
 * answers to its recorded identity. A step whose element is not on the page, or an action that fails, ends the
 * replay for this run: the other levels decide from that point, and if the run reaches the goal its path replaces
 * the old one. Used by one run only.
 */
final class CacheDecider implements Decider {
  private final GoalPath path;
  private int next;
  private boolean diverged;

  CacheDecider(GoalPath path) {
    this.path = path;
  }

  @Override
  public Level level() {
    return Level.CACHE;
  }

  /** Whether the replay left the path before its end. */
  boolean diverged() {
    return diverged;
  }

  /** Whether every recorded action was replayed. */
  boolean completed() {
    return !diverged && next >= path.steps().size();
  }

  GoalPath path() {
    return path;
  }

  @Override
  public Optional<Decision> decide(GoalState state) {
    if (diverged || next >= path.steps().size()) return Optional.empty();
    JsonObject step = path.steps().get(next);
    Decision.Action action = Decision.Action.of(step.getString("action"));
    Element target = null;
    if (step.getJsonObject("target") != null) {
      target = state.page().find(step.getJsonObject("target")).orElse(null);
      if (target == null) {
        diverged = true;
        return Optional.empty();
      }
    }
    String reason = "cached path, action " + (next + 1) + " of " + path.steps().size() + " (reached this goal " + path.successes() + " times)";
    return Optional.of(Decision.of(level(), action, target, reason, 1.0).typing(step.getString("dataKey"), step.getString("value"))
        .pressing(step.getString("key")).going(step.getString("url")));
  }

  /** The action it proposed was carried out, or not: a failed one ends the replay. */
  void outcome(boolean ok) {
    if (diverged) return;
    if (ok) next++;
    else diverged = true;
  }
}
