package io.robogrid.web;

import io.robogrid.core.RoboGridException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Request bodies checked against the OpenAPI document, by vertx-openapi's contract and its draft 2020-12 validator:
 * the document is the one place that says what a body may hold (fields, types, enums, lengths), and a refused body
 * gets INVALID_REQUEST with a message naming the field, the way the hand-written checks answer. What a schema cannot
 * say (a duration's range, which fields go with which type of report) stays with the handler.
 */
final class RequestBodies {
  /** An operation's body schema (as the contract resolved it) and its validator. */
  private record Checked(JsonObject schema, Validator validator) {}

  /** The operations whose JSON bodies the document's schemas check. */
  static final Set<String> OPERATIONS = Set.of("postJobsIdEvents", "postAgentsAgentIdHeartbeat", "postTokens", "putSecretsName",
      "postJobsIdApprove", "postJobsIdReject", "postJobsIdReview");

  private volatile Map<String, Checked> checked;

  /**
   * Reads the contract and prepares a validator for the JSON body of each of {@code operationIds}, on a worker thread:
   * resolving and checking the document takes about half a second on a cold JVM, too long for an event loop.
   */
  Future<Void> load(Vertx vertx, JsonObject document) {
    return vertx.executeBlocking(() -> prepare(vertx, document, OPERATIONS).toCompletionStage().toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS), false).map(c -> {
          checked = c;
          return null;
        });
  }

  private static Future<Map<String, Checked>> prepare(Vertx vertx, JsonObject document, Set<String> operationIds) {
    return OpenAPIContract.from(vertx, readable(document)).map(contract -> {
      JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setOutputFormat(OutputFormat.Basic)
          .setBaseUri("app:///");
      Map<String, Checked> checked = new HashMap<>();
      for (String id : operationIds) {
        Operation op = contract.operation(id);
        if (op == null || op.getRequestBody() == null) throw new IllegalStateException("the OpenAPI document has no request body for " + id);
        MediaType json = op.getRequestBody().getContent().get("application/json");
        JsonObject schema = new JsonObject();
        json.getSchema().fieldNames().forEach(k -> schema.put(k, json.getSchema().get(k)));
        checked.put(id, new Checked(schema, contract.getSchemaRepository().validator(json.getSchema(), options)));
      }
      return checked;
    });
  }

  /**
   * The document as vertx-openapi 5.0 reads it: an artifact's answer, any media type ({@code *}{@code /*}, valid
   * OpenAPI), is read as octet-stream, a media type it knows.
   */
  static JsonObject readable(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject ok = copy.getJsonObject("paths").getJsonObject("/jobs/{id}/artifacts/{name}").getJsonObject("get")
        .getJsonObject("responses").getJsonObject("200");
    ok.put("content", new JsonObject().put("application/octet-stream", ok.getJsonObject("content").getValue("*/*")));
    return copy;
  }

  /** {@code body} if the operation's schema takes it; else INVALID_REQUEST naming the first field at fault. */
  JsonObject check(String operationId, JsonObject body) {
    Checked c = checked == null ? null : checked.get(operationId);
    if (c == null) throw new IllegalStateException("no schema loaded for the body of " + operationId);
    OutputUnit result = c.validator().validate(body);
    if (Boolean.TRUE.equals(result.getValid())) return body;
    throw RoboGridException.invalidRequest(explain(c.schema(), result));
  }

  /** The most precise of the validator's errors, in words: {@code field: what it must be}. */
  private static String explain(JsonObject schema, OutputUnit result) {
    List<OutputUnit> errors = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    OutputUnit best = null;
    for (OutputUnit e : errors) {
      if (e.getKeywordLocation() == null || keyword(e).equals("$ref") || keyword(e).equals("properties") || keyword(e).equals("items")) continue;
      if (best == null || rank(e) > rank(best)) best = e;
    }
    if (best == null) best = errors.get(0);
    String field = field(best.getInstanceLocation());
    Object value = keywordValue(schema, best);
    String what = switch (keyword(best)) {
      case "enum" -> "must be one of " + join(value);
      case "const" -> "must be " + value;
      case "type" -> "must be " + (value instanceof JsonArray a ? a.stream().map(String::valueOf).collect(Collectors.joining(" or ")) : article(value) + value);
      case "minLength" -> Integer.valueOf(1).equals(value) ? "must not be empty" : "must be at least " + value + " characters";
      case "maxLength" -> "must be at most " + value + " characters";
      case "minimum" -> "must be at least " + value;
      case "maximum" -> "must be at most " + value;
      case "minItems" -> "must have at least " + value + " items";
      case "maxItems" -> "must have at most " + value + " items";
      case "pattern" -> "must match " + value + described(schema, best);
      case "format" -> "must be a " + value;
      case "required" -> null;
      case "additionalProperties", "unevaluatedProperties" -> null;
      default -> best.getError();
    };
    if (what == null) return keyword(best).equals("required") ? missing(schema, best, field) : unknown(schema, best);
    return field.isEmpty() ? "the body " + what : field + ": " + what;
  }

  /** A required field that is not there: its name, and what the schema says it is for. */
  private static String missing(JsonObject schema, OutputUnit e, String at) {
    JsonArray required = keywordValue(schema, e) instanceof JsonArray a ? a : new JsonArray();
    String err = String.valueOf(e.getError());
    for (Object name : required) {
      if (err.contains("\"" + name + "\"") || err.contains("'" + name + "'") || required.size() == 1) {
        String k = e.getKeywordLocation();
        Object field = keywordValue(schema, new OutputUnit().setKeywordLocation(k.substring(0, k.lastIndexOf('/')) + "/properties/" + name));
        String why = field instanceof JsonObject f && f.getString("description") != null ? " (" + f.getString("description") + ")" : "";
        return (at.isEmpty() ? "" : at + ".") + name + ": is required" + why;
      }
    }
    return (at.isEmpty() ? "" : at + ": ") + "needs " + join(required);
  }

  /** A field the schema does not know, named as the hand-written checks name one, with those it knows. */
  private static String unknown(JsonObject schema, OutputUnit e) {
    String at = e.getKeywordLocation();
    Object object = keywordValue(schema, new OutputUnit().setKeywordLocation(at.substring(0, at.lastIndexOf('/'))));
    String instance = e.getInstanceLocation() == null ? "" : e.getInstanceLocation();
    String name = instance.substring(instance.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    String parent = field(instance.substring(0, Math.max(0, instance.lastIndexOf('/'))));
    String known = object instanceof JsonObject o && o.getValue("properties") instanceof JsonObject p ? String.join(", ", p.fieldNames()) : "";
    return (parent.isEmpty() ? "" : parent + ": ") + "unknown field '" + name + "'" + (known.isEmpty() ? "" : " (allowed: " + known + ")");
  }

  /** The value of the keyword that failed, read from the body's schema where the validator says the keyword is. */
  private static Object keywordValue(JsonObject schema, OutputUnit e) {
    String at = e.getKeywordLocation();
    if (at == null || !at.startsWith("#")) return null;
    try {
      return JsonPointer.from(at.substring(1)).queryJson(schema);
    } catch (RuntimeException ex) {
      return null;
    }
  }

  private static String keyword(OutputUnit e) {
    String k = e.getKeywordLocation();
    return k == null ? "" : k.substring(k.lastIndexOf('/') + 1);
  }

  /** The deeper in the body the better; at one place, a precise keyword before "not one of the known fields". */
  private static int rank(OutputUnit e) {
    int depth = e.getInstanceLocation() == null ? 0 : e.getInstanceLocation().split("/").length;
    boolean vague = Set.of("additionalProperties", "unevaluatedProperties").contains(keyword(e));
    return depth * 2 + (vague ? 0 : 1);
  }

  /** {@code #/claims/0/jobId} as a person writes it: {@code claims[0].jobId}. */
  static String field(String instance) {
    if (instance == null) return "";
    StringBuilder b = new StringBuilder();
    for (String part : instance.replaceFirst("^#?/?", "").split("/")) {
      if (part.isEmpty()) continue;
      if (part.chars().allMatch(Character::isDigit)) b.append('[').append(part).append(']');
      else b.append(b.length() == 0 ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
    }
    return b.toString();
  }

  private static String article(Object word) {
    return "aeiou".indexOf(String.valueOf(word).charAt(0)) >= 0 ? "an " : "a ";
  }

  /** What the failing field is for, when its schema says ({@code " (the step's id…)"}); else nothing. */
  private static String described(JsonObject schema, OutputUnit e) {
    String at = e.getKeywordLocation();
    Object field = keywordValue(schema, new OutputUnit().setKeywordLocation(at.substring(0, at.lastIndexOf('/'))));
    return field instanceof JsonObject f && f.getString("description") != null ? " (" + f.getString("description") + ")" : "";
  }

  /** An enum's values as a list for people (null, which stands for a field left out, not named). */
  private static String join(Object values) {
    if (!(values instanceof JsonArray a)) return String.valueOf(values);
    List<String> out = new ArrayList<>();
    a.forEach(v -> {
      if (v != null) out.add(String.valueOf(v));
    });
    return String.join(", ", out);
  }
}
