package io.robogrid.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.StepFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {
  @TempDir
  Path dir;

  @Test
  void aSealedValueOpensOnlyWithItsKeyAndUnderItsName() {
    MasterKey key = MasterKey.readOrCreate(dir.resolve("master.key"));
    assertEquals(key.id(), MasterKey.read(dir.resolve("master.key")).id(), "the key file is read back as written");
    SecretCipher.Sealed a = SecretCipher.seal(key, "db", "hunter2-longer"), b = SecretCipher.seal(key, "db", "hunter2-longer");
    assertNotEquals(java.util.Arrays.toString(a.ciphertext()), java.util.Arrays.toString(b.ciphertext()), "a fresh nonce each time");
    assertEquals("hunter2-longer", SecretCipher.open(key, "db", SecretCipher.Sealed.fromJson(a.toJson())));
    StepFailure renamed = assertThrows(StepFailure.class, () -> SecretCipher.open(key, "other", a));
    assertEquals("secret 'other' cannot be decrypted (altered, or stored under another name)", renamed.getMessage());
    MasterKey stranger = MasterKey.generate(dir.resolve("x"));
    StepFailure wrongKey = assertThrows(StepFailure.class, () -> SecretCipher.open(stranger, "db", a));
    assertTrue(wrongKey.getMessage().contains("was encrypted with master key " + key.id() + ", this node has key " + stranger.id()));
    assertEquals("BAD_REFERENCE", wrongKey.errorClass().name());
    assertTrue(!key.toString().contains(java.util.HexFormat.of().formatHex(key.key().getEncoded())), "a key never prints itself");
  }

  @Test
  void theRedactorReplacesEveryKnownValueLongestFirstInStringsAndJson() {
    Redactor r = new Redactor();
    r.add("pw", "abcd1234");
    r.add("pin", "1234");
    r.add("tiny", "x"); // too short to redact without blanking every x
    assertEquals("user=[redacted:pw] pin=[redacted:pin] x", r.redact("user=abcd1234 pin=1234 x"));
    JsonObject out = r.redact(new JsonObject().put("abcd1234", new JsonObject().put("list", new io.vertx.core.json.JsonArray().add("1234").add(5))));
    assertEquals(new JsonObject().put("[redacted:pw]", new JsonObject().put("list", new io.vertx.core.json.JsonArray().add("[redacted:pin]").add(5))), out);
  }
}
