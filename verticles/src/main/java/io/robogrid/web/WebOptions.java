package io.robogrid.web;

import io.vertx.core.json.JsonObject;

/**
 * Settings of the web role, from the {@code http} section of the node config.
 *
 * @param maxBodyBytes a request body above this is refused with 413 PAYLOAD_TOO_LARGE
 * @param webRoot the dashboard's static files; null to serve none
 */
public record WebOptions(String host, int port, long maxBodyBytes, String webRoot) {
  public static final long DEFAULT_MAX_BODY = 1024 * 1024;

  public static WebOptions fromJson(JsonObject j) {
    j = j == null ? new JsonObject() : j;
    int port = j.getInteger("port", 8080);
    if (port < 0 || port > 65535) throw new IllegalArgumentException("http.port: " + port + " is not a port");
    long max = j.getLong("maxBodyBytes", DEFAULT_MAX_BODY);
    if (max < 1024) throw new IllegalArgumentException("http.maxBodyBytes: must be at least 1024");
    return new WebOptions(j.getString("host", "127.0.0.1"), port, max, j.getString("webRoot"));
  }
}
