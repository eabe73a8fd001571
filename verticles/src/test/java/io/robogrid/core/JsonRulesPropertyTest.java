package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.store.IdempotencyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of how JSON is read, bounded and compared: for any value, not for the few a person thinks of. */
class JsonRulesPropertyTest {
  /** Text with any Unicode character, surrogate pairs included, and no lone surrogate (not a character). */
  static Arbitrary<String> text() {
    return Arbitraries.integers().between(0, Character.MAX_CODE_POINT).filter(cp -> cp < 0xD800 || cp > 0xDFFF)
        .list().ofMaxSize(12).map(cps -> {
          StringBuilder b = new StringBuilder();
          cps.forEach(b::appendCodePoint);
          return b.toString();
        });
  }

  static Arbitrary<Object> scalar() {
    return Arbitraries.oneOf(text().map(s -> (Object) s), Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l), Arbitraries.doubles().map(d -> (Object) d), Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(40)), new java.math.BigInteger("1" + "0".repeat(40)))
            .filter(b -> b.bitLength() > 63).map(b -> (Object) b));
  }

  static Arbitrary<Object> value(int depth) {
    if (depth == 0) return scalar();
    Arbitrary<Object> inner = Arbitraries.lazy(() -> value(depth - 1));
    Arbitrary<Object> object = Arbitraries.maps(text(), inner).ofMaxSize(4).map(m -> (Object) new JsonObject(new java.util.LinkedHashMap<>(m)));
    Arbitrary<Object> array = inner.list().ofMaxSize(4).map(l -> (Object) new JsonArray(new ArrayList<>(l)));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, scalar()), net.jqwik.api.Tuple.of(2, object), net.jqwik.api.Tuple.of(2, array));
  }

  @Provide
  Arbitrary<Object> json() {
    return value(3);
  }

  @Provide
  Arbitrary<JsonObject> objects() {
    return Arbitraries.maps(text(), value(3)).ofMinSize(1).ofMaxSize(5).map(m -> new JsonObject(new java.util.LinkedHashMap<>(m)));
  }

  private static String encode(Object v) {
    String one = new JsonArray().add(v).encode();
    return one.substring(1, one.length() - 1);
  }

  @Property(tries = 300)
  void anyJsonValueReadsBackAsItself(@ForAll("json") Object v) {
    Object back = StrictJson.parse(encode(v).getBytes(StandardCharsets.UTF_8));
    assertEquals(encode(v), encode(back));
  }

  @Property(tries = 300)
  void aKeyGivenTwiceIsRefusedAtAnyDepth(@ForAll("objects") JsonObject o, @ForAll("json") Object other, @ForAll @Size(max = 5) List<Boolean> wraps) {
    String key = o.fieldNames().iterator().next();
    String text = "{" + encode(key) + ":" + encode(other) + "," + encode(o).substring(1);
    for (boolean inArray : wraps) text = inArray ? "[" + text + "]" : "{\"w\":" + text + "}";
    String body = text;
    RoboGridException e = org.junit.jupiter.api.Assertions.assertThrows(RoboGridException.class,
        () -> StrictJson.parse(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(ErrorCode.MALFORMED_JSON, e.code());
    assertTrue(e.getMessage().contains("given twice"), e.getMessage());
  }

  @Property(tries = 1000)
  void anyBytesAreReadOrRefusedWithACodeNeverAnotherException(@ForAll @Size(max = 64) byte[] bytes) {
    try {
      StrictJson.parse(bytes);
    } catch (RoboGridException e) {
      assertTrue(e.code() == ErrorCode.MALFORMED_JSON || e.code() == ErrorCode.INVALID_REQUEST, e.code().name());
    }
  }

  @Property(tries = 300)
  void theSizeLimitMeasuresExactlyWhatTheEncoderWrites(@ForAll("json") Object v) {
    int size = encode(v).getBytes(StandardCharsets.UTF_8).length;
    assertNull(new JsonLimits(64, size).problem(v));
    if (size > 1) assertEquals("more than " + (size - 1) + " bytes as JSON", new JsonLimits(64, size - 1).problem(v));
  }

  @Property(tries = 300)
  void aRequestIsTheSameWhateverOrderItsKeysAreIn(@ForAll("objects") JsonObject o, @ForAll Random random) {
    assertEquals(IdempotencyStore.hash("POST /jobs", o), IdempotencyStore.hash("POST /jobs", (JsonObject) shuffled(o, random)));
  }

  private static Object shuffled(Object v, Random random) {
    if (v instanceof JsonObject o) {
      List<Map.Entry<String, Object>> entries = new ArrayList<>(o.getMap().entrySet());
      Collections.shuffle(entries, random);
      JsonObject out = new JsonObject();
      entries.forEach(e -> out.put(e.getKey(), shuffled(e.getValue(), random)));
      return out;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(shuffled(x, random)));
      return out;
    }
    return v;
  }
}
