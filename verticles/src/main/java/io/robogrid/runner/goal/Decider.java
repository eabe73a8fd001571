package io.robogrid.runner.goal;

import java.util.Locale;
import java.util.Optional;

/**
 * One level of the decision router: given where the run stands, the next action, or nothing when this level has no
 * answer. Deciders run on a worker thread (a model may take a while), never on an event loop, and never touch the page.
 */
public interface Decider {
  /** The levels, cheapest first. */
  enum Level {
    /** A path that reached this goal on this site before, replayed. */
    CACHE,
    /** Rules, no model: fill fields named like the data, tick consent, submit a complete form, close what is in the way. */
    RULES,
    /** A small embedding model in this process ranks the elements against the goal. */
    LOCAL,
    /** A large language model, when one is configured. */
    LLM;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Level of(String s) {
      for (Level l : values()) if (l.label().equalsIgnoreCase(s == null ? "" : s.trim())) return l;
      return null;
    }
  }

  Level level();

  Optional<Decision> decide(GoalState state);
}
