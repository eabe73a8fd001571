package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.fail;

import io.robogrid.testing.Await;
import io.robogrid.testing.TestGrid;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Calls a real node and checks each answer against the OpenAPI document with vertx-openapi's response validator: the
 * status is one the operation documents, the body matches that status's schema (draft 2020-12), and an error's code
 * is one the status lists in {@code x-error-codes}. The document is made strict for the check: every object schema
 * that lists its properties and says nothing of others refuses any other ({@code unevaluatedProperties: false}), so a
 * field the node sends and the document does not name fails here, not in a generated client. Keeps what it saw, by
 * operation, for the coverage check.
 */
final class RecordedAnswers {
  private final TestGrid grid;
  private final JsonObject document;
  private final ResponseValidator validator;
  private final Map<String, Set<Integer>> seen = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  RecordedAnswers(Vertx vertx, TestGrid grid) {
    this.grid = grid;
    this.document = OpenApiDocument.json();
    JsonObject strict = document.copy();
    closeObjects(strict.getJsonObject("components"));
    closeObjects(strict.getJsonObject("paths"));
    // an artifact is answered with its own content type ("*/*", valid OpenAPI) that vertx-openapi 5.0 cannot read
    JsonObject artifact = strict.getJsonObject("paths").getJsonObject("/jobs/{id}/artifacts/{name}").getJsonObject("get")
        .getJsonObject("responses").getJsonObject("200");
    artifact.put("content", new JsonObject().put("application/octet-stream", artifact.getJsonObject("content").getValue("*/*")));
    this.validator = ResponseValidator.create(vertx, Await.result(OpenAPIContract.from(vertx, strict)));
  }

  /** Adds {@code unevaluatedProperties: false} to every schema that lists properties and leaves the rest open by silence. */
  static void closeObjects(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("properties") instanceof JsonObject && !o.containsKey("additionalProperties") && !o.containsKey("unevaluatedProperties")) {
        o.put("unevaluatedProperties", false);
      }
      for (String k : new ArrayList<>(o.fieldNames())) closeObjects(o.getValue(k));
    } else if (node instanceof JsonArray a) {
      for (Object v : a) closeObjects(v);
    }
  }

  /** {@code operationId}'s call with the admin token; the answer, once checked. */
  HttpResponse<Buffer> call(String operationId, HttpMethod method, String path, Object body) {
    return call(operationId, method, path, body, TestGrid.ADMIN_TOKEN, null);
  }

  /**
   * {@code operationId}'s call with {@code token} (null: none) and more request {@code headers} (null: none); the
   * answer, once checked against the document.
   */
  HttpResponse<Buffer> call(String operationId, HttpMethod method, String path, Object body, String token, MultiMap headers) {
    var req = grid.http.request(method, grid.port, "127.0.0.1", path);
    if (token != null) req.bearerTokenAuthentication(token);
    if (headers != null) req.putHeaders(headers);
    Future<HttpResponse<Buffer>> sent = body == null ? req.send()
        : req.putHeader("content-type", "application/json").sendBuffer(body instanceof Buffer b ? b : Buffer.buffer(body.toString()));
    HttpResponse<Buffer> r = Await.result(sent);
    check(operationId, method + " " + path, r);
    return r;
  }

  private void check(String operationId, String request, HttpResponse<Buffer> r) {
    int status = r.statusCode();
    String where = operationId + " (" + request + ") answered " + status + ": " + abbreviate(r.bodyAsString());
    JsonObject documented = operation(operationId).getJsonObject("responses").getJsonObject(String.valueOf(status));
    if (documented == null) {
      problems.add(where + ": a status the document does not list");
      return;
    }
    Buffer body = r.body();
    String type = r.getHeader("content-type");
    ValidatableResponse answer = body == null || body.length() == 0 ? ValidatableResponse.create(status)
        : ValidatableResponse.create(status, body, type == null ? null : type.split(";")[0].trim());
    try {
      Await.result(validator.validate(answer, operationId));
    } catch (RuntimeException e) {
      problems.add(where + ": " + explain(e));
      return;
    }
    if (status >= 400) {
      String code = r.bodyAsJsonObject().getJsonObject("error").getString("code");
      JsonArray codes = documented.getJsonArray("x-error-codes", new JsonArray());
      if (!codes.contains(code)) problems.add(where + ": error code " + code + " is not in x-error-codes " + codes);
    }
    seen.computeIfAbsent(operationId, k -> new TreeSet<>()).add(status);
  }

  private static String explain(Throwable e) {
    Throwable t = e;
    while (t != null && !(t instanceof SchemaValidationException)) t = t.getCause();
    if (t instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      StringBuilder b = new StringBuilder(s.getMessage());
      OutputUnit unit = s.getOutputUnit();
      List<OutputUnit> errors = unit.getErrors() == null || unit.getErrors().isEmpty() ? List.of(unit) : unit.getErrors();
      for (OutputUnit u : errors) b.append("\n    ").append(u.getInstanceLocation()).append(" ").append(u.getKeywordLocation()).append(": ").append(u.getError());
      return b.toString();
    }
    return String.valueOf(e.getCause() == null ? e : e.getCause());
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 400 ? s : s.substring(0, 400) + "…";
  }

  /** The document's operation of that id (fails the test on an id it does not have). */
  JsonObject operation(String operationId) {
    JsonObject paths = document.getJsonObject("paths");
    for (String p : paths.fieldNames()) {
      for (String m : paths.getJsonObject(p).fieldNames()) {
        Object op = paths.getJsonObject(p).getValue(m);
        if (op instanceof JsonObject o && operationId.equals(o.getString("operationId"))) return o;
      }
    }
    return fail("no operation " + operationId + " in the document");
  }

  /** Every operation id the document has. */
  Set<String> operations() {
    Set<String> out = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String p : paths.fieldNames()) {
      for (String m : paths.getJsonObject(p).fieldNames()) {
        if (paths.getJsonObject(p).getValue(m) instanceof JsonObject o && o.containsKey("operationId")) out.add(o.getString("operationId"));
      }
    }
    return out;
  }

  /** What did not match the document, one line each. */
  List<String> problems() {
    return problems;
  }

  /** The statuses seen and checked, by operation id. */
  Map<String, Set<Integer>> seen() {
    return seen;
  }
}
