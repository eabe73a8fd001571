package io.robogrid.core;

/** Root of the product's own errors: each carries a stable {@link ErrorCode} the API and the event bus pass on as is. */
public class RoboGridException extends RuntimeException {
  private final ErrorCode code;

  public RoboGridException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public RoboGridException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** A rejected workflow or robot definition; the message names where (file, step, field). */
  public static RoboGridException invalidWorkflow(String message) {
    return new RoboGridException(ErrorCode.INVALID_WORKFLOW, message);
  }

  public static RoboGridException invalidRequest(String message) {
    return new RoboGridException(ErrorCode.INVALID_REQUEST, message);
  }

}
