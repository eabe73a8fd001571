package io.robogrid.robots;

import io.robogrid.workflow.Workflow;
import io.vertx.core.json.JsonObject;

/**
 * A named workflow with its policy, as an operator defined it in {@code conf/robots.json} or {@code conf/robots.d/}.
 *
 * @param schedule when it runs by itself, or null
 * @param requiresApproval its jobs wait for a person's approval before anything of them runs
 * @param approvalTimeout a job not approved within this is rejected; null: it waits as long as it takes
 * @param notifyRules who hears about its jobs; null: the node-wide default rules
 */
public record Robot(String name, String description, Workflow workflow, String source, Schedule schedule, boolean requiresApproval,
                    java.time.Duration approvalTimeout, io.robogrid.notifier.NotifyRules notifyRules) {

  public JsonObject toJson() {
    JsonObject j = workflow.toJson().put("name", name).put("description", description).put("source", source);
    if (schedule != null) j.put("schedule", schedule.toJson());
    if (requiresApproval) j.put("requiresApproval", true);
    if (approvalTimeout != null) j.put("approvalTimeout", io.robogrid.core.Durations.format(approvalTimeout));
    if (notifyRules != null) j.put("notify", notifyRules.toJson());
    return j;
  }
}
