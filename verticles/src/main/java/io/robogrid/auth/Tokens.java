package io.robogrid.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** API token values: {@code rgt_} and 32 random bytes, and the hash that is all the database keeps of them. */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  public static final String PREFIX = "rgt_";

  private Tokens() {}

  public static String newToken() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  public static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
