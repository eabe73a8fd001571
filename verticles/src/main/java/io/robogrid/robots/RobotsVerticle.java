package io.robogrid.robots;

import io.robogrid.core.RoboGridException;
import io.robogrid.workflow.StepCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's robots, from its own {@code conf/robots.json} and {@code conf/robots.d/}, and their reload without a
 * restart. A reload asked of any node ({@code POST /config/reload}, {@code robogrid reload}, SIGHUP) is published to
 * every node; each re-reads its files and answers. A node whose files have a problem keeps the robots it runs with and
 * says which file and field are wrong.
 */
public final class RobotsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RobotsVerticle.class);
  /** Published: every node reloads and answers to the message's {@code replyTo}. */
  public static final String RELOAD = "robogrid.robots.reload";
  /** Local to each node: reload the whole grid and answer what every node said. */
  public static final String RELOAD_GRID = "robogrid.robots.reload-grid";
  /** How long to wait for a member that does not answer (one that died and is not yet out of the cluster view). */
  private static final long MAX_WAIT_MS = 5_000;

  private final String node;
  private final Path confDir;
  private final StepCatalog steps;
  private final AtomicReference<RobotCatalog> current;

  public RobotsVerticle(String node, Path confDir, StepCatalog steps, RobotCatalog loaded) {
    this.node = node;
    this.confDir = confDir;
    this.steps = steps;
    this.current = new AtomicReference<>(loaded);
  }

  /** The robots as they are now: what the other roles read at each use, so that a reload is seen at once. */
  public Supplier<RobotCatalog> robots() {
    return current::get;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(RELOAD, msg -> bus.send(msg.body().getString("replyTo"), reloadHere())).completion(),
        bus.<JsonObject>localConsumer(RELOAD_GRID, msg -> reloadGrid().onComplete(ar -> msg.reply(ar.result()))).completion());
  }

  /** Re-reads this node's files: {@code {node, ok, robots}} or {@code {node, ok: false, problems}} with the old robots kept. */
  JsonObject reloadHere() {
    JsonObject answer = new JsonObject().put("node", node);
    try {
      RobotCatalog fresh = RobotCatalog.load(confDir, steps);
      current.set(fresh);
      log.info("robots reloaded: {} robots", fresh.all().size());
      return answer.put("ok", true).put("robots", fresh.all().size());
    } catch (RoboGridException e) {
      log.warn("robots not reloaded, the running ones stay: {}", e.getMessage());
      return answer.put("ok", false).put("problems", e.getMessage()).put("robots", current.get().all().size());
    } catch (RuntimeException e) {
      log.warn("robots not reloaded, the running ones stay: {}", e.toString());
      return answer.put("ok", false).put("problems", String.valueOf(e.getMessage())).put("robots", current.get().all().size());
    }
  }

  /**
   * Asks every node to reload; answers {@code {ok, nodes: [...]}} once every member of the cluster answered, or after
   * {@link #MAX_WAIT_MS} with the answers that came. Never fails. (Not "when answers stop coming": a node busy
   * starting up can answer a second after the others.)
   */
  public Future<JsonObject> reloadGrid() {
    String replyTo = "robogrid.robots.reload.reply." + UUID.randomUUID();
    JsonArray nodes = new JsonArray();
    Promise<JsonObject> done = Promise.promise();
    int members = vertx instanceof VertxInternal vi && vi.clusterManager() != null ? vi.clusterManager().getNodes().size() : 1;
    MessageConsumer<JsonObject> answers = vertx.eventBus().consumer(replyTo);
    Runnable finish = () -> {
      answers.unregister();
      boolean ok = nodes.stream().allMatch(n -> ((JsonObject) n).getBoolean("ok", false));
      done.tryComplete(new JsonObject().put("ok", ok).put("nodes", nodes));
    };
    answers.handler(msg -> {
      nodes.add(msg.body());
      if (nodes.size() >= members) finish.run();
    });
    long max = vertx.setTimer(MAX_WAIT_MS, t -> finish.run());
    answers.completion().onComplete(ar -> vertx.eventBus().publish(RELOAD, new JsonObject().put("replyTo", replyTo)));
    return done.future().andThen(ar -> vertx.cancelTimer(max));
  }
}
