package io.robogrid.runner.goal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The actions that reached a goal on a site, as the path cache keeps them: each action with how to recognise its
 * element on a later visit (stable selector, role, name, label) and which data key it typed. Never a typed value that
 * came from the data, so a cached path holds no secret.
 *
 * @param firstRunMs how long the run that found the path took: what a replay saves is measured against it
 */
public record GoalPath(String site, String goalKey, List<JsonObject> steps, int successes, long firstRunMs, String updatedAt) {

  public static GoalPath fromJson(JsonObject j) {
    List<JsonObject> steps = new ArrayList<>();
    j.getJsonArray("steps", new JsonArray()).forEach(s -> steps.add((JsonObject) s));
    return new GoalPath(j.getString("site"), j.getString("goalKey"), List.copyOf(steps), j.getInteger("successes", 0),
        j.getLong("firstRunMs", 0L), j.getString("updatedAt"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("site", site).put("goalKey", goalKey).put("steps", new JsonArray(new ArrayList<>(steps)))
        .put("successes", successes).put("firstRunMs", firstRunMs).put("updatedAt", updatedAt);
  }

  /** One action as the cache keeps it. */
  static JsonObject step(Decision d) {
    JsonObject s = new JsonObject().put("action", d.action().label());
    if (d.target() != null) s.put("target", d.target().identity());
    if (d.dataKey() != null) s.put("dataKey", d.dataKey());
    if (d.value() != null) s.put("value", d.value());
    if (d.key() != null) s.put("key", d.key());
    if (d.url() != null) s.put("url", d.url());
    return s;
  }
}
