package io.robogrid.runner;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One attempt of a job handed to a runner: everything it needs, so that a runner needs no database.
 *
 * @param paths the path cache's choices for this robot (site, step, selector), for its browser steps
 * @param secrets the secrets its workflow refers to, sealed (ciphertext only: the runner decrypts one when a step uses it)
 * @param carried the outputs of the steps that succeeded before the job was paused, by step id: not run again
 */
public record Assignment(UUID jobId, int attempt, String robot, JsonObject workflow, JsonObject input, JsonArray paths, JsonObject secrets,
                         JsonObject carried) {

  public JsonObject toJson() {
    return new JsonObject().put("jobId", jobId.toString()).put("attempt", attempt).put("robot", robot)
        .put("workflow", workflow).put("input", input).put("paths", paths).put("secrets", secrets).put("carried", carried);
  }

  public static Assignment fromJson(JsonObject j) {
    return new Assignment(UUID.fromString(j.getString("jobId")), j.getInteger("attempt"), j.getString("robot"),
        j.getJsonObject("workflow"), j.getJsonObject("input", new JsonObject()),
        j.getJsonArray("paths", new JsonArray()), j.getJsonObject("secrets", new JsonObject()), j.getJsonObject("carried", new JsonObject()));
  }
}
