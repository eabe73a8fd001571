package io.robogrid.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph questions about a workflow's {@code needs}: a cycle, a topological order, and what a step comes after. */
public final class Dag {
  private Dag() {}

  /** The steps of a cycle in {@code needs}, as a path that ends where it starts ({@code a → b → a}), or null when there is none. */
  public static List<String> findCycle(Map<String, List<String>> needs) {
    Map<String, Integer> colour = new HashMap<>(); // absent: new; 1: on the current path; 2: done
    for (String start : needs.keySet()) {
      if (colour.containsKey(start)) continue;
      Deque<String> path = new ArrayDeque<>();
      List<String> cycle = visit(start, needs, colour, path);
      if (cycle != null) return cycle;
    }
    return null;
  }

  private static List<String> visit(String node, Map<String, List<String>> needs, Map<String, Integer> colour, Deque<String> path) {
    colour.put(node, 1);
    path.addLast(node);
    for (String next : needs.getOrDefault(node, List.of())) {
      Integer c = colour.get(next);
      if (c == null) {
        List<String> cycle = visit(next, needs, colour, path);
        if (cycle != null) return cycle;
      } else if (c == 1) {
        List<String> cycle = new ArrayList<>();
        boolean in = false;
        for (String s : path) {
          if (s.equals(next)) in = true;
          if (in) cycle.add(s);
        }
        cycle.add(next);
        return cycle;
      }
    }
    path.removeLast();
    colour.put(node, 2);
    return null;
  }

  /** Every step {@code id} comes after, directly or not. Assumes no cycle. */
  public static Set<String> ancestors(String id, Map<String, List<String>> needs) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(needs.getOrDefault(id, List.of()));
    while (!todo.isEmpty()) {
      String s = todo.pop();
      if (seen.add(s)) todo.addAll(needs.getOrDefault(s, List.of()));
    }
    return seen;
  }

  /** A topological order (a step after everything it needs), stable with respect to declaration order. Assumes no cycle. */
  public static List<String> order(List<String> declared, Map<String, List<String>> needs) {
    List<String> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    while (out.size() < declared.size()) {
      boolean progressed = false;
      for (String s : declared) {
        if (!done.contains(s) && done.containsAll(needs.getOrDefault(s, List.of()))) {
          out.add(s);
          done.add(s);
          progressed = true;
        }
      }
      if (!progressed) throw new IllegalStateException("cycle among " + declared);
    }
    return out;
  }
}
