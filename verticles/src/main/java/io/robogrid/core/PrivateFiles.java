package io.robogrid.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files only their owner may read and write (a master key, an admin token): created so from the first byte. */
public final class PrivateFiles {
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private PrivateFiles() {}

  /** Writes {@code text} to {@code file}, which must not exist yet (FileAlreadyExistsException otherwise). */
  public static void create(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.createFile(file, OWNER_ONLY);
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  /** Replaces {@code file}'s content at once: the text goes to a new owner-only file beside it, which is moved over it. */
  public static void replace(Path file, String text) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(next);
    create(next, text);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
