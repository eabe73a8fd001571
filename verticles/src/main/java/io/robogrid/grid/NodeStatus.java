package io.robogrid.grid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What a node announces about itself on {@link GridAddresses#NODE_STATUS}: every few seconds, when it is asked to,
 * and (for a runner) whenever its load changes.
 *
 * @param clusterId the node's member id in the cluster, which membership events name
 * @param load process and machine load: {@code cpus}, {@code systemLoad}, {@code processCpu}, {@code heapUsedMb}, {@code heapMaxMb}
 * @param runner its runner's state, or null when the node has no runner role
 */
public record NodeStatus(String node, String clusterId, String host, List<String> roles, String version, Instant startedAt,
                         Instant joinedAt, Instant at, JsonObject load, RunnerStatus runner) {

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("clusterId", clusterId).put("host", host).put("roles", new JsonArray(roles))
        .put("version", version).put("startedAt", startedAt.toString()).put("joinedAt", joinedAt.toString()).put("at", at.toString())
        .put("load", load).put("runner", runner == null ? null : runner.toJson());
  }

  public static NodeStatus fromJson(JsonObject j) {
    JsonObject r = j.getJsonObject("runner");
    return new NodeStatus(j.getString("node"), j.getString("clusterId"), j.getString("host"),
        j.getJsonArray("roles", new JsonArray()).stream().map(String::valueOf).toList(), j.getString("version"),
        Instant.parse(j.getString("startedAt")), Instant.parse(j.getString("joinedAt")), Instant.parse(j.getString("at")),
        j.getJsonObject("load", new JsonObject()), r == null ? null : RunnerStatus.fromJson(r));
  }
}
