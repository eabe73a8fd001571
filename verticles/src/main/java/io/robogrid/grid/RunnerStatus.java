package io.robogrid.grid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner part of a node's announcement: its job slots and, per capability, how many of its running jobs use it.
 *
 * @param capabilities every offered capability with its use; {@code total} 0 means "bounded by the job slots only"
 * @param assignments how many assignments the runner has answered (taken or refused) since it started
 */
public record RunnerStatus(boolean accepting, int slots, int running, List<Use> capabilities, long assignments) {

  public record Use(String name, int total, int used) {
    public boolean limited() {
      return total > 0;
    }
  }

  /** A runner that is not yet taking work: what a runner node announces before its runner is ready. */
  public static RunnerStatus starting(List<Capability> capabilities, int slots) {
    return new RunnerStatus(false, slots, 0, capabilities.stream().map(c -> new Use(c.name(), c.slots(), 0)).toList(), 0);
  }

  /** Job slots free for new work. */
  public int free() {
    return accepting ? Math.max(0, slots - running) : 0;
  }

  public List<String> names() {
    return capabilities.stream().map(Use::name).toList();
  }

  public Use use(String name) {
    for (Use u : capabilities) if (u.name().equals(name)) return u;
    return null;
  }

  public JsonObject toJson() {
    JsonArray caps = new JsonArray();
    for (Use u : capabilities) {
      JsonObject c = new JsonObject().put("name", u.name()).put("used", u.used());
      if (u.limited()) c.put("total", u.total()).put("free", Math.max(0, u.total() - u.used()));
      caps.add(c);
    }
    return new JsonObject().put("accepting", accepting).put("slots", new JsonObject().put("total", slots).put("free", free()))
        .put("running", running).put("capabilities", caps).put("assignments", assignments);
  }

  public static RunnerStatus fromJson(JsonObject j) {
    List<Use> uses = new ArrayList<>();
    for (Object o : j.getJsonArray("capabilities", new JsonArray())) {
      JsonObject c = (JsonObject) o;
      uses.add(new Use(c.getString("name"), c.getInteger("total", 0), c.getInteger("used", 0)));
    }
    return new RunnerStatus(j.getBoolean("accepting", false), j.getJsonObject("slots", new JsonObject()).getInteger("total", 0),
        j.getInteger("running", 0), List.copyOf(uses), j.getLong("assignments", 0L));
  }
}
