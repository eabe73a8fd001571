package io.robogrid.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The REST API of one RoboGrid server, seen from the CLI: every answer is either a JSON object or a {@link CliFailure}
 * carrying the exit code the contract gives that kind of failure, so commands only deal with the happy path.
 * Uses the JDK HTTP client, not Vert.x, so that a CLI call starts no event loop.
 */
final class ApiClient {
  private static final String API = "/api/v1";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String url;
  private final String token;
  private final HttpClient http;

  /** @throws CliFailure with the usage exit code when {@code url} is not an http(s) URL */
  ApiClient(String url, String token) {
    this.token = token;
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    URI uri;
    try {
      uri = new URI(this.url);
    } catch (URISyntaxException e) {
      throw notAUrl(url);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) throw notAUrl(url);
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** @param path under {@code /api/v1}, already encoded */
  JsonObject get(String path) {
    return send(request(path).GET());
  }

  /** @param body null for actions that take none (cancel, rerun) */
  JsonObject post(String path, JsonObject body) {
    HttpRequest.Builder b = request(path);
    if (body == null) return send(b.POST(HttpRequest.BodyPublishers.noBody()));
    return send(b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  JsonObject delete(String path) {
    return send(request(path).DELETE());
  }

  /** One path segment or query value, so a job id or robot name typed by the user cannot change the request. */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + API + path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private JsonObject send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("interrupted");
    }
    JsonObject body = parse(response.body());
    if (response.statusCode() / 100 == 2) {
      if (body == null) throw unreachable(request.method() + " " + request.uri().getPath() + " did not answer a JSON object; is this a RoboGrid server?");
      return body;
    }
    if (body != null && body.getValue("error") instanceof JsonObject error) {
      throw new CliFailure(ExitCodes.API_ERROR, "error " + error.getString("code", "UNKNOWN") + ": " + error.getString("message", ""));
    }
    String text = response.body() == null ? "" : response.body().strip().lines().findFirst().orElse("");
    throw new CliFailure(ExitCodes.API_ERROR, "error HTTP_" + response.statusCode() + ": " + (text.isEmpty() ? "no details" : text));
  }

  private static JsonObject parse(String text) {
    try {
      return Json.decodeValue(text) instanceof JsonObject o ? o : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  /** Says what went wrong in words: the JDK client often throws exceptions without a message ("Connection refused" is lost). */
  private String reason(IOException e) {
    if (e instanceof HttpConnectTimeoutException) return "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s";
    if (e instanceof HttpTimeoutException) return "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    if (root instanceof UnresolvedAddressException) return "unknown host " + URI.create(url).getHost();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) return t.getMessage();
    }
    return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }

  private CliFailure unreachable(String reason) {
    return new CliFailure(ExitCodes.UNREACHABLE, "cannot reach RoboGrid at " + url + ": " + reason);
  }

  private static CliFailure notAUrl(String url) {
    return new CliFailure(ExitCodes.USAGE, "--url: '" + url + "' is not a URL like http://127.0.0.1:8080");
  }
}
