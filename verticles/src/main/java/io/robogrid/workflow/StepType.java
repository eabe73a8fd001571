package io.robogrid.workflow;

import io.vertx.core.json.JsonObject;

/**
 * What a step type accepts, checked at submission so that a bad workflow is refused before anything is stored.
 *
 * @param capability the runner capability this type needs ({@code http}, later {@code browser}, {@code desktop}…), or null for built-ins every runner has
 */
public record StepType(String name, String capability, Validator validator) {

  @FunctionalInterface
  public interface Validator {
    /** Adds a problem for each bad field of {@code with}; {@code where} is the path of {@code with}. */
    void validate(JsonObject with, String where, Problems problems);
  }
}
