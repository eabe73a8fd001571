package io.robogrid.robots;

import io.robogrid.workflow.Workflow;
import io.vertx.core.json.JsonObject;

/** A named workflow with its policy, as an operator defined it in {@code conf/robots.json} or {@code conf/robots.d/}. */
public record Robot(String name, String description, Workflow workflow, String source) {

  public JsonObject toJson() {
    return workflow.toJson().put("name", name).put("description", description).put("source", source);
  }
}
