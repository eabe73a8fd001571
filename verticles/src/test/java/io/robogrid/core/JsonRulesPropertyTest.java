package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.store.IdempotencyStore;
import io.robogrid.testing.JsonArbitraries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of how JSON is read, bounded and compared: for any value, not for the few a person thinks of. */
class JsonRulesPropertyTest {
  @Provide
  Arbitrary<Object> json() {
    return JsonArbitraries.value(3);
  }

  @Provide
  Arbitrary<JsonObject> objects() {
    return JsonArbitraries.object(3, 1);
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
