package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A runner frozen in the middle of a job, whose attempt was given to another node meanwhile, does not do the job's
 * next step when it wakes. Found by {@code scripts/chaos runner-freeze}: the woken runner's timers were all due at
 * once, so the step after the one it froze in started before the answer to its first heartbeat could tell it the
 * attempt was no longer its own, and the job's side effect happened twice (once on each node).
 */
class FrozenRunnerSideEffectTest {
  @Test
  void aWokenRunnerDoesNotStartTheNextStepOfAnAttemptItLost() throws Exception {
    List<String> hits = new CopyOnWriteArrayList<>();
    HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    site.createContext("/effect", ex -> {
      hits.add(ex.getRequestURI().getQuery());
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    site.start();
    try (TestCluster cluster = new TestCluster(null)) {
      NodeProcess hub = cluster.node("coordinator,router,web", null).start();
      NodeProcess a = cluster.node("runner", "http").start();
      NodeProcess b = cluster.node("runner", "http").start();
      Api api = new Api(hub.url());
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (api.get("/api/v1/cluster").getJsonArray("nodes").size() < 3 && System.nanoTime() < until) Thread.sleep(100);

      String url = "http://127.0.0.1:" + site.getAddress().getPort() + "/effect?node=${env:ROBOGRID_NODE_ID}";
      JsonObject workflow = new JsonObject().put("retry", new JsonObject().put("maxAttempts", 2).put("backoff", "100ms")).put("steps", new JsonArray()
          .add(new JsonObject().put("id", "nap").put("type", "wait").put("with", new JsonObject().put("duration", "3s")))
          .add(new JsonObject().put("id", "effect").put("type", "http").put("needs", new JsonArray().add("nap")).put("with", new JsonObject().put("url", url))));
      String id = api.post("/api/v1/jobs", new JsonObject().put("workflow", workflow)).getString("id");
      JsonObject running = api.awaitState(id, Duration.ofSeconds(20), "RUNNING");
      NodeProcess frozen = running.getString("node").equals(a.nodeId()) ? a : b;
      NodeProcess other = frozen == a ? b : a;

      frozen.freeze(); // in the 3 s nap: the side effect is the step after it
      JsonObject done = api.awaitState(id, Duration.ofSeconds(40), "SUCCEEDED", "FAILED");
      assertEquals("SUCCEEDED", done.getString("state"), done.encodePrettily());
      assertEquals(other.nodeId(), done.getString("node"));
      frozen.thaw();
      Thread.sleep(5000); // the woken node's timers fire now; before the fix its http step ran here

      assertEquals(List.of("node=" + other.nodeId()), hits, "the job's side effect, by node");
    } finally {
      site.stop(0);
    }
  }
}
