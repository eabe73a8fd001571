package io.robogrid.runner.desktop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One key press with its modifiers, as {@code desktop.key} writes it: {@code ctrl+a}, {@code Return}, {@code alt+F4},
 * {@code ctrl+shift+Page_Up}. Key names are the X keysym names ({@link #NAMED}) with common aliases ({@code Enter},
 * {@code Esc}, {@code PageUp}, {@code ArrowLeft}…), matched without regard to case, {@code _} or {@code -}; any single
 * character is a key too ({@code a}, {@code 7}, {@code /}, {@code é}). Pure: both drivers read the same names.
 *
 * @param modifiers held down around the key, pressed in the order ctrl, shift, alt, super (and released in reverse)
 * @param key a canonical name from {@link #NAMED}, or one character
 */
public record KeyCombo(Set<Modifier> modifiers, String key) {

  public enum Modifier { CTRL, SHIFT, ALT, SUPER }

  private static final Map<String, Modifier> MODIFIERS = Map.of("ctrl", Modifier.CTRL, "control", Modifier.CTRL, "shift", Modifier.SHIFT,
      "alt", Modifier.ALT, "super", Modifier.SUPER, "win", Modifier.SUPER, "meta", Modifier.SUPER, "cmd", Modifier.SUPER);

  /** The named keys, by their canonical (X keysym) names. */
  public static final List<String> NAMED;
  /** Lookup form (lower case, no {@code _} or {@code -}) → canonical name or single character. */
  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    List<String> named = new ArrayList<>(List.of("Return", "Tab", "Escape", "BackSpace", "Delete", "Insert", "Home", "End", "Page_Up",
        "Page_Down", "Left", "Up", "Right", "Down", "space", "Menu", "Print", "Pause", "Caps_Lock", "Num_Lock", "Scroll_Lock",
        "KP_Enter", "KP_Add", "KP_Subtract", "KP_Multiply", "KP_Divide", "KP_Decimal"));
    for (int i = 1; i <= 24; i++) named.add("F" + i);
    for (int i = 0; i <= 9; i++) named.add("KP_" + i);
    NAMED = List.copyOf(named);
    for (String n : NAMED) NAMES.put(fold(n), n);
    Map<String, String> aliases = Map.ofEntries(Map.entry("enter", "Return"), Map.entry("esc", "Escape"), Map.entry("del", "Delete"),
        Map.entry("ins", "Insert"), Map.entry("pgup", "Page_Up"), Map.entry("pgdn", "Page_Down"), Map.entry("arrowleft", "Left"),
        Map.entry("arrowright", "Right"), Map.entry("arrowup", "Up"), Map.entry("arrowdown", "Down"), Map.entry("spacebar", "space"),
        Map.entry("printscreen", "Print"), Map.entry("prtsc", "Print"), Map.entry("capslock", "Caps_Lock"), Map.entry("apps", "Menu"),
        Map.entry("contextmenu", "Menu"), Map.entry("plus", "+"), Map.entry("minus", "-"));
    aliases.forEach((alias, name) -> NAMES.put(fold(alias), name));
  }

  public KeyCombo {
    modifiers = Collections.unmodifiableSet(modifiers.isEmpty() ? EnumSet.noneOf(Modifier.class) : EnumSet.copyOf(modifiers));
  }

  /** Whether {@link #key} is one character rather than a named key. */
  public boolean isCharacter() {
    return key.codePointCount(0, key.length()) == 1 && !NAMED.contains(key);
  }

  /**
   * Reads one combo. A letter with modifiers is taken in lower case ({@code ctrl+A} is {@code ctrl+a}: add
   * {@code shift} for the capital), as shortcuts are written.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static KeyCombo parse(String combo) {
    String s = combo == null ? "" : combo.strip();
    if (s.isEmpty()) throw new IllegalArgumentException("an empty key combination");
    List<String> parts = new ArrayList<>();
    String keyPart;
    if (s.equals("+")) {
      keyPart = "+";
    } else if (s.endsWith("++")) { // ctrl++: the last '+' is the key
      keyPart = "+";
      parts.addAll(List.of(s.substring(0, s.length() - 2).split("\\+", -1)));
    } else {
      List<String> all = List.of(s.split("\\+", -1));
      keyPart = all.get(all.size() - 1);
      parts.addAll(all.subList(0, all.size() - 1));
    }
    EnumSet<Modifier> mods = EnumSet.noneOf(Modifier.class);
    for (String p : parts) {
      Modifier m = MODIFIERS.get(p.strip().toLowerCase(Locale.ROOT));
      if (m == null) {
        throw new IllegalArgumentException("'" + s + "': '" + p.strip() + "' is not a modifier (ctrl, shift, alt, super)");
      }
      if (!mods.add(m)) throw new IllegalArgumentException("'" + s + "': " + p.strip() + " is given twice");
    }
    if (MODIFIERS.containsKey(keyPart.strip().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("'" + s + "': a combination ends with its key, not with the modifier " + keyPart.strip());
    }
    String key = keyName(keyPart.strip(), s);
    if (!mods.isEmpty() && key.length() == 1 && Character.isLetter(key.charAt(0))) key = key.toLowerCase(Locale.ROOT);
    return new KeyCombo(mods, key);
  }

  /**
   * A sequence of combos pressed one after the other: a string of combos separated by spaces
   * ({@code "ctrl+a BackSpace"}) or a list of them.
   */
  public static List<KeyCombo> sequence(Object keys) {
    List<String> specs = new ArrayList<>();
    if (keys instanceof String s) {
      specs.addAll(List.of(s.strip().split("\\s+")));
    } else if (keys instanceof Iterable<?> list) {
      for (Object o : list) {
        if (!(o instanceof String s)) throw new IllegalArgumentException("each entry must be a key combination like ctrl+a");
        specs.add(s);
      }
    } else {
      throw new IllegalArgumentException("must be a key combination like ctrl+a, or a list of them");
    }
    if (specs.isEmpty() || specs.size() == 1 && specs.get(0).isBlank()) throw new IllegalArgumentException("names no key");
    if (specs.size() > 100) throw new IllegalArgumentException("has " + specs.size() + " combinations; at most 100 are allowed");
    return specs.stream().map(KeyCombo::parse).toList();
  }

  private static String keyName(String name, String combo) {
    if (name.isEmpty()) throw new IllegalArgumentException("'" + combo + "' names no key after its last '+'");
    if (name.codePointCount(0, name.length()) == 1) return name;
    String known = NAMES.get(fold(name));
    if (known == null) {
      throw new IllegalArgumentException("'" + combo + "': unknown key '" + name + "' (a character, or one of Return, Tab, Escape,"
          + " BackSpace, Delete, Home, End, Page_Up, Page_Down, Left, Up, Right, Down, space, F1-F24…)");
    }
    return known;
  }

  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /** The combo as written canonically: {@code ctrl+shift+Page_Up}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Modifier m : modifiers) b.append(m.name().toLowerCase(Locale.ROOT)).append('+');
    return b.append(key).toString();
  }
}
