package io.robogrid.core;

/** Stable codes of API and event-bus errors, with the HTTP status each maps to. Part of the public contract. */
public enum ErrorCode {
  MALFORMED_JSON(400),
  INVALID_REQUEST(400),
  INVALID_WORKFLOW(400),
  UNKNOWN_ROBOT(404),
  JOB_NOT_FOUND(404),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  JOB_FINISHED(409),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  // between nodes
  NO_CAPACITY(503),
  STALE_ATTEMPT(409),
  UNAVAILABLE(503),
  INTERNAL(500),
  ARTIFACT_NOT_FOUND(404), // added last: bus codes are ordinals
  /** No API token, or one that is not valid (unknown, revoked). */
  UNAUTHORIZED(401),
  /** A valid token whose role may not do this. */
  FORBIDDEN(403),
  /** An {@code Expect} header other than {@code 100-continue}. */
  EXPECTATION_FAILED(417),
  /** The request line (path and query) is longer than the server reads. */
  URI_TOO_LONG(414),
  /** The request's headers are larger than the server reads. */
  HEADERS_TOO_LARGE(431),
  /** An {@code Idempotency-Key} sent again with another request than the one it was first used for. */
  IDEMPOTENCY_KEY_REUSED(409),
  /** The job is not in a state this request applies to (resume of a job that is not paused, pause at an approval gate). */
  WRONG_STATE(409);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The event-bus failure code ({@code message.fail(code, text)}) for this error. */
  public int busCode() {
    return 1000 + ordinal();
  }

  public static ErrorCode fromBusCode(int code) {
    int i = code - 1000;
    return i >= 0 && i < values().length ? values()[i] : INTERNAL;
  }
}
