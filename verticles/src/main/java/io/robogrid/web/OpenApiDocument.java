package io.robogrid.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's OpenAPI 3.1 document ({@code openapi/robogrid.json} in the jar), served at {@link #PATH} without a
 * token so that client generators can read it. Read once at start, off the event loop; tests keep it equal to the
 * routes the router really has and to the answers the node really gives ({@code OpenApiRoutesTest},
 * {@code OpenApiResponsesTest}).
 */
final class OpenApiDocument {
  static final String RESOURCE = "/openapi/robogrid.json";
  /** Where it is served: under the API's prefix, outside its authentication. */
  static final String PATH = "/api/v1/openapi.json";

  private Buffer document;

  /** Reads and parses the document (a broken one keeps the node from starting rather than being served). */
  Future<Void> load(Vertx vertx) {
    return vertx.executeBlocking(OpenApiDocument::read, false).map(b -> {
      document = b;
      return null;
    });
  }

  static Buffer read() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the classpath");
      Buffer b = Buffer.buffer(in.readAllBytes());
      new JsonObject(b); // fails on a document that is not JSON
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document read at start, parsed. */
  JsonObject parsed() {
    return new JsonObject(document);
  }

  /** The document as parsed JSON, read from the classpath (for tests and tools). */
  static JsonObject json() {
    return new JsonObject(read());
  }

  void serve(RoutingContext ctx) {
    // no-cache: a client generator pointed at a node gets the document of the version the node runs now
    ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-cache").end(document);
  }
}
