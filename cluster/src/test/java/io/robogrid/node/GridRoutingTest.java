package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.cli.RoboGridCli;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nodes in separate JVMs on loopback form one grid: a hub (coordinator, router, web) and runner nodes that need no
 * database. Work goes only where its capabilities are offered, a desktop is driven by one job at a time however many
 * nodes reach it, and a job waiting for a capability nobody offers starts when a node that offers it joins.
 */
class GridRoutingTest {
  static final String ROBOTS = """
      {"robots": [
        {"name": "desk", "requires": ["desktop:desk1"], "steps": [
          {"id": "point", "type": "desktop.move", "with": {"x": 100, "y": 100}},
          {"id": "drive", "type": "wait", "needs": ["point"], "with": {"duration": "${input.duration:-300ms}"}},
          {"id": "look", "type": "desktop.screenshot", "needs": ["drive"], "with": {"name": "desk"}}]},
        {"name": "crm", "requires": ["agent:crm"], "steps": [{"id": "talk", "type": "log", "with": {"message": "hello crm"}}]}
      ]}""";

  private static TestCluster cluster;
  private static NodeProcess hub, plain, deskA, deskB;
  /** desk1: one real X display both desktop nodes reach. */
  private static io.robogrid.testing.Xvfb desk1;
  private static Api api;

  @BeforeAll
  static void startGrid() throws Exception {
    cluster = new TestCluster(ROBOTS);
    hub = cluster.node("coordinator,router,web", null).start();
    plain = cluster.node("runner", "http");
    desk1 = io.robogrid.testing.Xvfb.start(800, 600);
    deskA = cluster.node("runner", "http").env("ROBOGRID_DESKTOPS", "desk1=" + desk1.display);
    deskB = cluster.node("runner", "desktop:desk1").env("ROBOGRID_DESKTOPS", "desk1=" + desk1.display);
    ExecutorService starter = Executors.newFixedThreadPool(3);
    List<Future<NodeProcess>> started = new ArrayList<>();
    for (NodeProcess n : List.of(plain, deskA, deskB)) started.add(starter.submit(n::start));
    for (Future<NodeProcess> f : started) f.get();
    starter.shutdown();
    api = new Api(hub.url());
    awaitNodes(4);
  }

  @AfterAll
  static void stopGrid() throws Exception {
    if (cluster != null) cluster.close();
    if (desk1 != null) desk1.close();
  }

  private static JsonObject awaitNodes(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject grid;
    do {
      grid = api.get("/api/v1/cluster");
      if (grid.getJsonArray("nodes").size() == count) return grid;
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("expected " + count + " nodes: " + grid.encodePrettily());
  }

  private static JsonObject node(JsonObject grid, String id) {
    return grid.getJsonArray("nodes").stream().map(JsonObject.class::cast).filter(n -> id.equals(n.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id + " in " + grid.encodePrettily()));
  }

  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--url", hub.url(), "--token", NodeProcess.ADMIN_TOKEN));
    all.addAll(List.of(args));
    int exit = RoboGridCli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<String> submit(String robot, JsonObject input, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) ids.add(api.post("/api/v1/jobs", new JsonObject().put("robot", robot).put("input", input)).getString("id"));
    return ids;
  }

  private static Map<String, JsonObject> awaitAll(List<String> ids, Duration within) throws Exception {
    Map<String, JsonObject> done = new java.util.LinkedHashMap<>();
    for (String id : ids) done.put(id, api.awaitState(id, within, "SUCCEEDED", "FAILED", "CANCELLED"));
    for (JsonObject j : done.values()) assertEquals("SUCCEEDED", j.getString("state"), j.encodePrettily());
    return done;
  }

  private static List<JsonObject> events(String id, String type) throws Exception {
    return api.get("/api/v1/jobs/" + id + "/events").getJsonArray("events").stream().map(JsonObject.class::cast)
        .filter(e -> type.equals(e.getString("type"))).toList();
  }

  @Test
  void everyNodeAnnouncesItsRolesCapabilitiesAndSlots() throws Exception {
    JsonObject grid = awaitNodes(4);
    JsonObject h = node(grid, hub.nodeId());
    assertEquals(new JsonArray(List.of("coordinator", "router", "web")), h.getJsonArray("roles"));
    assertTrue(!h.containsKey("runner") || h.getValue("runner") == null, h.encode());
    JsonObject a = node(grid, deskA.nodeId());
    assertEquals("up", a.getString("health"));
    assertEquals(new JsonArray(List.of("runner")), a.getJsonArray("roles"));
    assertEquals(4, a.getJsonObject("runner").getJsonObject("slots").getInteger("total"));
    JsonObject desk = a.getJsonObject("runner").getJsonArray("capabilities").stream().map(JsonObject.class::cast)
        .filter(c -> "desktop:desk1".equals(c.getString("name"))).findFirst().orElseThrow();
    assertEquals(1, desk.getInteger("total"));
    assertNotNull(Instant.parse(a.getString("joinedAt")));
    assertTrue(a.getJsonObject("load").getInteger("cpus") > 0, a.encode());
    assertTrue(grid.getJsonObject("queue").getJsonObject("byState").containsKey("QUEUED"), grid.encode());

    String text = cli("status", "--cluster");
    assertTrue(text.contains(deskB.nodeId()) && text.contains("desktop:desk1(1/1)") && text.contains(hub.nodeId()), text);
    assertTrue(text.contains("coordinator,router,web"), text);
  }

  @Test
  void jobsRunOnlyOnNodesThatOfferWhatTheyRequire() throws Exception {
    List<String> desk = submit("desk", new JsonObject().put("duration", "100ms"), 4);
    // an http step implies the http capability: deskB does not offer it. Each job then holds its slot 2 s, so that
    // the six overlap and the router has load to spread (six quick pings could each end before the next dispatch)
    JsonObject httpJob = new JsonObject().put("workflow", new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("id", "ping").put("type", "http").put("with", new JsonObject().put("url", hub.url() + "/health")))
        .add(new JsonObject().put("id", "hold").put("type", "wait").put("with", new JsonObject().put("duration", "2s"))
            .put("needs", new JsonArray().add("ping")))));
    List<String> http = new ArrayList<>();
    for (int i = 0; i < 6; i++) http.add(api.post("/api/v1/jobs", httpJob).getString("id"));

    Set<String> deskNodes = awaitAll(desk, Duration.ofSeconds(60)).values().stream().map(j -> j.getString("node")).collect(Collectors.toSet());
    Set<String> httpNodes = awaitAll(http, Duration.ofSeconds(60)).values().stream().map(j -> j.getString("node")).collect(Collectors.toSet());
    assertTrue(Set.of(deskA.nodeId(), deskB.nodeId()).containsAll(deskNodes), "desktop jobs ran on " + deskNodes);
    assertTrue(Set.of(plain.nodeId(), deskA.nodeId()).containsAll(httpNodes), "http jobs ran on " + httpNodes);
    assertEquals(2, httpNodes.size(), "six http jobs on two idle capable nodes should use both: " + httpNodes);
  }

  @Test
  void aDesktopIsDrivenByOneJobAtATimeHoweverManyNodesReachIt() throws Exception {
    try (StreamRecorder stream = new StreamRecorder(hub, null)) {
      List<String> ids = submit("desk", new JsonObject().put("duration", "700ms"), 4);
      awaitAll(ids, Duration.ofSeconds(60));
      List<Instant[]> held = new ArrayList<>();
      for (String id : ids) {
        List<JsonObject> taken = events(id, "lease.taken");
        List<JsonObject> released = events(id, "lease.released");
        assertEquals(1, taken.size(), id + " " + taken);
        assertEquals(1, released.size(), id + " " + released);
        assertEquals("desktop:desk1", taken.get(0).getJsonObject("data").getString("resource"));
        assertEquals("SUCCEEDED", released.get(0).getJsonObject("data").getString("reason"));
        JsonObject look = api.get("/api/v1/jobs/" + id).getJsonObject("steps").getJsonObject("look").getJsonObject("output");
        assertEquals(800, look.getInteger("width"), "the job drove the shared X display: " + look);
        held.add(new Instant[] {Instant.parse(taken.get(0).getString("at")), Instant.parse(released.get(0).getString("at"))});
        stream.await(m -> "lease.released".equals(m.getString("type")) && id.equals(m.getString("jobId")), Duration.ofSeconds(5), "lease.released of " + id);
      }
      held.sort((x, y) -> x[0].compareTo(y[0]));
      for (int i = 1; i < held.size(); i++) {
        assertTrue(!held.get(i)[0].isBefore(held.get(i - 1)[1]), "two jobs held desktop:desk1 at once: " + held.get(i - 1)[0] + ".."
            + held.get(i - 1)[1] + " and " + held.get(i)[0] + "..");
      }
      assertEquals(0, api.get("/api/v1/cluster").getJsonArray("leases").size(), "a lease outlived its job");
    }
  }

  @Test
  void aJobWaitingForACapabilityNobodyOffersStartsWhenANodeThatOffersItJoins() throws Exception {
    try (StreamRecorder stream = new StreamRecorder(hub, null)) {
      String id = submit("crm", new JsonObject(), 1).get(0);
      Thread.sleep(500);
      JsonObject waiting = api.get("/api/v1/jobs/" + id);
      assertEquals("QUEUED", waiting.getString("state"), waiting.encodePrettily());
      JsonObject why = waiting.getJsonObject("waitingFor");
      assertEquals("NO_CAPABLE_RUNNER", why.getString("reason"), why.encode());
      assertEquals(new JsonArray().add("agent:crm"), why.getJsonArray("missing"));
      assertTrue(cli("status", id).contains("no live runner offers agent:crm"));

      NodeProcess crm = cluster.node("runner", "agent:crm");
      long t0 = System.nanoTime();
      crm.start();
      long up = System.nanoTime();
      JsonObject done = api.awaitState(id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
      long ran = System.nanoTime();
      assertEquals("SUCCEEDED", done.getString("state"));
      assertEquals(crm.nodeId(), done.getString("node"));
      System.out.printf("FIGURE join: runner JVM start to up %d ms, to its first job done %d ms%n", (up - t0) / 1_000_000, (ran - t0) / 1_000_000);

      JsonObject joined = stream.await(StreamRecorder.type("node.joined", "node", crm.nodeId()), Duration.ofSeconds(5), "node.joined");
      assertEquals(new JsonArray().add("agent:crm"), joined.getJsonObject("data").getJsonArray("capabilities"));
      assertEquals(0, crm.terminate(Duration.ofSeconds(30)));
      stream.await(StreamRecorder.type("node.left", "node", crm.nodeId()), Duration.ofSeconds(10), "node.left");
    }
  }
}
