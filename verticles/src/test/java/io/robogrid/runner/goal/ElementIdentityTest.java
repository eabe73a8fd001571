package io.robogrid.runner.goal;

import static io.robogrid.runner.goal.GoalPages.link;
import static io.robogrid.runner.goal.GoalPages.page;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a cached path finds its element again on a later visit. */
class ElementIdentityTest {
  @Test
  void aLinkIsFoundByItsNameAndNotByThePlaceAnotherLinkHadLastTime() {
    // last time the yoga search listed one result: its link was the first item of the list
    JsonObject yoga = new JsonObject().put("role", "link").put("name", "Yoga – Tuesday 19:00").put("selector", "body > ul > li:nth-of-type(1) > a").put("label", "");
    JsonObject first = link("e1", "Swimming – Thursday 18:00", "/d?id=sw-thu").put("selector", "body > ul > li:nth-of-type(1) > a");
    JsonObject second = link("e2", "Swimming – Tuesday 18:00", "/d?id=sw-tue").put("selector", "body > ul > li:nth-of-type(2) > a");
    PageDigest swimming = page("http://site/results?q=swimming", "Classes", List.of("Classes"), first, second);
    assertTrue(swimming.find(yoga).isEmpty(), "another class's link, found by its place");
    JsonObject tuesday = new JsonObject().put("role", "link").put("name", "Swimming – Tuesday 18:00").put("selector", "somewhere else").put("label", "");
    assertEquals("e2", swimming.find(tuesday).orElseThrow().ref(), "the same name, wherever it moved");
  }
}
