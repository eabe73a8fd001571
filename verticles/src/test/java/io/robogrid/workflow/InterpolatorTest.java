package io.robogrid.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class InterpolatorTest {
  private final JsonObject input = new JsonObject()
      .put("n", 42)
      .put("name", "robo")
      .put("a", new JsonObject().put("b", "deep"))
      .put("obj", new JsonObject().put("k", 1))
      .put("list", new JsonArray().add("zero").add("one"))
      .put("nothing", null);
  private final Map<String, JsonObject> outputs = Map.of("fetch", new JsonObject().put("status", 200).put("body", "ok"));
  private final Map<String, Function<String, Object>> schemes = Map.of("env", name -> Map.of("HOME_URL", "http://home").get(name));
  private final Interpolator interpolator = new Interpolator(input, outputs, schemes);

  private Object resolveOne(String value) {
    return interpolator.resolve(new JsonObject().put("v", value)).getValue("v");
  }

  private StepFailure failureOf(String value) {
    return assertThrows(StepFailure.class, () -> resolveOne(value));
  }

  @Test
  void wholeStringPlaceholderKeepsTheNumberType() {
    assertEquals(42, resolveOne("${input.n}"));
  }

  @Test
  void wholeStringPlaceholderKeepsTheObjectType() {
    assertEquals(new JsonObject().put("k", 1), resolveOne("${input.obj}"));
  }

  @Test
  void spacesInsideThePlaceholderAreIgnored() {
    assertEquals(42, resolveOne("${ input.n }"));
  }

  @Test
  void embeddedPlaceholdersBecomeText() {
    assertEquals("n=42, name=robo, obj={\"k\":1}", resolveOne("n=${input.n}, name=${input.name}, obj=${input.obj}"));
  }

  @Test
  void nestedInputPathIsWalked() {
    assertEquals("deep", resolveOne("${input.a.b}"));
  }

  @Test
  void arrayIndexSelectsAnElement() {
    assertEquals("one", resolveOne("${input.list.1}"));
  }

  @Test
  void stepOutputIsResolved() {
    assertEquals(200, resolveOne("${steps.fetch.output.status}"));
    assertEquals("got ok", resolveOne("got ${steps.fetch.output.body}"));
  }

  @Test
  void envSchemeIsResolvedThroughTheRegisteredResolver() {
    assertEquals("http://home", resolveOne("${env:HOME_URL}"));
    assertEquals("url=http://home", resolveOne("url=${env:HOME_URL}"));
  }

  @Test
  void placeholderAtTheStartOfLongerTextIsResolved() {
    assertEquals("robo/path", resolveOne("${input.name}/path"));
    assertEquals("http://home/x", resolveOne("${env:HOME_URL}/x"));
    assertEquals("42robo", resolveOne("${input.n}${input.name}"));
  }

  @Test
  void placeholdersInNestedObjectsAndArraysAreResolvedWithoutTouchingTheOriginal() {
    JsonObject with = new JsonObject()
        .put("headers", new JsonObject().put("X-N", "${input.n}"))
        .put("items", new JsonArray().add("${input.list.0}").add(new JsonObject().put("s", "${steps.fetch.output.status}")).add(7));
    JsonObject copy = with.copy();
    JsonObject out = interpolator.resolve(with);
    assertEquals(new JsonObject()
        .put("headers", new JsonObject().put("X-N", 42))
        .put("items", new JsonArray().add("zero").add(new JsonObject().put("s", 200)).add(7)), out);
    assertEquals(copy, with);
  }

  @Test
  void unknownInputKeyIsABadReference() {
    StepFailure f = failureOf("${input.missing}");
    assertEquals(ErrorClass.BAD_REFERENCE, f.errorClass());
    assertEquals("${input.missing}: no 'missing'", f.getMessage());
  }

  @Test
  void unknownReferenceInsideTextIsABadReference() {
    assertEquals(ErrorClass.BAD_REFERENCE, failureOf("hello ${input.a.c}").errorClass());
  }

  @Test
  void indexPastTheEndOfAListIsABadReference() {
    assertEquals(ErrorClass.BAD_REFERENCE, failureOf("${input.list.2}").errorClass());
  }

  @Test
  void indexTooLargeForAnIntIsABadReference() {
    StepFailure f = assertThrows(StepFailure.class, () -> resolveOne("${input.list.99999999999}"));
    assertEquals(ErrorClass.BAD_REFERENCE, f.errorClass());
  }

  @Test
  void nullValueIsABadReference() {
    assertEquals("${input.nothing} is null", failureOf("${input.nothing}").getMessage());
  }

  @Test
  void outputOfAStepThatHasNotRunIsABadReference() {
    StepFailure f = failureOf("${steps.later.output.x}");
    assertEquals(ErrorClass.BAD_REFERENCE, f.errorClass());
    assertEquals("${steps.later.output.x}: step 'later' has no output yet", f.getMessage());
  }

  @Test
  void unknownSchemeAndUnsetVariableAreBadReferences() {
    assertEquals("unknown reference scheme 'secret:' in ${secret:pw}", failureOf("${secret:pw}").getMessage());
    assertEquals("${env:NOPE} is not set", failureOf("${env:NOPE}").getMessage());
  }

  @Test
  void unknownRootIsABadReference() {
    StepFailure f = failureOf("${job.id}");
    assertEquals(ErrorClass.BAD_REFERENCE, f.errorClass());
    assertTrue(f.getMessage().startsWith("cannot resolve ${job.id}"), f.getMessage());
  }

  @Test
  void defaultIsUsedWhenTheReferenceCannotBeResolved() {
    assertEquals("8080", resolveOne("${env:PORT:-8080}"));
    assertEquals("port 8080", resolveOne("port ${input.port:-8080}"));
  }

  @Test
  void defaultIsIgnoredWhenTheReferenceResolves() {
    assertEquals("http://home", resolveOne("${env:HOME_URL:-http://fallback}"));
    assertEquals(42, resolveOne("${input.n:-0}"));
  }

  @Test
  void escapedPlaceholderInsideTextStaysLiteral() {
    assertEquals("costs ${x} -> ${literal} and 42", resolveOne("costs $${x} -> $${literal} and ${input.n}"));
  }

  @Test
  void escapedPlaceholderAsTheWholeStringStaysLiteral() {
    assertEquals("${literal}", resolveOne("$${literal}"));
  }

  @Test
  void referencesListsEveryExpressionButNotEscapes() {
    JsonObject with = new JsonObject()
        .put("url", "http://${ input.host }/${steps.a.output.path}")
        .put("nested", new JsonArray().add(new JsonObject().put("k", "${env:TOKEN}")).add("$${not.a.ref}").add(5));
    assertEquals(List.of("input.host", "steps.a.output.path", "env:TOKEN"), Interpolator.references(with));
  }

  @Test
  void referencesOfPlainValuesAreEmpty() {
    assertEquals(List.of(), Interpolator.references(new JsonObject().put("a", "no placeholders").put("b", 3)));
  }

  @Test
  void aDefaultCoversOnlyAMissingValueNotAMalformedReference() {
    org.junit.jupiter.api.Assertions.assertEquals("8080", resolveOne("${env:NOT_SET:-8080}"));
    org.junit.jupiter.api.Assertions.assertEquals("x/8080/y", resolveOne("x/${env:NOT_SET:-8080}/y"));
    org.junit.jupiter.api.Assertions.assertEquals(io.robogrid.core.ErrorClass.BAD_REFERENCE, failureOf("${evn:NOT_SET:-8080}").errorClass());
  }
}
