package io.robogrid.core;

import io.vertx.core.json.JsonObject;

/** A classified failure of a step or an attempt; what the API shows as {@code error}. */
public class StepFailure extends RuntimeException {
  private final ErrorClass errorClass;

  public StepFailure(ErrorClass errorClass, String message) {
    super(message, null, false, false);
    this.errorClass = errorClass;
  }

  public StepFailure(ErrorClass errorClass, String message, Throwable cause) {
    super(message, cause, false, false);
    this.errorClass = errorClass;
  }

  public ErrorClass errorClass() {
    return errorClass;
  }

  public boolean recoverable() {
    return errorClass.recoverable();
  }

  /** Any throwable as a classified failure: unclassified errors are {@link ErrorClass#UNKNOWN}. */
  public static StepFailure of(Throwable t) {
    if (t instanceof StepFailure f) return f;
    String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return new StepFailure(ErrorClass.UNKNOWN, msg, t);
  }

  public JsonObject toJson() {
    return new JsonObject().put("code", errorClass.name()).put("message", getMessage()).put("recoverable", recoverable());
  }

  public static StepFailure fromJson(JsonObject json) {
    ErrorClass c = ErrorClass.fromName(json.getString("code"));
    return new StepFailure(c == null ? ErrorClass.UNKNOWN : c, json.getString("message", ""));
  }
}
