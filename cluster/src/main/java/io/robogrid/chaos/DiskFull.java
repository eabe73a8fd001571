package io.robogrid.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The node's data directory runs out of space under load: it is a small tmpfs (root mounts it), filled to the last
 * byte by a file of the scenario's, kept full while the stream flows, then freed. PostgreSQL may PANIC when it cannot
 * write its WAL; the node must heal by itself (the supervisor starts the server again) and every accepted job must end.
 */
final class DiskFull extends Scenario {
  private static final int MEGABYTES = 256;

  String name() {
    return "disk-full";
  }

  String databaseNode() {
    return "node";
  }

  String cannotRun() {
    if (!"root".equals(System.getProperty("user.name")) && !isRoot()) return "mounting a tmpfs for the data directory needs root";
    return null;
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      return new String(p.getInputStream().readAllBytes()).strip().equals("0");
    } catch (IOException e) {
      return false;
    }
  }

  void setUp(ChaosGrid g) throws Exception {
    g.tmpfsDataDir("node", MEGABYTES);
    g.start("node", Scenarios.ALL_ROLES, "http,browser:1");
  }

  Fault inject(ChaosGrid g, Load load, Size size) throws Exception {
    Scenarios.awaitThird(load, size);
    Path fill = g.nodes.dataDir("node").resolve("fill");
    Instant at = Instant.now();
    long bytes = 0;
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(fill)) {
      while (true) {
        out.write(chunk);
        bytes += chunk.length;
      }
    } catch (IOException e) {
      // no space left on the device: what this scenario wants
    }
    // the last partial megabyte too, so that not a page is left
    try (OutputStream out = Files.newOutputStream(fill, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        bytes++;
      }
    } catch (IOException e) {
      // full
    }
    Duration hold = Duration.ofSeconds(size.quick() ? 8 : 20);
    sleep(hold);
    Files.delete(fill);
    Instant freed = Instant.now();
    return new Fault(at, freed, String.format("data dir (tmpfs %d MiB) filled with %d MiB, kept full %d s under load, then freed",
        MEGABYTES, bytes >> 20, hold.toSeconds()));
  }
}
