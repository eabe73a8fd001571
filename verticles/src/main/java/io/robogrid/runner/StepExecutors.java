package io.robogrid.runner;

import io.robogrid.runner.desktop.DesktopOptions;
import io.robogrid.runner.steps.BrowserStep;
import io.robogrid.runner.steps.DesktopStep;
import io.robogrid.runner.steps.FailStep;
import io.robogrid.runner.steps.HttpStep;
import io.robogrid.runner.steps.LogStep;
import io.robogrid.runner.steps.SetStep;
import io.robogrid.runner.steps.WaitStep;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/** The executor of each step type a runner can run; it must cover every type of the {@link StepCatalog}. */
public final class StepExecutors {
  private final Map<String, StepExecutor> byType;

  public StepExecutors(Map<String, StepExecutor> byType) {
    this.byType = Map.copyOf(byType);
  }

  public StepExecutor get(String type) {
    return byType.get(type);
  }

  public java.util.Set<String> types() {
    return byType.keySet();
  }

  /** @param node this runner's node id: where agents' news about its {@code agent} steps is sent */
  public static StepExecutors builtIn(Vertx vertx, String node, String userAgent, DesktopOptions desktop) {
    return builtIn(vertx, node, userAgent, desktop, io.robogrid.runner.goal.GoalOptions.fromJson(null));
  }

  /** @param goal the settings of goal runs ({@code runner.goal}) */
  public static StepExecutors builtIn(Vertx vertx, String node, String userAgent, DesktopOptions desktop, io.robogrid.runner.goal.GoalOptions goal) {
    WebClient http = WebClient.create(vertx, new WebClientOptions().setUserAgent(userAgent).setFollowRedirects(true));
    Map<String, StepExecutor> m = new LinkedHashMap<>();
    m.put("log", new LogStep());
    m.put("wait", new WaitStep());
    m.put("set", new SetStep());
    m.put("fail", new FailStep());
    m.put("http", new HttpStep(http));
    m.put("agent", new io.robogrid.runner.steps.AgentStep(node));
    for (BrowserStep.Action a : BrowserStep.Action.values()) m.put(a.type, new BrowserStep(a));
    for (DesktopStep.Action a : DesktopStep.Action.values()) m.put(a.type, new DesktopStep(a, desktop));
    m.put(io.robogrid.runner.goal.GoalStep.TYPE, new io.robogrid.runner.goal.GoalStep(goal, io.robogrid.runner.goal.GoalModels.from(goal)));
    return new StepExecutors(m);
  }
}
