package io.robogrid.node;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** A plain HTTP client for a node under test: what any user's script would do. */
final class Api {
  /** No call waits for ever: a node that stops answering fails the test that asked, with the path it asked for. */
  private static final Duration CALL = Duration.ofSeconds(30);
  // HTTP/1.1 as operators' tools speak it: the JDK client's default tries an h2c upgrade on every new connection
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  Api(String base) {
    this.base = base;
  }

  JsonObject post(String path, JsonObject body) throws Exception {
    HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode());
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN)
        .timeout(CALL).POST(p).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new AssertionError("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body());
  }

  JsonObject get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN)
        .timeout(CALL).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body());
  }

  /** {@code /health} as it is, whatever its status ({@code httpStatus} added); null while nothing answers. */
  JsonObject health() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body()).put("httpStatus", r.statusCode());
    } catch (Exception e) {
      return null;
    }
  }

  JsonObject awaitState(String id, Duration within, String... states) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JsonObject job;
    do {
      job = get("/api/v1/jobs/" + id);
      if (Set.of(states).contains(job.getString("state"))) return job;
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("job " + id + " is " + job.getString("state") + " after " + within + ": " + job.encodePrettily());
  }
}
