package io.robogrid.runner.steps;

import io.robogrid.core.Durations;
import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.StepContext;
import io.robogrid.runner.StepExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * {@code http}: one request with vertx-web-client. {@code with}: {@code method} (GET), {@code url}, {@code headers},
 * {@code body} (text as is, JSON sent as JSON), {@code expectStatus} (a status or a list; default any 2xx), {@code timeout} (30s).
 * Output: {@code status}, {@code headers}, and {@code json} when the answer is JSON, else {@code body} for text or
 * {@code bodyBase64} for binary content (either cut at 64 KiB).
 * Unexpected answers are classified: 429 RATE_LIMITED and 5xx HTTP_5XX (retried), 401/403 ACCESS_DENIED and others UNEXPECTED_STATUS (not).
 */
public final class HttpStep implements StepExecutor {
  static final int MAX_BODY_CHARS = 64 * 1024;
  private static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final WebClient client;

  public HttpStep(WebClient client) {
    this.client = client;
  }

  @Override
  public Future<JsonObject> execute(StepContext ctx) {
    JsonObject with = ctx.with();
    String url = String.valueOf(with.getValue("url"));
    HttpMethod method = HttpMethod.valueOf(with.getString("method", "GET").toUpperCase(Locale.ROOT));
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) throw new IllegalArgumentException();
    } catch (Exception e) {
      return Future.failedFuture(new StepFailure(ErrorClass.INVALID_URL, "'" + url + "' is not an http(s) URL"));
    }
    long timeout = DEFAULT_TIMEOUT_MS;
    if (with.getValue("timeout") != null) timeout = Durations.parse(with.getString("timeout")).toMillis();

    try {
      ctx.budget().ensureStillOurs("the request of step " + ctx.stepId());
    } catch (StepFailure f) {
      return Future.failedFuture(f);
    }
    HttpRequest<Buffer> req = client.requestAbs(method, url).timeout(timeout);
    JsonObject headers = with.getJsonObject("headers", new JsonObject());
    headers.forEach(h -> req.putHeader(h.getKey(), String.valueOf(h.getValue())));
    Object body = with.getValue("body");
    Future<HttpResponse<Buffer>> sent;
    if (body == null) sent = req.send();
    else if (body instanceof JsonObject || body instanceof JsonArray || body instanceof Number || body instanceof Boolean) sent = req.sendJson(body);
    else sent = req.sendBuffer(Buffer.buffer(String.valueOf(body)));

    // The client has no way to abort a request: on cancel the step ends at once and the answer, when it comes, is dropped.
    Promise<JsonObject> done = Promise.promise();
    ctx.cancellation().onCancel(() -> done.tryFail(new StepFailure(ErrorClass.CANCELLED, ctx.cancellation().reason())));
    sent.map(resp -> check(resp, with.getValue("expectStatus"), method, url))
        .recover(e -> Future.failedFuture(classify(e, url)))
        .onComplete(ar -> {
          if (ar.succeeded()) done.tryComplete(ar.result());
          else done.tryFail(ar.cause());
        });
    return done.future();
  }

  private static JsonObject check(HttpResponse<Buffer> resp, Object expect, HttpMethod method, String url) {
    int status = resp.statusCode();
    boolean ok = expect == null ? status / 100 == 2
        : expect instanceof Integer i ? status == i : expect instanceof JsonArray a && a.contains(status);
    if (!ok) {
      String what = method + " " + url + " answered " + status + (expect == null ? " (expected 2xx)" : " (expected " + expect + ")");
      ErrorClass cls = status == 429 ? ErrorClass.RATE_LIMITED
          : status >= 500 ? ErrorClass.HTTP_5XX
          : status == 401 || status == 403 ? ErrorClass.ACCESS_DENIED : ErrorClass.UNEXPECTED_STATUS;
      throw new StepFailure(cls, what);
    }
    JsonObject headers = new JsonObject();
    resp.headers().names().forEach(n -> headers.put(n.toLowerCase(Locale.ROOT), String.join(", ", resp.headers().getAll(n))));
    JsonObject out = new JsonObject().put("status", status).put("headers", headers);
    Buffer body = resp.body();
    if (body == null || body.length() == 0) return out;
    String type = String.valueOf(resp.getHeader("content-type"));
    if (type.contains("json")) {
      try {
        return out.put("json", Json.decodeValue(body));
      } catch (DecodeException e) {
        // not JSON after all: keep it as text
      }
    }
    if (!isText(body)) {
      // binary content (an image, a zip): kept as base64, since JSON text cannot carry arbitrary bytes
      Buffer kept = body.length() > MAX_BODY_CHARS ? body.getBuffer(0, MAX_BODY_CHARS) : body;
      if (kept != body) out.put("bodyTruncated", true);
      return out.put("bodyBase64", java.util.Base64.getEncoder().encodeToString(kept.getBytes()));
    }
    String text = body.toString();
    if (text.length() > MAX_BODY_CHARS) {
      out.put("bodyTruncated", true);
      text = text.substring(0, MAX_BODY_CHARS);
    }
    return out.put("body", text);
  }

  /** Valid UTF-8 without NUL bytes: what can be shown and stored as text. */
  static boolean isText(Buffer body) {
    byte[] bytes = body.getBytes();
    for (byte b : bytes) if (b == 0) return false;
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static Throwable classify(Throwable e, String url) {
    if (e instanceof StepFailure) return e;
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) return new StepFailure(ErrorClass.CONNECTION_FAILED, "cannot connect to " + url + ": " + e.getMessage());
    if (e instanceof UnknownHostException) return new StepFailure(ErrorClass.CONNECTION_FAILED, "unknown host in " + url);
    if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) return new StepFailure(ErrorClass.PAGE_TIMEOUT, "no answer from " + url + " in time");
    return new StepFailure(ErrorClass.CONNECTION_FAILED, "request to " + url + " failed: " + e.getMessage());
  }
}
