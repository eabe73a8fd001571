package io.robogrid.router;

import io.robogrid.grid.Capability;
import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.grid.RunnerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
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

  /** A promise the runner never answered (the assignment was lost on the way) is forgotten after this long. */
  private static final Duration PROMISE_TTL = Duration.ofSeconds(10);

  private final ClusterView view;
  private final Clock clock;
  /** Per node, the slots promised since its last announcement that counted them, oldest first. */
  private final Map<String, Deque<Promise>> promised = new HashMap<>();
  /** Per node, how many assignments it had answered at its last announcement. */
  private final Map<String, Long> answered = new HashMap<>();

  private record Promise(Instant at, List<String> limited) {}

  public RunnerDirectory(ClusterView view, Clock clock) {
    this.view = view;
    this.clock = clock;
  }

  /**
   * A node's announcement counts the assignments it has answered since the last one; that many of the oldest
   * promises are settled (the job is now in its running count, or was refused). A status sent before an assignment
   * arrived settles nothing, so a promise is never dropped early.
   */
  public void announced(NodeStatus status) {
    if (status.runner() == null) return;
    String node = status.node();
    long now = status.runner().assignments();
    Long before = answered.put(node, now);
    Deque<Promise> p = promised.get(node);
    if (p == null) return;
    if (before == null || now < before) { // first word from it, or it restarted
      p.clear();
      return;
    }
    for (long i = before; i < now && !p.isEmpty(); i++) p.removeFirst();
  }

  public void forget(String node) {
    promised.remove(node);
    answered.remove(node);
  }

  /**
   * What the live runners can take now, as groups a coordinator claims from: jobs that need only {@code capabilities}
   * and, when {@code needs} is set, that limited capability. Groups that need a scarce capability come first, so that
   * a free browser or desktop is not left idle while plain jobs fill the job slots.
   */
  public List<Offer> offer() {
    List<NodeStatus> runners = view.liveRunners();
    Map<String, Offer> groups = new TreeMap<>();
    java.util.Set<String> desktops = new java.util.HashSet<>();
    for (NodeStatus n : runners) {
      int nodeFree = nodeFree(n);
      if (nodeFree <= 0) continue;
      List<String> plain = new ArrayList<>();
      List<String> scarce = new ArrayList<>();
      for (RunnerStatus.Use u : n.runner().capabilities()) {
        if (!u.limited()) plain.add(u.name());
        // a desktop several nodes reach is one robot: offered once, placement picks the node
        else if (capFree(n, u, runners) > 0 && (!Capability.isDesktop(u.name()) || desktops.add(u.name()))) scarce.add(u.name());
      }
      add(groups, new Offer(nodeFree, sorted(plain), null));
      List<String> all = sorted(plain, scarce);
      for (String c : scarce) add(groups, new Offer(Math.min(nodeFree, capFree(n, n.runner().use(c), runners)), all, c));
    }
    List<Offer> out = new ArrayList<>(groups.values());
    out.sort(Comparator.comparing((Offer o) -> o.needs() == null).thenComparing(Offer::key));
    return out;
  }

  /**
   * Whether some live runner is out of job slots or of a limited capability: work may be waiting for exactly that,
   * so a coordinator should look at the queue again when capacity comes back.
   */
  public boolean exhausted() {
    List<NodeStatus> runners = view.liveRunners();
    for (NodeStatus n : runners) {
      if (!n.runner().accepting()) continue;
      if (nodeFree(n) <= 0) return true;
      for (RunnerStatus.Use u : n.runner().capabilities()) if (u.limited() && capFree(n, u, runners) <= 0) return true;
    }
    return false;
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
    List<String> limited = new ArrayList<>();
    for (String c : requires) if (best.runner().use(c).limited()) limited.add(c);
    promised.computeIfAbsent(best.node(), k -> new ArrayDeque<>()).addLast(new Promise(clock.instant(), List.copyOf(limited)));
    return best.node();
  }

  /** Live runners that offer everything in {@code requires}, room or not. */
  public List<NodeStatus> capable(Collection<String> requires) {
    return view.liveRunners().stream().filter(n -> n.runner().names().containsAll(requires)).toList();
  }

  /** Whether some live runner could take a job needing {@code requires} now, by the same rule as {@link #place}. */
  public boolean hasRoom(Collection<String> requires) {
    List<NodeStatus> runners = view.liveRunners();
    return runners.stream().anyMatch(n -> fits(n, requires, runners));
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

  /** Slots ({@link #SLOT}) or units of a capability promised to {@code node} and not yet counted in its announcements. */
  private int reserved(String node, String key) {
    Deque<Promise> p = promised.get(node);
    if (p == null) return 0;
    Instant cutoff = clock.instant().minus(PROMISE_TTL);
    while (!p.isEmpty() && p.peekFirst().at().isBefore(cutoff)) p.removeFirst();
    if (key.equals(SLOT)) return p.size();
    int n = 0;
    for (Promise x : p) if (x.limited().contains(key)) n++;
    return n;
  }

  @SafeVarargs
  private static List<String> sorted(List<String>... lists) {
    TreeSet<String> all = new TreeSet<>();
    for (List<String> l : lists) all.addAll(l);
    return List.copyOf(all);
  }
}
