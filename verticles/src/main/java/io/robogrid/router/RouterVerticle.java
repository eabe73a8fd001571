package io.robogrid.router;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;

/** Wiring of the router role: keeps the {@link RunnerDirectory} current from runner announcements and answers placement requests. */
public final class RouterVerticle extends VerticleBase {
  private final RunnerDirectory directory;

  public RouterVerticle(Clock clock, Duration runnerExpiry) {
    this.directory = new RunnerDirectory(clock, runnerExpiry);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(RouterAddresses.RUNNER_STATUS, m -> directory.update(RunnerStatus.fromJson(m.body()))).completion(),
        bus.<JsonObject>consumer(RouterAddresses.OFFER, this::offer).completion(),
        bus.<JsonObject>consumer(RouterAddresses.ASSIGN, this::assign).completion());
  }

  private void offer(Message<JsonObject> m) {
    JsonArray groups = new JsonArray();
    directory.offer().forEach(o -> groups.add(new JsonObject().put("free", o.free()).put("capabilities", new JsonArray(o.capabilities()))));
    m.reply(new JsonObject().put("groups", groups));
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
