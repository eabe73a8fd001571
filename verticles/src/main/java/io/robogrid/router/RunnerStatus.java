package io.robogrid.router;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** What a runner node announces about itself: its capabilities and how many of its slots are free. */
public record RunnerStatus(String node, List<String> capabilities, int slots, int running, boolean accepting, Instant startedAt,
                           String version, Instant at) {

  public int free() {
    return accepting ? Math.max(0, slots - running) : 0;
  }

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("capabilities", new JsonArray(capabilities)).put("slots", slots)
        .put("running", running).put("free", free()).put("accepting", accepting).put("startedAt", startedAt.toString())
        .put("version", version).put("at", at.toString());
  }

  public static RunnerStatus fromJson(JsonObject j) {
    return new RunnerStatus(j.getString("node"), j.getJsonArray("capabilities", new JsonArray()).stream().map(String::valueOf).toList(),
        j.getInteger("slots", 0), j.getInteger("running", 0), j.getBoolean("accepting", true), Instant.parse(j.getString("startedAt")),
        j.getString("version"), Instant.parse(j.getString("at")));
  }
}
