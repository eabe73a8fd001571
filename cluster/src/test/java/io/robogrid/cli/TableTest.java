package io.robogrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsColumnsOnTheWidestCellWithoutTrailingSpaces() {
    Table t = new Table("ID", "STATE", "NOTE").row("a-long-id", "RUNNING", "x").row("b", "FAILED", "a longer note");
    assertEquals(List.of(
        "ID         STATE    NOTE",
        "a-long-id  RUNNING  x",
        "b          FAILED   a longer note"), t.lines());
  }

  @Test
  void showsMissingValuesAsADash() {
    assertEquals(List.of("node  -", "tags  -"), new Table().row("node", null).row("tags", "").lines());
  }

  @Test
  void joinsListsIntoOneWord() {
    assertEquals("browser,sap", Table.joined(new JsonArray().add("browser").add("sap")));
  }
}
