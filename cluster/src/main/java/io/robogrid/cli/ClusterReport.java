package io.robogrid.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code status --cluster} as text: the nodes, the leases held, the agents seen lately, and how much work waits, overall and per capability. */
final class ClusterReport {
  private ClusterReport() {}

  static void print(JsonObject grid, PrintWriter out) {
    Table nodes = new Table("NODE", "HOST", "ROLES", "HEALTH", "SLOTS FREE", "CAPABILITIES", "RUNNING", "JOINED", "LOAD");
    for (Object o : grid.getJsonArray("nodes", new JsonArray())) {
      JsonObject n = (JsonObject) o;
      JsonObject runner = n.getJsonObject("runner");
      String slots = null, caps = null, running = null;
      if (runner != null) {
        JsonObject s = runner.getJsonObject("slots", new JsonObject());
        slots = s.getValue("free") + "/" + s.getValue("total");
        caps = Table.joined(capabilities(runner));
        running = Integer.toString(runner.getJsonArray("jobs", new JsonArray()).size());
        if (!runner.getBoolean("accepting", true)) slots += "(draining)";
      }
      JsonObject load = n.getJsonObject("load", new JsonObject());
      nodes.row(n.getString("id"), n.getString("host"), Table.joined(n.getJsonArray("roles", new JsonArray())), n.getString("health"),
          slots, caps, running, JobReport.time(n.getString("joinedAt")), load.getValue("systemLoad"));
    }
    nodes.print(out);

    JsonArray held = grid.getJsonArray("leases", new JsonArray());
    out.println();
    if (held.isEmpty()) {
      out.println("no leases held");
    } else {
      Table leases = new Table("LEASE", "NODE", "JOB", "ATTEMPT", "SINCE");
      for (Object o : held) {
        JsonObject l = (JsonObject) o;
        leases.row(l.getString("resource"), l.getString("node"), l.getString("jobId"), l.getValue("attempt"), JobReport.time(l.getString("since")));
      }
      leases.print(out);
    }

    JsonArray agents = grid.getJsonArray("agents", new JsonArray());
    if (!agents.isEmpty()) {
      out.println();
      Table t = new Table("AGENT", "CAPABILITIES", "CONNECTED", "LAST SEEN", "WORKING ON");
      for (Object o : agents) {
        JsonObject a = (JsonObject) o;
        List<String> work = new ArrayList<>();
        for (Object w : a.getJsonArray("work", new JsonArray())) {
          JsonObject piece = (JsonObject) w;
          work.add(piece.getString("jobId") + "/" + piece.getString("step") + "#" + piece.getValue("attempt"));
        }
        t.row(a.getString("id"), Table.joined(a.getJsonArray("capabilities", new JsonArray())), a.getBoolean("connected", false) ? "yes" : "no",
            JobReport.time(a.getString("lastSeen")), work.isEmpty() ? null : String.join(", ", work));
      }
      t.print(out);
    }

    JsonObject queue = grid.getJsonObject("queue", new JsonObject());
    out.println();
    Table depth = new Table("STATE", "JOBS");
    // counts stop at a limit: past it the figure is "at least" (queue.capped)
    JsonObject capped = queue.getJsonObject("capped", new JsonObject());
    queue.getJsonObject("byState", new JsonObject()).forEach(e -> depth.row(e.getKey(), atLeast(e, capped.getJsonArray("byState"))));
    depth.print(out);
    JsonObject byCap = queue.getJsonObject("queuedByCapability", new JsonObject());
    if (!byCap.isEmpty()) {
      out.println();
      Table caps = new Table("QUEUED NEEDING", "JOBS");
      byCap.forEach(e -> caps.row(e.getKey(), atLeast(e, capped.getJsonArray("queuedByCapability"))));
      caps.print(out);
    }
  }

  private static String atLeast(java.util.Map.Entry<String, Object> count, JsonArray cappedKeys) {
    return count.getValue() + (cappedKeys != null && cappedKeys.contains(count.getKey()) ? "+" : "");
  }

  /** {@code http}, {@code browser(1/4)}: limited capabilities with their free/total slots. */
  private static List<String> capabilities(JsonObject runner) {
    List<String> out = new ArrayList<>();
    for (Object o : runner.getJsonArray("capabilities", new JsonArray())) {
      JsonObject c = (JsonObject) o;
      out.add(c.containsKey("total") ? c.getString("name") + "(" + c.getValue("free") + "/" + c.getValue("total") + ")" : c.getString("name"));
    }
    return out;
  }
}
