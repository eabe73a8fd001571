package io.robogrid.robots;

import io.robogrid.workflow.Workflow;
import io.vertx.core.json.JsonObject;

/**
 * A named workflow with its policy, as an operator defined it in {@code conf/robots.json} or {@code conf/robots.d/}.
 *
 * @param schedule when it runs by itself, or null
 */
public record Robot(String name, String description, Workflow workflow, String source, Schedule schedule) {

  public JsonObject toJson() {
    JsonObject j = workflow.toJson().put("name", name).put("description", description).put("source", source);
    if (schedule != null) j.put("schedule", schedule.toJson());
    return j;
  }
}
