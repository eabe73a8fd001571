package io.robogrid.web;

import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.robogrid.router.RunnerDirectory;
import io.robogrid.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code GET /api/v1/cluster}: the nodes as this web node sees them (every node announces itself to all), with the
 * leases, queue depths and agents from the database; and the {@code waitingFor} reason of a queued job.
 */
final class ClusterApi {
  private final ClusterView view;
  private final JobStore store;
  private final String self;
  /** The router's own placement rule over this node's view (it makes no promises here): "busy" means what it means there. */
  private final RunnerDirectory placement;

  /** The agents seen lately, with their capabilities and claims. */
  private final java.util.function.Supplier<Future<JsonArray>> agents;

  ClusterApi(ClusterView view, JobStore store, String self, Clock clock, java.util.function.Supplier<Future<JsonArray>> agents) {
    this.agents = agents;
    this.view = view;
    this.placement = new RunnerDirectory(view, clock);
    this.store = store;
    this.self = self;
  }

  Future<JsonObject> cluster() {
    Future<io.robogrid.store.GridReads.GridSnapshot> grid = store.grid().gridSnapshot();
    Future<JsonArray> seen = agents.get();
    return Future.all(grid, seen).map(v -> {
      JsonArray nodes = new JsonArray();
      for (ClusterView.Entry e : view.nodes()) {
        NodeStatus s = e.status();
        JsonObject n = new JsonObject().put("id", s.node()).put("host", s.host()).put("roles", new JsonArray(s.roles()))
            .put("health", view.health(e)).put("version", s.version()).put("startedAt", s.startedAt().toString())
            .put("joinedAt", s.joinedAt().toString()).put("lastSeen", e.lastSeen().toString()).put("load", s.load());
        if (s.runner() != null) {
          JsonObject runner = s.runner().toJson();
          runner.put("jobs", new JsonArray(grid.result().activeByNode().getOrDefault(s.node(), List.of()).stream().map(UUID::toString).toList()));
          n.put("runner", runner);
        }
        nodes.add(n);
      }
      return new JsonObject().put("self", self).put("nodes", nodes).put("leases", grid.result().leases()).put("queue", grid.result().queueDepth())
          .put("agents", seen.result());
    });
  }

  /**
   * Why a queued job has not started: no live runner offers what it requires, or every runner that does is busy.
   * Null for a job in another state. Adds {@code waitingFor} to the job's JSON and returns it.
   */
  JsonObject withWaitingFor(JsonObject job) {
    if (!"QUEUED".equals(job.getString("state"))) return job;
    List<String> requires = job.getJsonArray("requires", new JsonArray()).stream().map(String::valueOf).toList();
    List<NodeStatus> runners = view.liveRunners();
    TreeSet<String> offered = new TreeSet<>();
    runners.forEach(r -> offered.addAll(r.runner().names()));
    List<String> missing = requires.stream().filter(r -> !offered.contains(r)).sorted().toList();
    JsonObject w = new JsonObject().put("capabilities", new JsonArray(requires));
    if (runners.isEmpty()) {
      w.put("reason", "NO_RUNNER").put("message", "no runner node is live");
    } else if (!missing.isEmpty()) {
      w.put("reason", "NO_CAPABLE_RUNNER").put("missing", new JsonArray(missing))
          .put("message", "no live runner offers " + String.join(", ", missing) + "; the job starts when one joins");
    } else {
      List<NodeStatus> capable = placement.capable(requires);
      if (capable.isEmpty()) {
        w.put("reason", "NO_CAPABLE_RUNNER").put("message", "no single live runner offers all of " + String.join(", ", requires));
      } else if (!placement.hasRoom(requires)) {
        w.put("reason", "BUSY").put("message", "every runner that offers " + (requires.isEmpty() ? "what it needs" : String.join(", ", requires))
            + " is busy").put("nodes", new JsonArray(capable.stream().map(NodeStatus::node).toList()));
      } else {
        w.put("reason", "DISPATCHING").put("message", "a capable runner has room; the job is about to be dispatched");
      }
    }
    return job.put("waitingFor", w);
  }
}
