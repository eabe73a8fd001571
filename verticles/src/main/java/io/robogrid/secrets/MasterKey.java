package io.robogrid.secrets;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import io.robogrid.core.PrivateFiles;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key secrets are encrypted with: 32 random bytes (AES-256) in a file readable by its owner alone. Every node that
 * stores secrets (web) and every runner that uses them must have the same key: {@code ROBOGRID_MASTER_KEY_FILE}, or on
 * a single node the one generated into its data directory on first start. Its id (the first bytes of its SHA-256) is
 * kept with each ciphertext, so that a node with another key says so instead of failing to decrypt.
 */
public record MasterKey(SecretKey key, String id, Path file) {

  /** Reads the key from {@code file}; throws when it is missing or not 32 bytes. */
  public static MasterKey read(Path file) {
    try {
      byte[] raw = Files.readAllBytes(file);
      if (raw.length == 64) raw = HexFormat.of().parseHex(new String(raw, java.nio.charset.StandardCharsets.US_ASCII).strip());
      if (raw.length != 32) throw new IllegalArgumentException("master key file " + file + " must hold 32 bytes (or 64 hex digits), not " + raw.length);
      return of(raw, file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the master key file " + file + ": " + e.getMessage());
    }
  }

  /** Reads the key from {@code file}, or creates one there (owner-only permissions) when there is none yet. */
  public static MasterKey readOrCreate(Path file) {
    if (Files.exists(file)) return read(file);
    MasterKey key = generate(file);
    try {
      PrivateFiles.create(file, key.hex());
    } catch (FileAlreadyExistsException e) {
      return read(file); // another process created it meanwhile
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException("cannot create " + file + " with owner-only permissions on this file system");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create the master key file " + file + ": " + e.getMessage());
    }
    return key;
  }

  /** A new random key (for {@code rekey}), not yet written anywhere. */
  public static MasterKey generate(Path file) {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    return of(raw, file);
  }

  /** Writes this key to its file (owner-only), replacing the file atomically. */
  public void write() throws IOException {
    PrivateFiles.replace(file, hex());
  }

  private String hex() {
    return HexFormat.of().formatHex(key.getEncoded());
  }

  private static MasterKey of(byte[] raw, Path file) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
      return new MasterKey(new SecretKeySpec(raw, "AES"), HexFormat.of().formatHex(digest, 0, 6), file);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[" + id + "]"; // never the key
  }
}
