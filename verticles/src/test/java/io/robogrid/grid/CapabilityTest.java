package io.robogrid.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilityTest {

  @Test
  void browserCapabilitiesCountSlotsAndLeaseOnePerJob() {
    Capability b = Capability.parse("browser:4");
    assertEquals(new Capability("browser", 4), b);
    assertEquals("browser:n1:3", b.lease("n1", 3));
    assertEquals("browser:4", b.toString());
  }

  @Test
  void aDesktopIsLeasedByNameClusterWide() {
    Capability d = Capability.parse("desktop:desk1");
    assertEquals(1, d.slots());
    assertTrue(Capability.isDesktop(d.name()));
    assertEquals("desktop:desk1", d.lease("any-node", 1));
  }

  @Test
  void otherCapabilitiesTakeNoLease() {
    assertEquals(new Capability("agent:crm", 0), Capability.parse("agent:crm"));
    assertNull(Capability.parse("http").lease("n1", 1));
  }

  @Test
  void mistakesAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Capability.parse("browser")).getMessage().contains("browser:4"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Capability.parse("browser:0")).getMessage().contains("1 to 64"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Capability.parse("desktop")).getMessage().contains("desktop:desk1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Capability.parse("HTTP Client")).getMessage().contains("lower-case"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Capability.parseAll(List.of("http", "browser:2", "http")))
        .getMessage().contains("listed twice"));
  }
}
