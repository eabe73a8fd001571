package io.robogrid.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks {@code --input} while the command line is parsed, so that a typo is a usage error and nothing is sent. */
final class JsonObjectConverter implements ITypeConverter<JsonObject> {
  @Override
  public JsonObject convert(String text) {
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new TypeConversionException("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (value instanceof JsonObject o) return o;
    throw new TypeConversionException("must be a JSON object, like '{\"customer\": 42}'");
  }
}
