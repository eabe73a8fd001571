package io.robogrid.secrets;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for secret values: a fresh 12-byte nonce per encryption, the secret's name as associated data (a
 * ciphertext copied under another name does not decrypt), and the key's id alongside.
 */
public final class SecretCipher {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12, TAG_BITS = 128;

  private SecretCipher() {}

  /** One encrypted value: nonce and ciphertext (with its tag), and which key made it. */
  public record Sealed(byte[] nonce, byte[] ciphertext, String keyId) {
    public JsonObject toJson() {
      return new JsonObject().put("nonce", Base64.getEncoder().encodeToString(nonce))
          .put("ciphertext", Base64.getEncoder().encodeToString(ciphertext)).put("keyId", keyId);
    }

    public static Sealed fromJson(JsonObject j) {
      return new Sealed(Base64.getDecoder().decode(j.getString("nonce")), Base64.getDecoder().decode(j.getString("ciphertext")), j.getString("keyId"));
    }
  }

  public static Sealed seal(MasterKey key, String name, String value) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return new Sealed(nonce, c.doFinal(value.getBytes(StandardCharsets.UTF_8)), key.id());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /** The value; fails BAD_REFERENCE (naming the keys, never the value) when it was sealed with another key or was altered. */
  public static String open(MasterKey key, String name, Sealed sealed) {
    if (!key.id().equals(sealed.keyId())) {
      throw new StepFailure(ErrorClass.BAD_REFERENCE, "secret '" + name + "' was encrypted with master key " + sealed.keyId()
          + ", this node has key " + key.id() + " (give every node the same ROBOGRID_MASTER_KEY_FILE)");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new StepFailure(ErrorClass.BAD_REFERENCE, "secret '" + name + "' cannot be decrypted (altered, or stored under another name)");
    }
  }

}
