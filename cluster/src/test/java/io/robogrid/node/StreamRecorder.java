package io.robogrid.node;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A WebSocket client of {@code /api/v1/stream} that keeps every message it gets. */
final class StreamRecorder implements AutoCloseable {
  final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  private final WebSocket ws;

  StreamRecorder(NodeProcess node, String query) throws Exception {
    StringBuilder partial = new StringBuilder();
    ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN)
        .buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort + "/api/v1/stream" + (query == null ? "" : "?" + query)), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              messages.add(new JsonObject(partial.toString()));
              partial.setLength(0);
            }
            socket.request(1);
            return null;
          }
        }).get();
  }

  /** The first message matching {@code test}, waiting up to {@code within} for it. */
  JsonObject await(Predicate<JsonObject> test, Duration within, String what) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    do {
      for (JsonObject m : messages) if (test.test(m)) return m;
      Thread.sleep(25);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no " + what + " on the stream within " + within + "; got " + messages);
  }

  static Predicate<JsonObject> type(String type, String field, String value) {
    return m -> type.equals(m.getString("type")) && value.equals(m.getJsonObject("data", new JsonObject()).getString(field));
  }

  @Override
  public void close() {
    ws.abort();
  }
}
