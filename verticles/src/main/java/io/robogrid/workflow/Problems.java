package io.robogrid.workflow;

import io.robogrid.core.RoboGridException;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a definition, each named by where it is ({@code robots.json: robots[0].steps[1].with.url}), so an operator fixes them all in one go. */
public final class Problems {
  private final List<String> items = new ArrayList<>();

  public void add(String where, String message) {
    items.add(where.isEmpty() ? message : where + ": " + message);
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public List<String> items() {
    return List.copyOf(items);
  }

  public void throwIfAny() {
    if (!items.isEmpty()) throw RoboGridException.invalidWorkflow(String.join("; ", items));
  }
}
