package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document against the router a web node really builds: every {@code /api/v1} route (method and path)
 * is in the document and everything the document names is a route, each operation's role is the one the route
 * declares, and the document is a valid OpenAPI 3.1 contract as vertx-openapi reads it. It is served without a token.
 */
@ExtendWith(VertxExtension.class)
class OpenApiRoutesTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private TestGrid grid;
  private WebVerticle web;

  @BeforeEach
  void setUp(Vertx vertx) {
    grid = TestGrid.start(vertx, null, 1);
    // a second web node on the grid's database, to read the router it built (the same start() every node runs)
    web = new WebVerticle(new WebOptions("127.0.0.1", 0, 64 * 1024, null), grid.db, grid.robots, io.robogrid.workflow.StepCatalog.builtIn(),
        java.time.Clock.systemUTC(), new JsonObject().put("node", "second"), java.time.Duration.ofSeconds(3), new io.robogrid.secrets.Keyring(null));
    Await.result(vertx.deployVerticle(web));
  }

  @AfterEach
  void stop(Vertx vertx) {
    Await.result(vertx.close());
  }

  /** {@code METHOD /path} under {@code /api/v1}, path parameters written as OpenAPI writes them ({@code {id}}). */
  private static String key(HttpMethod method, String path) {
    return method.name() + " " + path;
  }

  /** Every route of the node under {@code /api/v1}, found by walking the router and its sub-routers. */
  private static Set<String> routes(Router router, String prefix, List<String> problems) {
    Set<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      if (r.getSubRouter() != null) {
        out.addAll(routes(r.getSubRouter(), prefix + strip(r.getPath()), problems));
        continue;
      }
      String path;
      if (r.isRegexPath()) {
        // ApiRoutes.literal names its regex routes after their literal path; any other regex route is unknown here
        if (r.getName() == null || r.getName().startsWith("^")) {
          problems.add("a regex route without a literal name: " + r);
          continue;
        }
        path = prefix + r.getName().replaceAll("/:([A-Za-z0-9_]+)", "/{$1}"); // a path with parameters is a regex route too
      } else if (r.getPath() == null) {
        continue; // a handler for every request (the gate, bodies, authentication, failures): no endpoint
      } else {
        path = prefix + r.getPath().replaceAll("/:([A-Za-z0-9_]+)", "/{$1}");
      }
      if (!path.startsWith("/api/v1/")) continue; // /health, /metrics, the dashboard's files
      if (r.methods().isEmpty()) problems.add("a route for every method: " + path);
      for (HttpMethod m : r.methods()) out.add(key(m, path.substring("/api/v1".length())));
    }
    return out;
  }

  /** A mount point's path without its trailing wildcard ({@code /api/v1/*} mounts at {@code /api/v1}). */
  private static String strip(String mount) {
    String p = mount == null ? "" : mount;
    while (p.endsWith("*") || p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return p;
  }

  /** What the document names: {@code METHOD /path} for each operation. */
  private static Set<String> documented(JsonObject doc) {
    Set<String> out = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String m : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(m)) out.add(key(HttpMethod.valueOf(m.toUpperCase()), path));
      }
    }
    return out;
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
    List<String> problems = new ArrayList<>();
    Set<String> routes = routes(web.router(), "", problems);
    assertEquals(List.of(), problems);
    assertTrue(routes.size() > 30 && routes.contains("POST /jobs:batch") && routes.contains("GET /jobs/{id}/artifacts/{name}"), "routes found: " + routes);
    Set<String> documented = documented(OpenApiDocument.json());
    Set<String> missing = new TreeSet<>(routes);
    missing.removeAll(documented);
    Set<String> ghosts = new TreeSet<>(documented);
    ghosts.removeAll(routes);
    assertEquals(Set.of(), missing, "routes the document does not describe");
    assertEquals(Set.of(), ghosts, "operations the document names that the node has no route for");
  }

  @Test
  void eachOperationNamesTheRoleItsRouteDeclaresAndTheOpenOneNeedsNoToken() {
    JsonObject paths = OpenApiDocument.json().getJsonObject("paths");
    List<String> wrong = new ArrayList<>();
    for (ApiRoutes.Declared d : web.routes()) {
      String path = d.path().replaceAll("/:([A-Za-z0-9_]+)", "/{$1}");
      JsonObject op = paths.getJsonObject(path, new JsonObject()).getJsonObject(d.method().name().toLowerCase(), new JsonObject());
      if (!d.role().label().equals(op.getString("x-robogrid-role"))) wrong.add(d.method() + " " + path + ": " + op.getString("x-robogrid-role"));
      if (op.containsKey("security")) wrong.add(d.method() + " " + path + " overrides security: it needs a token");
    }
    assertEquals(List.of(), wrong);
    JsonObject open = paths.getJsonObject("/openapi.json").getJsonObject("get");
    assertEquals(new JsonArray(), open.getJsonArray("security"), "the document's own operation needs no token");
  }

  @Test
  void theDocumentIsServedWithoutATokenAsTheFileInTheRepository() {
    HttpResponse<Buffer> r = grid.call(HttpMethod.GET, "/api/v1/openapi.json", null, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("content-type").startsWith("application/json"), r.getHeader("content-type"));
    assertEquals(OpenApiDocument.json(), r.bodyAsJsonObject());
    assertEquals("3.1.0", r.bodyAsJsonObject().getString("openapi"));
    // the rest of the API still wants one
    assertEquals(401, grid.call(HttpMethod.GET, "/api/v1/jobs", null, null).statusCode());
    assertEquals(401, grid.call(HttpMethod.POST, "/api/v1/openapi.json", "{}", null).statusCode(), "only GET is open");
  }

  @Test
  void vertxOpenApiLoadsTheDocumentAsAValidContract(Vertx vertx) {
    JsonObject doc = OpenApiDocument.json();
    // an artifact is answered with its own content type ("*/*" in the document, valid OpenAPI), which vertx-openapi
    // 5.0 refuses as an unsupported media type: read as octet-stream for this check only
    JsonObject content = doc.copy().getJsonObject("paths").getJsonObject("/jobs/{id}/artifacts/{name}").getJsonObject("get")
        .getJsonObject("responses").getJsonObject("200").getJsonObject("content");
    assertTrue(content.containsKey("*/*"), "an artifact's answer is any media type");
    JsonObject loadable = doc.copy();
    loadable.getJsonObject("paths").getJsonObject("/jobs/{id}/artifacts/{name}").getJsonObject("get").getJsonObject("responses")
        .getJsonObject("200").put("content", new JsonObject().put("application/octet-stream", content.getValue("*/*")));
    OpenAPIContract contract = Await.result(OpenAPIContract.from(vertx, loadable));
    assertEquals(OpenAPIVersion.V3_1, contract.getVersion());
    assertEquals(documented(doc).size(), contract.operations().size());
    Set<String> ids = new TreeSet<>();
    for (Operation op : contract.operations()) assertTrue(ids.add(op.getOperationId()), "operationId twice: " + op.getOperationId());
    assertFalse(contract.getSecurityRequirements().isEmpty(), "a token is required by default");
  }
}
