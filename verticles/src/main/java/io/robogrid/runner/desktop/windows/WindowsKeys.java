package io.robogrid.runner.desktop.windows;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.desktop.KeyCombo;
import io.robogrid.runner.desktop.KeyCombo.Modifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * How a key combination or a text becomes Windows keyboard input: the {@code KEYBDINPUT} records that
 * {@code SendInput} takes, in order. Pure (no Windows call), so every plan is tested on any OS; the one thing only
 * Windows knows, which key of the current keyboard layout gives a character, is passed in as a function.
 */
public final class WindowsKeys {
  private WindowsKeys() {}

  public static final int KEYEVENTF_EXTENDEDKEY = 0x1;
  public static final int KEYEVENTF_KEYUP = 0x2;
  public static final int KEYEVENTF_UNICODE = 0x4;

  // Virtual-key codes, as winuser.h defines them.
  static final int VK_BACK = 0x08;
  static final int VK_TAB = 0x09;
  static final int VK_RETURN = 0x0D;
  static final int VK_SHIFT = 0x10;
  static final int VK_CONTROL = 0x11;
  static final int VK_MENU = 0x12;
  static final int VK_PAUSE = 0x13;
  static final int VK_CAPITAL = 0x14;
  static final int VK_ESCAPE = 0x1B;
  static final int VK_SPACE = 0x20;
  static final int VK_PRIOR = 0x21;
  static final int VK_NEXT = 0x22;
  static final int VK_END = 0x23;
  static final int VK_HOME = 0x24;
  static final int VK_LEFT = 0x25;
  static final int VK_UP = 0x26;
  static final int VK_RIGHT = 0x27;
  static final int VK_DOWN = 0x28;
  static final int VK_SNAPSHOT = 0x2C;
  static final int VK_INSERT = 0x2D;
  static final int VK_DELETE = 0x2E;
  static final int VK_LWIN = 0x5B;
  static final int VK_APPS = 0x5D;
  static final int VK_NUMPAD0 = 0x60;
  static final int VK_MULTIPLY = 0x6A;
  static final int VK_ADD = 0x6B;
  static final int VK_SUBTRACT = 0x6D;
  static final int VK_DECIMAL = 0x6E;
  static final int VK_DIVIDE = 0x6F;
  static final int VK_F1 = 0x70;
  static final int VK_NUMLOCK = 0x90;
  static final int VK_SCROLL = 0x91;

  /**
   * One {@code KEYBDINPUT}: a key going down or up.
   *
   * @param vk the virtual-key code, 0 for a {@code KEYEVENTF_UNICODE} stroke
   * @param scan the UTF-16 unit of a Unicode stroke; 0 otherwise (the driver asks the keyboard layout for the
   *     hardware scan code, which remote-desktop clients forward instead of the virtual key)
   * @param flags {@code KEYEVENTF_*} bits
   */
  public record Stroke(int vk, int scan, int flags) {

    public boolean up() {
      return (flags & KEYEVENTF_KEYUP) != 0;
    }

    public boolean unicode() {
      return (flags & KEYEVENTF_UNICODE) != 0;
    }

    public boolean extended() {
      return (flags & KEYEVENTF_EXTENDEDKEY) != 0;
    }
  }

  /**
   * A physical key: its virtual-key code, and whether it is an extended key (scan code prefixed E0). The flag is what
   * tells Windows the arrow keys from the keypad's 4-6-8-2 and the keypad's Enter from the main one.
   */
  public record VirtualKey(int vk, boolean extended) {

    Stroke down() {
      return new Stroke(vk, 0, extended ? KEYEVENTF_EXTENDEDKEY : 0);
    }

    Stroke up() {
      return new Stroke(vk, 0, KEYEVENTF_KEYUP | (extended ? KEYEVENTF_EXTENDEDKEY : 0));
    }
  }

  private static final Map<String, VirtualKey> NAMED = new HashMap<>();
  private static final Map<Modifier, VirtualKey> MODIFIERS = new EnumMap<>(Modifier.class);

  static {
    named("Return", VK_RETURN, false);
    named("Tab", VK_TAB, false);
    named("Escape", VK_ESCAPE, false);
    named("BackSpace", VK_BACK, false);
    named("Delete", VK_DELETE, true);
    named("Insert", VK_INSERT, true);
    named("Home", VK_HOME, true);
    named("End", VK_END, true);
    named("Page_Up", VK_PRIOR, true);
    named("Page_Down", VK_NEXT, true);
    named("Left", VK_LEFT, true);
    named("Up", VK_UP, true);
    named("Right", VK_RIGHT, true);
    named("Down", VK_DOWN, true);
    named("space", VK_SPACE, false);
    named("Menu", VK_APPS, true);
    named("Print", VK_SNAPSHOT, true);
    named("Pause", VK_PAUSE, false);
    named("Caps_Lock", VK_CAPITAL, false);
    named("Num_Lock", VK_NUMLOCK, true);
    named("Scroll_Lock", VK_SCROLL, false);
    named("KP_Enter", VK_RETURN, true);
    named("KP_Add", VK_ADD, false);
    named("KP_Subtract", VK_SUBTRACT, false);
    named("KP_Multiply", VK_MULTIPLY, false);
    named("KP_Divide", VK_DIVIDE, true);
    named("KP_Decimal", VK_DECIMAL, false);
    for (int i = 1; i <= 24; i++) named("F" + i, VK_F1 + i - 1, false);
    for (int i = 0; i <= 9; i++) named("KP_" + i, VK_NUMPAD0 + i, false);
    MODIFIERS.put(Modifier.CTRL, new VirtualKey(VK_CONTROL, false));
    MODIFIERS.put(Modifier.SHIFT, new VirtualKey(VK_SHIFT, false));
    MODIFIERS.put(Modifier.ALT, new VirtualKey(VK_MENU, false));
    MODIFIERS.put(Modifier.SUPER, new VirtualKey(VK_LWIN, true)); // the Windows key's scan code is E0 5B
  }

  private static void named(String name, int vk, boolean extended) {
    NAMED.put(name, new VirtualKey(vk, extended));
  }

  /** The key of canonical name {@code name} (one of {@link KeyCombo#NAMED}), or null. */
  public static VirtualKey namedKey(String name) {
    return NAMED.get(name);
  }

  /** The left-hand key of {@code modifier}: the one a shortcut is pressed with. */
  public static VirtualKey modifierKey(Modifier modifier) {
    return MODIFIERS.get(modifier);
  }

  /**
   * The strokes of {@code combo}: the modifiers down in order, the key down and up, the modifiers up in reverse. A
   * character without modifiers is sent as Unicode, so it arrives whatever the layout; with modifiers it has to be a
   * real key (ctrl+c is a shortcut, not a character), found with {@code vkKeyScan}.
   *
   * @param vkKeyScan what {@code VkKeyScanExW} answers for a UTF-16 unit in the target's layout: the key's virtual-key
   *     code in the low byte, the shift state it needs in the high byte (1 shift, 2 ctrl, 4 alt), -1 for none
   * @throws StepFailure {@code BAD_WORKFLOW} when the layout has no key for the character
   */
  public static List<Stroke> press(KeyCombo combo, IntUnaryOperator vkKeyScan) {
    String key = combo.key();
    if (combo.isCharacter() && combo.modifiers().isEmpty()) return unicode(key);
    Set<Modifier> modifiers = EnumSet.noneOf(Modifier.class);
    modifiers.addAll(combo.modifiers());
    VirtualKey target;
    if (combo.isCharacter()) {
      int scanned = characterKey(combo, vkKeyScan);
      target = new VirtualKey(scanned & 0xFF, false);
      int shiftState = scanned >> 8 & 0xFF;
      if ((shiftState & 1) != 0) modifiers.add(Modifier.SHIFT);
      if ((shiftState & 2) != 0) modifiers.add(Modifier.CTRL);
      if ((shiftState & 4) != 0) modifiers.add(Modifier.ALT);
    } else {
      target = NAMED.get(key);
      if (target == null) throw new StepFailure(ErrorClass.BAD_WORKFLOW, "'" + combo + "': Windows has no key named '" + key + "'");
    }
    List<VirtualKey> held = modifiers.stream().map(MODIFIERS::get).toList();
    List<Stroke> plan = new ArrayList<>();
    for (VirtualKey m : held) plan.add(m.down());
    plan.add(target.down());
    plan.add(target.up());
    for (int i = held.size() - 1; i >= 0; i--) plan.add(held.get(i).up());
    return plan;
  }

  /**
   * The key of a character pressed with modifiers, as {@code VkKeyScan} encodes it (shift state in the high byte).
   * ASCII letters and digits are fixed: their virtual keys are the letter and digit keys on every layout, which is
   * what a shortcut such as ctrl+z means even where that key does not type a z.
   */
  private static int characterKey(KeyCombo combo, IntUnaryOperator vkKeyScan) {
    char c = combo.key().charAt(0);
    if (c >= 'a' && c <= 'z') return c - 'a' + 'A';
    if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return c;
    int scanned = combo.key().length() == 1 ? vkKeyScan.applyAsInt(c) : -1;
    int vk = scanned & 0xFF;
    if (scanned == -1 || vk == 0 || vk == 0xFF) {
      throw new StepFailure(ErrorClass.BAD_WORKFLOW, "'" + combo + "': the keyboard layout has no key that types '" + combo.key()
          + "', so it cannot be pressed with modifiers (type it as text, or name a key the layout has)");
    }
    return scanned & 0xFFFF;
  }

  /**
   * The strokes that type {@code text} into the focused window: each UTF-16 unit as Unicode input (a character
   * outside the BMP is its two surrogates, each pressed and released, as the on-screen keyboard does). The control
   * characters a keyboard has keys for are those keys, because editors act on the keys rather than the characters:
   * line breaks are Return ({@code \r\n} is one), then Tab, BackSpace and Escape, as on X11.
   *
   * @throws StepFailure {@code BAD_WORKFLOW} for any other control character, which no key types
   */
  public static List<Stroke> type(String text) {
    List<Stroke> plan = new ArrayList<>(text.length() * 2);
    int character = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isLowSurrogate(c)) character++;
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') continue;
      VirtualKey key = switch (c) {
        case '\n', '\r' -> NAMED.get("Return");
        case '\t' -> NAMED.get("Tab");
        case '\b' -> NAMED.get("BackSpace");
        case 0x1B -> NAMED.get("Escape");
        default -> null;
      };
      if (key != null) {
        plan.add(key.down());
        plan.add(key.up());
      } else if (c < 0x20 || c == 0x7F) {
        throw new StepFailure(ErrorClass.BAD_WORKFLOW,
            String.format("cannot type character %d: U+%04X is a control character no key types", character, (int) c));
      } else {
        plan.add(new Stroke(0, c, KEYEVENTF_UNICODE));
        plan.add(new Stroke(0, c, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP));
      }
    }
    return plan;
  }

  private static List<Stroke> unicode(String text) {
    List<Stroke> plan = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      plan.add(new Stroke(0, text.charAt(i), KEYEVENTF_UNICODE));
      plan.add(new Stroke(0, text.charAt(i), KEYEVENTF_UNICODE | KEYEVENTF_KEYUP));
    }
    return plan;
  }

  /**
   * What to send when Windows took only the first {@code sent} strokes of {@code plan}: the ups of the keys those left
   * down, last pressed first released, so that a refused ctrl+a does not leave Ctrl held for every later input.
   */
  public static List<Stroke> releaseAfter(List<Stroke> plan, int sent) {
    List<Stroke> down = new ArrayList<>();
    for (Stroke s : plan.subList(0, Math.min(sent, plan.size()))) {
      if (s.unicode()) continue;
      if (s.up()) {
        down.removeIf(d -> d.vk() == s.vk());
      } else if (down.stream().noneMatch(d -> d.vk() == s.vk())) {
        down.add(s);
      }
    }
    List<Stroke> release = new ArrayList<>();
    for (int i = down.size() - 1; i >= 0; i--) {
      Stroke d = down.get(i);
      release.add(new Stroke(d.vk(), d.scan(), d.flags() | KEYEVENTF_KEYUP));
    }
    return release;
  }
}
