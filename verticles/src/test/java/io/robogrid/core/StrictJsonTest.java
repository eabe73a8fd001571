package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
  private static Object parse(String s) {
    return StrictJson.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static RoboGridException refused(String s) {
    return assertThrows(RoboGridException.class, () -> parse(s), s);
  }

  @Test
  void readsWhatHasOneMeaningAsVertxWould() {
    Object v = parse(" {\"a\": [1, -2.5, true, false, null, \"x\"], \"b\": {}, \"big\": 12345678901234567890123} ");
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray().add(1).add(-2.5).add(true).add(false).addNull().add("x"), o.getJsonArray("a"));
    assertEquals(new JsonObject(), o.getJsonObject("b"));
    assertEquals(new java.math.BigInteger("12345678901234567890123"), o.getValue("big"));
    assertEquals("x", parse("\"x\""));
    assertEquals(0.0, parse("0.0e-999"));
  }

  @Test
  void saysWhatIsWrongAndWhere() {
    RoboGridException dup = refused("{\"a\": 1,\n \"a\": 2}");
    assertEquals(ErrorCode.MALFORMED_JSON, dup.code());
    assertTrue(dup.getMessage().contains("the key 'a' is given twice (line 2"), dup.getMessage());
    assertTrue(refused("{\"a\": 1e999}").getMessage().contains("the number 1e999 is out of range"));
    assertTrue(refused("[\"\\ud800\"]").getMessage().contains("lone surrogate (\\ud800)"));
    assertTrue(refused("{} []").getMessage().contains("more after the value"));
    assertTrue(refused("[1 /* c */]").getMessage().contains("comment"), refused("[1 /* c */]").getMessage());
    assertTrue(refused("").getMessage().contains("empty"));
  }

  @Test
  void nestingPastTheStoredLimitIsRefusedWhileReading() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    RoboGridException e = refused(deep);
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertEquals("the body: nested more than 64 levels deep", e.getMessage());
    parse("[".repeat(64) + "]".repeat(64));
  }
}
