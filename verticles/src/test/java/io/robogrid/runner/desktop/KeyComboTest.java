package io.robogrid.runner.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.runner.desktop.KeyCombo.Modifier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyComboTest {

  @Test
  void combosReadTheirModifiersInOrderAndTheirKeyByItsCanonicalName() {
    KeyCombo c = KeyCombo.parse("Ctrl+Shift+pageup");
    assertEquals(List.of(Modifier.CTRL, Modifier.SHIFT), List.copyOf(c.modifiers()));
    assertEquals("Page_Up", c.key());
    assertFalse(c.isCharacter());
    assertEquals("ctrl+shift+Page_Up", c.toString());
    assertEquals("alt+F4", KeyCombo.parse("alt+f4").toString());
    assertEquals("Return", KeyCombo.parse("Enter").key());
    assertEquals("Escape", KeyCombo.parse("esc").key());
    assertEquals("Left", KeyCombo.parse("ArrowLeft").key());
    assertEquals("super+Return", KeyCombo.parse("win + Return").toString(), "spaces around '+' are allowed");
  }

  @Test
  void anyOneCharacterIsAKeyAndALetterWithModifiersIsTakenInLowerCase() {
    assertEquals("ctrl+a", KeyCombo.parse("ctrl+A").toString(), "ctrl+A is the shortcut ctrl+a; the capital needs shift");
    assertEquals("A", KeyCombo.parse("A").key(), "alone, a capital is typed as such");
    assertTrue(KeyCombo.parse("é").isCharacter());
    assertEquals("ctrl++", KeyCombo.parse("ctrl++").toString(), "the last '+' of ctrl++ is the key");
    assertEquals("+", KeyCombo.parse("+").key());
    assertEquals("+", KeyCombo.parse("ctrl+plus").key());
  }

  @Test
  void sequencesAreSpaceSeparatedStringsOrLists() {
    assertEquals(List.of("ctrl+a", "BackSpace"), KeyCombo.sequence("ctrl+a  BackSpace").stream().map(KeyCombo::toString).toList());
    assertEquals(List.of("alt+Tab", "Return"), KeyCombo.sequence(List.of("alt+tab", "enter")).stream().map(KeyCombo::toString).toList());
    assertEquals(Set.of(), KeyCombo.parse("Tab").modifiers());
  }

  @Test
  void mistakesAreNamed() {
    assertEquals("'ctrl+': 'ctrl+' names no key after its last '+'",
        assertThrows(IllegalArgumentException.class, () -> KeyCombo.parse("ctrl+")).getMessage().replaceFirst("^", "'ctrl+': "));
    assertEquals("'hyper+a': 'hyper' is not a modifier (ctrl, shift, alt, super)",
        assertThrows(IllegalArgumentException.class, () -> KeyCombo.parse("hyper+a")).getMessage());
    assertEquals("'ctrl+ctrl+a': ctrl is given twice", assertThrows(IllegalArgumentException.class, () -> KeyCombo.parse("ctrl+ctrl+a")).getMessage());
    assertEquals("'shift+ctrl': a combination ends with its key, not with the modifier ctrl",
        assertThrows(IllegalArgumentException.class, () -> KeyCombo.parse("shift+ctrl")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyCombo.parse("Banana")).getMessage().startsWith("'Banana': unknown key 'Banana'"));
    assertEquals("names no key", assertThrows(IllegalArgumentException.class, () -> KeyCombo.sequence(" ")).getMessage());
    assertEquals("each entry must be a key combination like ctrl+a",
        assertThrows(IllegalArgumentException.class, () -> KeyCombo.sequence(List.of("a", 3))).getMessage());
  }
}
