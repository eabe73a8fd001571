package io.robogrid.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DagTest {

  /** needs("a", "b,c", "b", "") : a needs b and c, b needs nothing; declaration order kept. */
  private static Map<String, List<String>> needs(String... pairs) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1].isEmpty() ? List.of() : List.of(pairs[i + 1].split(",")));
    return m;
  }

  @Test
  void acyclicGraphHasNoCycle() {
    assertNull(Dag.findCycle(needs("a", "", "b", "a", "c", "a,b", "d", "c")));
  }

  @Test
  void twoStepCycleIsReturnedAsAClosedPath() {
    assertEquals(List.of("a", "b", "a"), Dag.findCycle(needs("a", "b", "b", "a")));
  }

  @Test
  void selfLoopIsACycleOfOne() {
    assertEquals(List.of("a", "a"), Dag.findCycle(needs("a", "a")));
  }

  @Test
  void cyclePathOmitsTheStepsLeadingIntoIt() {
    assertEquals(List.of("x", "y", "z", "x"), Dag.findCycle(needs("start", "x", "x", "y", "y", "z", "z", "x")));
  }

  @Test
  void diamondIsNotMistakenForACycle() {
    assertNull(Dag.findCycle(needs("top", "", "left", "top", "right", "top", "bottom", "left,right")));
  }

  @Test
  void ancestorsIncludeIndirectPredecessorsOnly() {
    Map<String, List<String>> n = needs("a", "", "b", "a", "c", "b", "d", "", "e", "c,d");
    assertEquals(Set.of("a", "b"), Dag.ancestors("c", n));
    assertEquals(Set.of("a", "b", "c", "d"), Dag.ancestors("e", n));
    assertEquals(Set.of(), Dag.ancestors("a", n));
    assertEquals(Set.of(), Dag.ancestors("d", n));
  }

  @Test
  void ancestorsOfADiamondListEachStepOnce() {
    Map<String, List<String>> n = needs("top", "", "left", "top", "right", "top", "bottom", "left,right");
    assertEquals(List.of("left", "right", "top"), List.copyOf(Dag.ancestors("bottom", n)));
  }

  @Test
  void orderKeepsDeclarationOrderWhenThereAreNoNeeds() {
    assertEquals(List.of("c", "a", "b"), Dag.order(List.of("c", "a", "b"), needs("c", "", "a", "", "b", "")));
  }

  @Test
  void orderPutsEachStepAfterWhatItNeeds() {
    List<String> order = Dag.order(List.of("a", "b", "c"), needs("a", "c", "b", "", "c", ""));
    assertEquals(List.of("b", "c", "a"), order);
  }

  @Test
  void orderPlacesAStepRightAfterItsNeedWhenDeclaredLater() {
    assertEquals(List.of("fetch", "parse", "store"),
        Dag.order(List.of("fetch", "parse", "store"), needs("fetch", "", "parse", "fetch", "store", "parse")));
  }

  @Test
  void orderIsTheSameOnEveryCall() {
    Map<String, List<String>> n = needs("e", "c,d", "d", "", "c", "b", "b", "a", "a", "");
    List<String> declared = List.of("e", "d", "c", "b", "a");
    List<String> first = Dag.order(declared, n);
    assertEquals(List.of("d", "a", "b", "c", "e"), first);
    for (int i = 0; i < 5; i++) assertEquals(first, Dag.order(declared, n));
  }

  @Test
  void orderRefusesACycle() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Dag.order(List.of("a", "b"), needs("a", "b", "b", "a")));
    assertEquals("cycle among [a, b]", e.getMessage());
  }
}
