package io.robogrid.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/**
 * The master key a node uses now; a rekey replaces it for every role of the node at once. Null inside: this node has
 * no key (a runner not given one), and cannot use secrets.
 */
public final class Keyring implements Supplier<MasterKey> {
  private volatile MasterKey key;

  public Keyring(MasterKey key) {
    this.key = key;
  }

  @Override
  public MasterKey get() {
    return key;
  }

  /**
   * The key file's next content, written beside it ({@code <file>.next}, owner-only) before anything is re-encrypted:
   * if the node died mid-rekey, the key the database needs is on disk either way.
   */
  public MasterKey prepareNext() throws IOException {
    MasterKey current = key;
    MasterKey next = MasterKey.generate(current.file().resolveSibling(current.file().getFileName() + ".next"));
    next.write();
    return next;
  }

  /** After the database holds only ciphertext of {@code next}: the old key goes to {@code <file>.previous}, the new one in its place. */
  public void commit(MasterKey next) throws IOException {
    MasterKey current = key;
    Files.copy(current.file(), current.file().resolveSibling(current.file().getFileName() + ".previous"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(next.file(), current.file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    key = new MasterKey(next.key(), next.id(), current.file());
  }

  /** A rekey that failed: the prepared file goes. */
  public void abandon(MasterKey next) {
    try {
      Files.deleteIfExists(next.file());
    } catch (IOException e) {
      // left behind: harmless, it is replaced at the next rekey
    }
  }
}
