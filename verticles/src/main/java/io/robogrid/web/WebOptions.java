package io.robogrid.web;

import io.vertx.core.json.JsonObject;

/**
 * Settings of the web role, from the {@code http} section of the node config.
 *
 * @param maxBodyBytes a request body above this is refused with 413 PAYLOAD_TOO_LARGE
 * @param webRoot the dashboard's static files; null to serve none
 * @param adminToken the first admin token ({@code ROBOGRID_ADMIN_TOKEN}), or null: one is generated into {@code adminTokenFile}
 *     on first start when the grid has no admin token yet
 * @param adminTokenFile where a generated admin token is written (owner-only), or null
 * @param agents how pull-mode agents are served
 */
public record WebOptions(String host, int port, long maxBodyBytes, String webRoot, String adminToken, java.nio.file.Path adminTokenFile,
                         AgentOptions agents) {
  public static final long DEFAULT_MAX_BODY = 1024 * 1024;

  public WebOptions(String host, int port, long maxBodyBytes, String webRoot) {
    this(host, port, maxBodyBytes, webRoot, null, null, AgentOptions.DEFAULTS);
  }

  public WebOptions withAdminToken(String token, java.nio.file.Path file) {
    return new WebOptions(host, port, maxBodyBytes, webRoot, token, file, agents);
  }

  public WebOptions withAgents(AgentOptions options) {
    return new WebOptions(host, port, maxBodyBytes, webRoot, adminToken, adminTokenFile, options);
  }

  public static WebOptions fromJson(JsonObject j) {
    j = j == null ? new JsonObject() : j;
    int port = j.getInteger("port", 8080);
    if (port < 0 || port > 65535) throw new IllegalArgumentException("http.port: " + port + " is not a port");
    long max = j.getLong("maxBodyBytes", DEFAULT_MAX_BODY);
    if (max < 1024) throw new IllegalArgumentException("http.maxBodyBytes: must be at least 1024");
    return new WebOptions(j.getString("host", "127.0.0.1"), port, max, j.getString("webRoot"));
  }
}
