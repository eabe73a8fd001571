package io.robogrid.chaos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The kinds of job in the chaos mix, each an inline workflow, with the state it must end in whatever the fault.
 * Every kind that touches the target sends its key and the runner's node id ({@code ${env:ROBOGRID_NODE_ID}}, read on
 * the runner), so that each side effect says which job did it and where.
 */
enum Kind {
  /** One {@code set} step: the job path itself. */
  NOOP("SUCCEEDED", false),
  /** One http side effect that takes 30 ms. */
  HTTP("SUCCEEDED", false),
  /** A 700 ms wait, then a side effect: jobs that are mid-flight when the fault comes. */
  SLOW("SUCCEEDED", false),
  /** A side effect that fails the first attempt (503, recoverable) and succeeds on the job's retry. */
  RETRY("SUCCEEDED", false),
  /** Fails for good (unrecoverable): its outcome must stay FAILED, and not become a retry or a loss. */
  FAIL("FAILED", false),
  /** A real Chromium in a leased browser slot opens a page of the target and reads the key back. */
  BROWSER("SUCCEEDED", true);

  final String expected;
  final boolean browser;

  Kind(String expected, boolean browser) {
    this.expected = expected;
    this.browser = browser;
  }

  /** Whether its work shows on the target (so that a side effect done twice can be seen there). */
  boolean touchesTarget() {
    return this != NOOP && this != FAIL;
  }

  /** The {@code POST /api/v1/jobs} body for one job of this kind, {@code key} unique to it. */
  String request(String target, String key) {
    String q = "key=" + key + "&node=${env:ROBOGRID_NODE_ID}";
    JsonArray steps = switch (this) {
      case NOOP -> new JsonArray().add(step("n", "set").put("with", new JsonObject().put("key", key)));
      case HTTP -> new JsonArray().add(http("h", target + "/hit?" + q + "&hold=30"));
      case SLOW -> new JsonArray().add(step("w", "wait").put("with", new JsonObject().put("duration", "700ms")))
          .add(http("h", target + "/hit?" + q + "&hold=30").put("needs", new JsonArray().add("w")));
      case RETRY -> new JsonArray().add(http("h", target + "/flaky?" + q));
      case FAIL -> new JsonArray().add(step("f", "fail").put("with", new JsonObject().put("message", "fails for good (chaos)").put("errorClass", "FAILED")));
      case BROWSER -> new JsonArray().add(step("open", "browser.goto").put("with", new JsonObject().put("url", target + "/page?" + q)))
          .add(step("read", "browser.extract").put("needs", new JsonArray().add("open")).put("with", new JsonObject().put("selector", "#key")));
    };
    JsonObject workflow = new JsonObject().put("steps", steps)
        .put("retry", new JsonObject().put("maxAttempts", 3).put("backoff", "200ms").put("maxBackoff", "2s"));
    return new JsonObject().put("workflow", workflow).put("input", new JsonObject().put("key", key).put("kind", name())).encode();
  }

  private static JsonObject step(String id, String type) {
    return new JsonObject().put("id", id).put("type", type);
  }

  private static JsonObject http(String id, String url) {
    return step(id, "http").put("with", new JsonObject().put("method", "GET").put("url", url).put("expectStatus", 200).put("timeout", "10s"));
  }

  /**
   * The mix: mostly short jobs, some slow ones to be in flight at the fault, retries, a few that fail for good, and
   * (where the grid has browser slots) a few browser jobs. Deterministic from the job's number.
   */
  static Kind pick(int n, boolean browsers) {
    int r = Math.floorMod(n * 37 + 11, 100);
    if (r < 3) return browsers ? BROWSER : HTTP;
    if (r < 6) return FAIL;
    if (r < 20) return RETRY;
    if (r < 35) return SLOW;
    if (r < 65) return HTTP;
    return NOOP;
  }
}
