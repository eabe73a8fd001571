package io.robogrid.store;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's embedded PostgreSQL running. A server that exits while the node runs (killed, crashed, stopped by
 * hand, out of disk) is started again on the same data directory and port, with a doubling pause between tries, so
 * that the node heals without a person: the connection pools reconnect by themselves, and what runners could not
 * report meanwhile is delivered once it is back. {@link #status()} says what is happening, for {@code /health}.
 * <p>
 * The watching runs on a thread of its own (starting PostgreSQL blocks for seconds), never on an event loop.
 */
public final class EmbeddedSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSupervisor.class);
  static final Duration CHECK_EVERY = Duration.ofMillis(200);
  static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  public enum State { RUNNING, RESTARTING, STOPPED }

  private final Path dataDir;
  private final int port;
  private final Clock clock = Clock.systemUTC();
  private final Thread watcher;
  private volatile EmbeddedDatabase server;
  private volatile ProcessHandle postmaster;
  private volatile State state = State.RUNNING;
  private volatile boolean closing;
  private volatile int restarts;
  private volatile Instant since;
  private volatile Instant lastExitAt;
  private volatile Instant nextTryAt;
  private volatile String lastError;

  private EmbeddedSupervisor(EmbeddedDatabase server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.port = server.port();
    this.postmaster = server.postmaster().orElse(null);
    this.since = clock.instant();
    this.watcher = new Thread(this::watch, "robogrid-db-supervisor");
    watcher.setDaemon(true);
  }

  /** Starts the server (blocking, as {@link EmbeddedDatabase#start}) and begins watching it. */
  public static EmbeddedSupervisor start(Path dataDir, int port) throws IOException {
    EmbeddedSupervisor s = new EmbeddedSupervisor(EmbeddedDatabase.start(dataDir, port), dataDir);
    s.watcher.start();
    return s;
  }

  public int port() {
    return port;
  }

  public State state() {
    return state;
  }

  /** How many times the server was started again since the node started. */
  public int restarts() {
    return restarts;
  }

  /** The postmaster's process, while one runs. */
  public Optional<ProcessHandle> postmaster() {
    return Optional.ofNullable(postmaster).filter(ProcessHandle::isAlive);
  }

  /** What {@code /health} shows of the embedded server. */
  public JsonObject status() {
    JsonObject s = new JsonObject().put("embedded", true).put("state", state.name()).put("port", port).put("since", str(since))
        .put("restarts", restarts);
    ProcessHandle p = postmaster;
    if (p != null && state == State.RUNNING) s.put("pid", p.pid());
    if (lastExitAt != null) s.put("lastExitAt", str(lastExitAt));
    if (state == State.RESTARTING && nextTryAt != null) s.put("nextTryAt", str(nextTryAt));
    if (lastError != null) s.put("lastError", lastError);
    return s;
  }

  private void watch() {
    while (!closing) {
      sleep(CHECK_EVERY);
      ProcessHandle p = postmaster;
      if (closing || p != null && p.isAlive()) continue;
      lastExitAt = clock.instant();
      state = State.RESTARTING;
      since = lastExitAt;
      log.error("the embedded PostgreSQL server (pid {}) on port {} has exited: starting it again on {}", p == null ? "?" : p.pid(), port, dataDir);
      restart();
    }
  }

  /** Tries until the server runs again (or the node stops), pausing twice as long after each failure, at most {@link #MAX_PAUSE}. */
  private void restart() {
    Duration pause = FIRST_PAUSE;
    while (!closing) {
      long t0 = System.nanoTime();
      try {
        closeQuietly(server);
        killLeftovers();
        EmbeddedDatabase fresh = EmbeddedDatabase.start(dataDir, port);
        if (closing) {
          closeQuietly(fresh);
          return;
        }
        server = fresh;
        postmaster = fresh.postmaster().orElse(null);
        restarts++;
        state = State.RUNNING;
        since = clock.instant();
        nextTryAt = null;
        lastError = null;
        log.info("the embedded PostgreSQL server runs again on port {} ({} ms, restart {})", port, (System.nanoTime() - t0) / 1_000_000, restarts);
        return;
      } catch (Exception e) {
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        nextTryAt = clock.instant().plus(pause);
        log.warn("the embedded PostgreSQL server did not start ({}): next try in {} ms", lastError, pause.toMillis());
        sleep(pause);
        pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
      }
    }
  }

  /**
   * A postmaster killed outright leaves its backends behind for a moment, still attached to its shared memory, and a
   * new server refuses to start beside them. They are the postgres processes whose working directory is the data
   * directory (PostgreSQL works from there); on a system without {@code /proc} the next try waits them out instead.
   */
  private void killLeftovers() {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) return;
    Path data;
    try {
      data = dataDir.toRealPath();
    } catch (IOException e) {
      return;
    }
    ProcessHandle.allProcesses().filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false)).forEach(h -> {
      try {
        if (Files.readSymbolicLink(proc.resolve(Long.toString(h.pid())).resolve("cwd")).equals(data)) {
          log.warn("stopping a leftover PostgreSQL process {} of the dead server", h.pid());
          h.destroyForcibly();
        }
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        // gone meanwhile, or not ours to look at
      }
    });
  }

  /** Stops watching, then stops the server. */
  @Override
  public void close() throws IOException {
    closing = true;
    watcher.interrupt();
    try {
      watcher.join(Duration.ofSeconds(90).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    state = State.STOPPED;
    server.close();
  }

  private static void closeQuietly(EmbeddedDatabase db) {
    try {
      db.close();
    } catch (Exception e) {
      // it is dead already: only its lock on the data directory had to go
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      // close() wakes the watcher: the loop checks closing
    }
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
