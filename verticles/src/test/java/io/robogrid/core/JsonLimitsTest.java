package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLimitsTest {
  private static Object nested(int depth) {
    Object v = 1;
    for (int i = 0; i < depth; i++) v = i % 2 == 0 ? new JsonArray().add(v) : new JsonObject().put("k", v);
    return v;
  }

  @Test
  void depthCountsContainersAndTheLimitItselfIsAllowed() {
    JsonLimits limits = new JsonLimits(3, 1000);
    assertNull(limits.problem("text"));
    assertNull(limits.problem(nested(3)));
    assertEquals("nested more than 3 levels deep", limits.problem(nested(4)));
    RoboGridException e = assertThrows(RoboGridException.class, () -> limits.check("input", nested(4)));
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertEquals("input: nested more than 3 levels deep", e.getMessage());
  }

  @Test
  void aValueTenThousandLevelsDeepIsRefusedWithoutWalkingItAll() {
    assertEquals("nested more than 64 levels deep", JsonLimits.STORED.problem(nested(10_000)));
  }

  @Test
  void sizeIsTheLengthOfTheCompactEncodingInUtf8() {
    JsonObject v = new JsonObject().put("a\"b", "é€𝄞\n\u0001").put("n", new JsonArray().add(1).add(-2.5).add(true).addNull())
        .put("o", new JsonObject());
    int encoded = v.encode().getBytes(StandardCharsets.UTF_8).length;
    assertNull(new JsonLimits(10, encoded).problem(v));
    assertEquals("more than " + (encoded - 1) + " bytes as JSON", new JsonLimits(10, encoded - 1).problem(v));
  }

  @Test
  void cutReplacesWhatIsTooDeepToShowAndKeepsTheRest() {
    JsonObject v = new JsonObject().put("keep", "x").put("deep", nested(1000));
    JsonObject cut = (JsonObject) JsonLimits.cut(v, 5);
    assertEquals("x", cut.getString("keep"));
    assertNull(JsonLimits.STORED.problem(cut));
    assertTrue(cut.encode().contains(JsonLimits.CUT), cut.encode());
  }
}
