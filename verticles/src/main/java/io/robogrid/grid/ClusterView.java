package io.robogrid.grid;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One verticle's live picture of the grid: the last announcement of every node, when it was heard, and whether it
 * still answers. A node leaves the picture when the cluster says it left (stopped, died, or frozen past the heartbeat
 * timeout), or when nothing was heard from it for a long time. Not thread-safe: each verticle keeps its own, on its
 * own event loop.
 */
public final class ClusterView {
  /** What the owner wants to hear about. */
  public interface Listener {
    default void joined(Entry node) {}

    /** Every announcement, the first one included ({@code previous} is then null). */
    default void announced(Entry node, NodeStatus previous) {}

    default void left(Entry node, String why) {}
  }

  public static final class Entry {
    private NodeStatus status;
    private Instant lastSeen;

    public NodeStatus status() {
      return status;
    }

    public Instant lastSeen() {
      return lastSeen;
    }
  }

  private final Clock clock;
  private final Duration staleAfter;
  private final Duration forgetAfter;
  private final Listener listener;
  private final Map<String, Entry> nodes = new LinkedHashMap<>();
  /** Whether a cluster member id is a member now; without a cluster manager, everyone is. */
  private Predicate<String> member = id -> true;

  /**
   * @param staleAfter a node not heard from for this long is "unresponsive" and gets no new work
   */
  public ClusterView(Clock clock, Duration staleAfter, Listener listener) {
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.forgetAfter = staleAfter.multipliedBy(10);
    this.listener = listener == null ? new Listener() {} : listener;
  }

  /** Starts listening to announcements and membership, and asks every node to announce itself now. */
  public Future<Void> follow(Vertx vertx, String self) {
    ClusterManager cluster = vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
    if (cluster != null) member = id -> cluster.getNodes().contains(id);
    var bus = vertx.eventBus();
    return Future.all(
            bus.<JsonObject>consumer(GridAddresses.NODE_STATUS, m -> update(NodeStatus.fromJson(m.body()))).completion(),
            bus.<JsonObject>localConsumer(GridAddresses.MEMBER_LEFT, m -> memberLeft(m.body().getString("clusterId"))).completion())
        .<Void>mapEmpty()
        .andThen(v -> {
          bus.publish(GridAddresses.HELLO, new JsonObject().put("node", self));
          vertx.setPeriodic(staleAfter.toMillis(), t -> forgetSilent());
        });
  }

  /**
   * Takes a node's announcement. One from a node the cluster no longer counts as a member is ignored: a node that
   * froze past the heartbeat timeout and woke up still talks, but it was declared dead and its work given away; it
   * gets none until it is a member again.
   */
  public void update(NodeStatus s) {
    if (!member.test(s.clusterId())) return;
    Entry e = nodes.get(s.node());
    boolean isNew = e == null;
    NodeStatus old = isNew ? null : e.status;
    if (isNew) {
      e = new Entry();
      nodes.put(s.node(), e);
    }
    e.status = s;
    e.lastSeen = clock.instant();
    if (isNew) listener.joined(e);
    listener.announced(e, old);
  }

  /** Whether {@code b} offers other work than {@code a}: other capabilities or slots, or it started or stopped accepting. */
  public static boolean offerDiffers(NodeStatus a, NodeStatus b) {
    if (a == null) return true;
    if ((a.runner() == null) != (b.runner() == null)) return true;
    if (a.runner() == null) return false;
    return a.runner().accepting() != b.runner().accepting() || a.runner().slots() != b.runner().slots()
        || !a.runner().names().equals(b.runner().names()) || !a.clusterId().equals(b.clusterId());
  }

  /** The member {@code clusterId} left the cluster: drop the node it was (unless that node came back as another member). */
  public void memberLeft(String clusterId) {
    for (var it = nodes.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.status.clusterId().equals(clusterId)) {
        it.remove();
        listener.left(e, "left the cluster");
      }
    }
  }

  /** Without a membership event (no cluster manager, or one that missed it), a node silent for long is forgotten. */
  private void forgetSilent() {
    Instant cutoff = clock.instant().minus(forgetAfter);
    for (var it = nodes.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.lastSeen.isBefore(cutoff)) {
        it.remove();
        listener.left(e, "silent for " + Duration.between(e.lastSeen, clock.instant()).toSeconds() + " s");
      }
    }
  }

  public boolean responsive(Entry e) {
    return !e.lastSeen.isBefore(clock.instant().minus(staleAfter));
  }

  public String health(Entry e) {
    return responsive(e) ? "up" : "unresponsive";
  }

  /** Every known node, by id. */
  public List<Entry> nodes() {
    List<Entry> out = new ArrayList<>(nodes.values());
    out.sort(Comparator.comparing(e -> e.status.node()));
    return out;
  }

  public Entry get(String node) {
    return nodes.get(node);
  }

  /** Nodes with a runner that answers: the ones work may be given to. */
  public List<NodeStatus> liveRunners() {
    List<NodeStatus> out = new ArrayList<>();
    for (Entry e : nodes.values()) if (e.status.runner() != null && responsive(e)) out.add(e.status);
    return out;
  }
}
