package io.robogrid.runner.desktop.x11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class X11KeysymsTest {

  @Test
  void latin1CharactersAreTheirOwnKeysymsAndTheRestUseTheUnicodeRange() {
    assertEquals('a', X11Keysyms.forCodePoint('a'));
    assertEquals('~', X11Keysyms.forCodePoint('~'));
    assertEquals(0xe9, X11Keysyms.forCodePoint('é'), "eacute");
    assertEquals(0xa0, X11Keysyms.forCodePoint(0xa0), "no-break space");
    assertEquals(0x10003a9L, X11Keysyms.forCodePoint('Ω'));
    assertEquals(0x1002713L, X11Keysyms.forCodePoint('✓'));
    assertEquals(0x101f600L, X11Keysyms.forCodePoint(0x1f600), "beyond the BMP");
  }

  @Test
  void lineBreaksAndTabsAreTheirKeysAndOtherControlCharactersAreRefused() {
    assertEquals(0xff0d, X11Keysyms.forCodePoint('\n'));
    assertEquals(0xff0d, X11Keysyms.forCodePoint('\r'));
    assertEquals(0xff09, X11Keysyms.forCodePoint('\t'));
    assertEquals("U+0007 is a control character no key types", assertThrows(IllegalArgumentException.class, () -> X11Keysyms.forCodePoint(7)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> X11Keysyms.forCodePoint(0x7f));
  }
}
