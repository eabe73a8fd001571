package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorCode;
import io.robogrid.testing.Await;
import io.robogrid.testing.JsonArbitraries;
import io.robogrid.testing.RawHttp;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of a real node (real PostgreSQL) for any request a generator makes, not only those a person thinks of:
 * a submission is stored whole, exactly as sent, or refused with a code and nothing stored; any bytes sent as a body
 * to any route get a 2xx or a 4xx in the error shape, never a 5xx.
 */
class SubmissionPropertyTest {
  private static final String ROBOTS = """
      {"robots": [{"name": "hello", "steps": [{"id": "s", "type": "set", "with": {"x": "${input.a}"}}]}]}""";
  private static Vertx vertx;
  private static TestGrid grid;
  private static Pool pool;

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    grid = TestGrid.start(vertx, ROBOTS, 2);
    pool = grid.db.pool(vertx);
  }

  @AfterContainer
  static void stop() {
    Await.result(pool.close());
    Await.result(vertx.close());
  }

  private static long jobs() {
    return Await.result(pool.query("SELECT count(*) FROM jobs").execute()).iterator().next().getLong(0);
  }

  /** Submissions: the fields of one, each well formed, of a wrong type or absent, and now and then a field nobody knows. */
  @Provide
  Arbitrary<JsonObject> submissions() {
    Arbitrary<Object> any = JsonArbitraries.value(3);
    Arbitrary<Object> robot = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just("hello")), net.jqwik.api.Tuple.of(1, any));
    Arbitrary<Object> input = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, JsonArbitraries.object(4, 0).map(o -> (Object) o)),
        net.jqwik.api.Tuple.of(1, any));
    Arbitrary<Object> delay = Arbitraries.of("1h", "0s", "-1s", "400d", "2m30s", "soon").map(d -> (Object) d);
    Arbitrary<Object> priority = Arbitraries.integers().between(-150, 150).map(p -> (Object) p);
    return Combinators.combine(robot.injectNull(0.1), input.injectNull(0.2), delay.injectNull(0.6), priority.injectNull(0.7),
        JsonArbitraries.text().injectNull(0.9)).as((r, in, d, p, unknown) -> {
          JsonObject o = new JsonObject();
          if (r != null) o.put("robot", r);
          if (in != null) o.put("input", in);
          if (d != null) o.put("delay", d);
          if (p != null) o.put("priority", p);
          if (unknown != null) o.put("x-" + unknown, 1);
          return o;
        });
  }

  @Property(tries = 150)
  void aSubmissionIsStoredExactlyAsSentOrRefusedWithACodeAndNothingStored(@ForAll("submissions") JsonObject body) {
    long before = jobs();
    RawHttp.Answer a = RawHttp.send(grid.port, RawHttp.request("POST", "/api/v1/jobs", RawHttp.bearer(TestGrid.ADMIN_TOKEN),
        body.encode().getBytes(StandardCharsets.UTF_8)), 5_000);
    assertTrue(a.status() == 201 || a.status() >= 400 && a.status() < 500, a.toString());
    if (a.status() == 201) {
      assertEquals(before + 1, jobs());
      String id = new JsonObject(a.bodyText()).getString("id");
      JsonObject stored = grid.job(id).getJsonObject("input");
      JsonObject sent = body.getValue("input") instanceof JsonObject in ? in : new JsonObject();
      assertEquals(canonical(sent), canonical(stored), "the input came back changed");
    } else {
      assertTrue(Arrays.stream(ErrorCode.values()).anyMatch(c -> c.name().equals(a.errorCode())), a.toString());
      assertEquals(before, jobs(), "a refused submission stored a job: " + a);
    }
  }

  /**
   * The value with what PostgreSQL's jsonb does not keep taken out: key order (jsonb sorts keys) and how a number is
   * written (1.0E10 may come back as 10000000000.0); what it means is compared.
   */
  @SuppressWarnings("unchecked")
  private static Object canonical(Object v) {
    if (v instanceof JsonObject o) v = o.getMap();
    if (v instanceof JsonArray a) v = a.getList();
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      ((Map<String, Object>) m).forEach((k, x) -> out.put(k, canonical(x)));
      return out;
    }
    if (v instanceof List<?> l) return l.stream().map(SubmissionPropertyTest::canonical).toList();
    if (v instanceof Number n) return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    return v;
  }

  @Provide
  Arbitrary<String> postRoutes() {
    return Arbitraries.of(AuthorizationTest.endpoints("00000000-0000-0000-0000-000000000000").stream()
        .filter(e -> !e.method().name().equals("GET")).map(e -> e.method().name() + " " + e.path()).toList());
  }

  @Property(tries = 200)
  void anyBytesSentToAnyRouteGetAnAnswerThatIsNotAServerError(@ForAll("postRoutes") String route, @ForAll @Size(max = 300) byte[] body,
                                                              @ForAll boolean agent) {
    String token = agent ? agentToken() : TestGrid.ADMIN_TOKEN;
    String[] parts = route.split(" ", 2);
    RawHttp.Answer a = RawHttp.send(grid.port, RawHttp.request(parts[0], parts[1], RawHttp.bearer(token), body), 5_000);
    assertTrue(a.status() >= 200 && a.status() < 500, route + ": " + a);
    if (a.status() >= 400) assertTrue(a.errorCode() != null, route + ": " + a);
  }

  private static String agentToken;

  private static String agentToken() {
    if (agentToken == null) agentToken = grid.token("property-agent", "agent");
    return agentToken;
  }
}
