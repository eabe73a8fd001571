package io.robogrid.runner.desktop.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.desktop.KeyCombo;
import io.robogrid.runner.desktop.KeyCombo.Modifier;
import io.robogrid.runner.desktop.windows.WindowsKeys.Stroke;
import io.robogrid.runner.desktop.windows.WindowsKeys.VirtualKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WindowsKeysTest {
  private static final int EXT = WindowsKeys.KEYEVENTF_EXTENDEDKEY;
  private static final int UP = WindowsKeys.KEYEVENTF_KEYUP;
  private static final int UNICODE = WindowsKeys.KEYEVENTF_UNICODE;

  /** A layout that must not be asked: letters, digits, named keys and bare characters need no lookup. */
  private static final IntUnaryOperator NO_LOOKUP = c -> {
    throw new AssertionError("the layout was asked about '" + (char) c + "'");
  };

  /** VkKeyScan of a US layout for the few characters the tests use: low byte VK, high byte 1 = shift. */
  private static final IntUnaryOperator US_LAYOUT = c -> switch (c) {
    case '!' -> 0x100 | 0x31; // shift + the 1 key
    case '+' -> 0x100 | 0xBB; // shift + VK_OEM_PLUS
    case '/' -> 0xBF; // VK_OEM_2, unshifted
    default -> -1;
  };

  private static Stroke down(int vk) {
    return new Stroke(vk, 0, 0);
  }

  private static Stroke up(int vk) {
    return new Stroke(vk, 0, UP);
  }

  private static List<Stroke> press(String combo, IntUnaryOperator layout) {
    return WindowsKeys.press(KeyCombo.parse(combo), layout);
  }

  @Test
  void modifierFlagsAreTheDocumentedBits() {
    assertEquals(0x1, EXT);
    assertEquals(0x2, UP);
    assertEquals(0x4, UNICODE);
  }

  @Test
  void ctrlAPressesControlThenAAndReleasesInReverse() {
    assertEquals(List.of(down(0x11), down(0x41), up(0x41), up(0x11)), press("ctrl+a", NO_LOOKUP));
  }

  @Test
  void altF4HoldsAltAroundF4() {
    assertEquals(List.of(down(0x12), down(0x73), up(0x73), up(0x12)), press("alt+F4", NO_LOOKUP));
  }

  @Test
  void modifiersGoDownInOrderAndUpInReverseAroundAnExtendedKey() {
    assertEquals(List.of(down(0x11), down(0x10), new Stroke(0x21, 0, EXT), new Stroke(0x21, 0, EXT | UP), up(0x10), up(0x11)),
        press("ctrl+shift+Page_Up", NO_LOOKUP));
  }

  @Test
  void superIsTheLeftWindowsKeyWhichIsExtended() {
    assertEquals(List.of(new Stroke(0x5B, 0, EXT), down(0x45), up(0x45), new Stroke(0x5B, 0, EXT | UP)), press("win+e", NO_LOOKUP));
  }

  @ParameterizedTest
  @CsvSource({"CTRL, 0x11", "SHIFT, 0x10", "ALT, 0x12", "SUPER, 0x5B"})
  void modifiersAreTheirDocumentedVirtualKeys(Modifier modifier, String vk) {
    assertEquals(Integer.decode(vk), WindowsKeys.modifierKey(modifier).vk());
  }

  @Test
  void aNamedKeyAloneIsDownAndUp() {
    assertEquals(List.of(down(0x0D), up(0x0D)), press("Enter", NO_LOOKUP));
  }

  @Test
  void theKeypadEnterIsTheReturnKeyWithTheExtendedFlag() {
    assertEquals(List.of(new Stroke(0x0D, 0, EXT), new Stroke(0x0D, 0, EXT | UP)), press("KP_Enter", NO_LOOKUP));
  }

  @Test
  void everyNamedKeyHasAWindowsKeyAndNoTwoShareOne() {
    Map<VirtualKey, String> seen = new HashMap<>();
    for (String name : KeyCombo.NAMED) {
      VirtualKey key = WindowsKeys.namedKey(name);
      assertNotNull(key, name + " has no Windows key");
      String other = seen.put(key, name);
      assertEquals(null, other, name + " and " + other + " are the same Windows key");
      assertFalse(press(name, NO_LOOKUP).isEmpty(), name);
    }
  }

  @ParameterizedTest
  @CsvSource({"Return, 0x0D", "Tab, 0x09", "Escape, 0x1B", "BackSpace, 0x08", "Delete, 0x2E", "Insert, 0x2D", "Home, 0x24",
      "End, 0x23", "Page_Up, 0x21", "Page_Down, 0x22", "Left, 0x25", "Up, 0x26", "Right, 0x27", "Down, 0x28", "space, 0x20",
      "Menu, 0x5D", "Print, 0x2C", "Pause, 0x13", "Caps_Lock, 0x14", "Num_Lock, 0x90", "Scroll_Lock, 0x91", "KP_Enter, 0x0D",
      "KP_Add, 0x6B", "KP_Subtract, 0x6D", "KP_Multiply, 0x6A", "KP_Divide, 0x6F", "KP_Decimal, 0x6E", "F1, 0x70", "F10, 0x79",
      "F12, 0x7B", "F13, 0x7C", "F24, 0x87", "KP_0, 0x60", "KP_5, 0x65", "KP_9, 0x69"})
  void namedKeysAreTheirDocumentedVirtualKeys(String name, String vk) {
    assertEquals(Integer.decode(vk), WindowsKeys.namedKey(name).vk(), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Left", "Up", "Right", "Down", "Insert", "Delete", "Home", "End", "Page_Up", "Page_Down", "Num_Lock",
      "KP_Divide", "KP_Enter", "Menu", "Print"})
  void keysWithAnE0ScanCodeAreFlaggedExtended(String name) {
    assertTrue(WindowsKeys.namedKey(name).extended(), name);
    assertTrue(press(name, NO_LOOKUP).stream().allMatch(Stroke::extended), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Return", "Tab", "Escape", "BackSpace", "space", "Pause", "Caps_Lock", "Scroll_Lock", "KP_Add",
      "KP_Subtract", "KP_Multiply", "KP_Decimal", "KP_0", "KP_8", "F1", "F24"})
  void mainBlockAndKeypadKeysAreNotExtended(String name) {
    assertFalse(WindowsKeys.namedKey(name).extended(), name);
  }

  @Test
  void aBareCharacterIsSentAsUnicodeWhateverTheLayout() {
    assertEquals(List.of(new Stroke(0, 0xE9, UNICODE), new Stroke(0, 0xE9, UNICODE | UP)), press("é", NO_LOOKUP));
  }

  @Test
  void aBareCharacterOutsideTheBmpIsItsTwoSurrogatesEachPressedAndReleased() {
    assertEquals(List.of(new Stroke(0, 0xD83D, UNICODE), new Stroke(0, 0xD83D, UNICODE | UP), new Stroke(0, 0xDE00, UNICODE),
        new Stroke(0, 0xDE00, UNICODE | UP)), press("\uD83D\uDE00", NO_LOOKUP));
  }

  @Test
  void lettersAndDigitsWithModifiersAreTheirKeysOnAnyLayout() {
    assertEquals(List.of(down(0x11), down(0x5A), up(0x5A), up(0x11)), press("ctrl+z", NO_LOOKUP));
    assertEquals(List.of(down(0x11), down(0x5A), up(0x5A), up(0x11)), press("ctrl+Z", NO_LOOKUP));
    assertEquals(List.of(down(0x12), down(0x31), up(0x31), up(0x12)), press("alt+1", NO_LOOKUP));
  }

  @Test
  void shiftedPunctuationAddsTheShiftTheLayoutNeeds() {
    assertEquals(List.of(down(0x11), down(0x10), down(0x31), up(0x31), up(0x10), up(0x11)), press("ctrl+!", US_LAYOUT));
    assertEquals(List.of(down(0x11), down(0x10), down(0xBB), up(0xBB), up(0x10), up(0x11)), press("ctrl++", US_LAYOUT));
  }

  @Test
  void unshiftedPunctuationAddsNothing() {
    assertEquals(List.of(down(0x11), down(0xBF), up(0xBF), up(0x11)), press("ctrl+/", US_LAYOUT));
  }

  @Test
  void aShiftTheComboAlreadyHasIsPressedOnce() {
    assertEquals(List.of(down(0x10), down(0x31), up(0x31), up(0x10)), press("shift+!", US_LAYOUT));
  }

  @Test
  void anAltGrCharacterAddsCtrlAndAlt() {
    IntUnaryOperator german = c -> c == '€' ? 0x600 | 0x45 : -1; // ctrl+alt (AltGr) + E
    assertEquals(List.of(down(0x11), down(0x12), new Stroke(0x5B, 0, EXT), down(0x45), up(0x45), new Stroke(0x5B, 0, EXT | UP),
        up(0x12), up(0x11)), press("win+€", german));
  }

  @Test
  void aCharacterTheLayoutHasNoKeyForFailsAsABadWorkflow() {
    StepFailure f = assertThrows(StepFailure.class, () -> press("ctrl+€", US_LAYOUT));
    assertEquals(ErrorClass.BAD_WORKFLOW, f.errorClass());
    assertTrue(f.getMessage().contains("'ctrl+€'") && f.getMessage().contains("no key"), f.getMessage());
  }

  @Test
  void anUnsignedNoKeyAnswerIsNoKeyToo() {
    assertThrows(StepFailure.class, () -> press("ctrl+€", c -> 0xFFFF));
  }

  @Test
  void aCharacterOutsideTheBmpWithModifiersFailsWithoutAskingTheLayout() {
    StepFailure f = assertThrows(StepFailure.class, () -> press("ctrl+\uD83D\uDE00", NO_LOOKUP));
    assertEquals(ErrorClass.BAD_WORKFLOW, f.errorClass());
  }

  @Test
  void typingSendsEachUtf16UnitAsUnicodeDownAndUp() {
    assertEquals(List.of(new Stroke(0, 'h', UNICODE), new Stroke(0, 'h', UNICODE | UP), new Stroke(0, 'é', UNICODE),
        new Stroke(0, 'é', UNICODE | UP), new Stroke(0, 0xD83D, UNICODE), new Stroke(0, 0xD83D, UNICODE | UP),
        new Stroke(0, 0xDE00, UNICODE), new Stroke(0, 0xDE00, UNICODE | UP)), WindowsKeys.type("hé\uD83D\uDE00"));
  }

  @Test
  void typingALineBreakOrATabPressesTheKey() {
    Stroke a = new Stroke(0, 'a', UNICODE), aUp = new Stroke(0, 'a', UNICODE | UP);
    assertEquals(List.of(a, aUp, down(0x0D), up(0x0D), a, aUp, down(0x09), up(0x09), a, aUp), WindowsKeys.type("a\na\ta"));
  }

  @Test
  void aWindowsLineBreakIsOneReturnAndALoneCarriageReturnIsOneToo() {
    assertEquals(List.of(down(0x0D), up(0x0D)), WindowsKeys.type("\r\n"));
    assertEquals(List.of(down(0x0D), up(0x0D)), WindowsKeys.type("\r"));
    assertEquals(List.of(down(0x0D), up(0x0D), down(0x0D), up(0x0D)), WindowsKeys.type("\r\n\n"));
  }

  @Test
  void typingABackspaceOrAnEscapePressesTheKey() {
    assertEquals(List.of(down(0x08), up(0x08), down(0x1B), up(0x1B)), WindowsKeys.type("\b\u001b"));
  }

  @Test
  void typingAnotherControlCharacterFailsAndSaysWhichOne() {
    StepFailure f = assertThrows(StepFailure.class, () -> WindowsKeys.type("\uD83D\uDE00a\u0001"));
    assertEquals(ErrorClass.BAD_WORKFLOW, f.errorClass());
    assertEquals("cannot type character 3: U+0001 is a control character no key types", f.getMessage());
  }

  @Test
  void typingNothingIsNoStrokes() {
    assertEquals(List.of(), WindowsKeys.type(""));
  }

  @Test
  void afterAPartlyRefusedPlanTheKeysLeftDownAreReleasedLastFirst() {
    List<Stroke> plan = press("ctrl+shift+Page_Up", NO_LOOKUP);
    assertEquals(List.of(new Stroke(0x21, 0, EXT | UP), up(0x10), up(0x11)), WindowsKeys.releaseAfter(plan, 3));
    assertEquals(List.of(up(0x10), up(0x11)), WindowsKeys.releaseAfter(plan, 4));
    assertEquals(List.of(up(0x11)), WindowsKeys.releaseAfter(plan, 5));
  }

  @Test
  void aPlanRefusedWholeOrSentWholeNeedsNoRelease() {
    List<Stroke> plan = press("ctrl+a", NO_LOOKUP);
    assertEquals(List.of(), WindowsKeys.releaseAfter(plan, 0));
    assertEquals(List.of(), WindowsKeys.releaseAfter(plan, plan.size()));
    assertEquals(List.of(), WindowsKeys.releaseAfter(WindowsKeys.type("ab"), 1)); // Unicode strokes hold no key
  }
}
