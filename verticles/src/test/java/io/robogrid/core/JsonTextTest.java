package io.robogrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void nulIsFoundAtAnyDepthInKeysAndValues() {
    assertTrue(JsonText.containsNul(new JsonObject().put("a", new JsonArray().add(1).add(new JsonObject().put("b", "x\u0000")))));
    assertTrue(JsonText.containsNul(new JsonObject().put("k\u0000", 1)));
    assertFalse(JsonText.containsNul(new JsonObject().put("a", new JsonArray().add("plain").add(2)).put("b", (Object) null)));
  }

  @Test
  void nulIsReplacedEverywhereAndCleanValuesAreLeftAlone() {
    JsonObject dirty = new JsonObject().put("k\u0000", new JsonArray().add("a\u0000b").add(3)).put("ok", "fine");
    JsonObject clean = JsonText.withoutNul(dirty);
    assertEquals(new JsonObject().put("k\uFFFD", new JsonArray().add("a\uFFFDb").add(3)).put("ok", "fine"), clean);
    assertFalse(JsonText.containsNul(clean));
    JsonObject untouched = new JsonObject().put("x", "y");
    assertSame(untouched, JsonText.withoutNul(untouched));
    assertEquals("log \uFFFD line", JsonText.withoutNul("log \u0000 line"));
  }
}
