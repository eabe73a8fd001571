package io.robogrid.router;

import io.robogrid.grid.Capability;
import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.grid.RunnerStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The router's placement logic over the live runners of a {@link ClusterView}: their last announcement minus the
 * slots promised since. Placement picks, among the runners that offer every required capability and have a free job
 * slot and a free slot of each limited capability (browser slots, desktops), the least loaded (running ÷ slots).
 * A desktop is one robot however many nodes can reach it: it is free only if no live node uses or was promised it.
 */
public final class RunnerDirectory {
  /** The key under which job slots (rather than a capability) are reserved. */
  private static final String SLOT = "";

  private final ClusterView view;
  private final Map<String, Map<String, Integer>> reserved = new HashMap<>();

  public RunnerDirectory(ClusterView view) {
    this.view = view;
  }

  /** A fresh announcement already counts the work the node accepted: its promises are settled. */
  public void announced(String node) {
    reserved.remove(node);
  }

  public void forget(String node) {
    reserved.remove(node);
  }

  /**
   * What the live runners can take now, as groups a coordinator claims from: jobs that need only {@code capabilities}
   * and, when {@code needs} is set, that limited capability. Groups that need a scarce capability come first, so that
   * a free browser or desktop is not left idle while plain jobs fill the job slots.
   */
  public List<Offer> offer() {
    List<NodeStatus> runners = view.liveRunners();
    Map<String, Offer> groups = new TreeMap<>();
    for (NodeStatus n : runners) {
      int nodeFree = nodeFree(n);
      if (nodeFree <= 0) continue;
      List<String> plain = new ArrayList<>();
      List<String> scarce = new ArrayList<>();
      for (RunnerStatus.Use u : n.runner().capabilities()) {
        if (!u.limited()) plain.add(u.name());
        else if (capFree(n, u, runners) > 0) scarce.add(u.name());
      }
      add(groups, new Offer(nodeFree, sorted(plain), null));
      List<String> all = sorted(plain, scarce);
      for (String c : scarce) add(groups, new Offer(Math.min(nodeFree, capFree(n, n.runner().use(c), runners)), all, c));
    }
    List<Offer> out = new ArrayList<>(groups.values());
    out.sort(Comparator.comparing((Offer o) -> o.needs() == null).thenComparing(Offer::key));
    return out;
  }

  /** @param needs a limited capability every job of the group requires, or null */
  public record Offer(int free, List<String> capabilities, String needs) {
    String key() {
      return (needs == null ? "" : needs) + "|" + String.join(",", capabilities);
    }
  }

  private static void add(Map<String, Offer> groups, Offer o) {
    groups.merge(o.key(), o, (a, b) -> new Offer(a.free() + b.free(), a.capabilities(), a.needs()));
  }

  /** The node that takes a job needing {@code requires}, with its slots reserved; null when none can now. */
  public String place(Collection<String> requires) {
    List<NodeStatus> runners = view.liveRunners();
    NodeStatus best = null;
    for (NodeStatus n : runners) {
      if (fits(n, requires, runners) && (best == null || load(n) < load(best) || load(n) == load(best) && n.node().compareTo(best.node()) < 0)) best = n;
    }
    if (best == null) return null;
    Map<String, Integer> r = reserved.computeIfAbsent(best.node(), k -> new HashMap<>());
    r.merge(SLOT, 1, Integer::sum);
    for (String c : requires) if (best.runner().use(c).limited()) r.merge(c, 1, Integer::sum);
    return best.node();
  }

  private boolean fits(NodeStatus n, Collection<String> requires, List<NodeStatus> runners) {
    if (nodeFree(n) <= 0) return false;
    for (String c : requires) {
      RunnerStatus.Use u = n.runner().use(c);
      if (u == null || u.limited() && capFree(n, u, runners) <= 0) return false;
    }
    return true;
  }

  private int nodeFree(NodeStatus n) {
    return n.runner().free() - reserved(n.node(), SLOT);
  }

  /** Free units of a limited capability on {@code n}; for a desktop, counting its use by every live node. */
  private int capFree(NodeStatus n, RunnerStatus.Use u, List<NodeStatus> runners) {
    if (!Capability.isDesktop(u.name())) return u.total() - u.used() - reserved(n.node(), u.name());
    int taken = 0;
    for (NodeStatus m : runners) {
      RunnerStatus.Use mu = m.runner().use(u.name());
      if (mu != null) taken += mu.used() + reserved(m.node(), u.name());
    }
    return u.total() - taken;
  }

  private double load(NodeStatus n) {
    RunnerStatus r = n.runner();
    return r.slots() == 0 ? 1.0 : (double) (r.running() + reserved(n.node(), SLOT)) / r.slots();
  }

  private int reserved(String node, String key) {
    Map<String, Integer> r = reserved.get(node);
    return r == null ? 0 : r.getOrDefault(key, 0);
  }

  @SafeVarargs
  private static List<String> sorted(List<String>... lists) {
    TreeSet<String> all = new TreeSet<>();
    for (List<String> l : lists) all.addAll(l);
    return List.copyOf(all);
  }
}
