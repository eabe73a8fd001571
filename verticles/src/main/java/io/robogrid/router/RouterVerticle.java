package io.robogrid.router;

import io.robogrid.grid.ClusterView;
import io.robogrid.grid.NodeStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;

/** Wiring of the router role: follows the grid's announcements in a {@link RunnerDirectory} and answers placement requests. */
public final class RouterVerticle extends VerticleBase {
  private final Clock clock;
  private final Duration staleAfter;
  private final String self;
  private RunnerDirectory directory;

  /** @param staleAfter a runner not heard from for this long gets no work */
  public RouterVerticle(Clock clock, Duration staleAfter, String self) {
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.self = self;
  }

  @Override
  public Future<?> start() {
    ClusterView view = new ClusterView(clock, staleAfter, new ClusterView.Listener() {
      @Override
      public void announced(ClusterView.Entry node, NodeStatus previous) {
        directory.announced(node.status());
      }

      @Override
      public void left(ClusterView.Entry node, String why) {
        directory.forget(node.status().node());
      }
    });
    directory = new RunnerDirectory(view, clock);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(RouterAddresses.OFFER, this::offer).completion(),
        bus.<JsonObject>consumer(RouterAddresses.ASSIGN, this::assign).completion(),
        view.follow(vertx, self));
  }

  private void offer(Message<JsonObject> m) {
    JsonArray groups = new JsonArray();
    directory.offer().forEach(o -> groups.add(new JsonObject().put("free", o.free()).put("capabilities", new JsonArray(o.capabilities()))
        .put("needs", o.needs())));
    m.reply(new JsonObject().put("groups", groups).put("exhausted", directory.exhausted()));
  }

  private void assign(Message<JsonObject> m) {
    JsonObject nodes = new JsonObject();
    for (Object o : m.body().getJsonArray("jobs", new JsonArray())) {
      JsonObject job = (JsonObject) o;
      String node = directory.place(job.getJsonArray("requires", new JsonArray()).stream().map(String::valueOf).toList());
      if (node != null) nodes.put(job.getString("jobId"), node);
    }
    m.reply(new JsonObject().put("nodes", nodes));
  }
}
