package io.robogrid.runner.goal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on loopback that speaks the wire formats of OpenAI's chat completions ({@code POST
 * /v1/chat/completions}) and Anthropic's messages ({@code POST /v1/messages}), answering from a script the test
 * writes. It checks the protocol, not a model's judgement: the answers are the test's.
 */
final class FakeLlmServer implements AutoCloseable {
  /** One scripted reply: an HTTP status, the model's text (or a raw body), its token counts, a delay. */
  record Reply(int status, String text, String rawBody, int tokensIn, int tokensOut, long delayMs) {
    static Reply answer(String text, int in, int out) {
      return new Reply(200, text, null, in, out, 0);
    }

    static Reply status(int status, String body) {
      return new Reply(status, null, body, 0, 0, 0);
    }

    Reply after(long ms) {
      return new Reply(status, text, rawBody, tokensIn, tokensOut, ms);
    }
  }

  /** One request as it arrived. */
  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeLlmServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "fake-llm");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private volatile java.util.function.Function<Request, Reply> responder;

  /** Answers every request the script does not: a test's stand-in for a model's judgement, which no test checks. */
  FakeLlmServer answering(java.util.function.Function<Request, Reply> r) {
    this.responder = r;
    return this;
  }

  FakeLlmServer then(Reply r) {
    script.add(r);
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getPath();
    requests.add(new Request(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
    Reply r = script.poll();
    if (r == null && responder != null) r = responder.apply(requests.get(requests.size() - 1));
    if (r == null) r = Reply.status(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}");
    try {
      if (r.delayMs() > 0) Thread.sleep(r.delayMs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String out = r.rawBody() != null ? r.rawBody() : path.endsWith("/messages") ? anthropic(r) : openAi(r);
    byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    try {
      ex.sendResponseHeaders(r.status(), bytes.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    } catch (IOException gone) {
      // the client gave up waiting (the timeout test): nothing to answer
    }
  }

  private static String openAi(Reply r) {
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1_700_000_000).put("model", "fake")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
            .put("message", new JsonObject().put("role", "assistant").put("content", r.text()))))
        .put("usage", new JsonObject().put("prompt_tokens", r.tokensIn()).put("completion_tokens", r.tokensOut()).put("total_tokens", r.tokensIn() + r.tokensOut()))
        .encode();
  }

  private static String anthropic(Reply r) {
    return new JsonObject().put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "fake")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", r.text()))).put("stop_reason", "end_turn")
        .put("usage", new JsonObject().put("input_tokens", r.tokensIn()).put("output_tokens", r.tokensOut())).encode();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
