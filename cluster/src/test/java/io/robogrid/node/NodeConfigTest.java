package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.robogrid.grid.Capability;
import io.robogrid.runner.RunnerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Environment variables over robogrid.json, read without starting a node. */
class NodeConfigTest {
  @TempDir
  Path conf;

  private RunnerOptions runner(Map<String, String> env) {
    return RunnerOptions.fromJson("n1", "test", NodeConfig.load(conf, env).section("runner"));
  }

  @Test
  void desktopsFromTheEnvironmentAreOfferedWithTheirDisplays() {
    RunnerOptions r = runner(Map.of("ROBOGRID_CAPABILITIES", "http,browser:2", "ROBOGRID_DESKTOPS", "desk1=:99, desk2 = :100"));
    assertEquals(List.of("http", "browser:2", "desktop:desk1", "desktop:desk2"), r.capabilities().stream().map(Capability::toString).toList());
    assertEquals(Map.of("desk1", ":99", "desk2", ":100"), r.desktop().displays());
    assertEquals(Duration.ofMinutes(3), r.desktop().keepAlive(), "the default keep-alive interval");
  }

  @Test
  void aDesktopListedAsACapabilityTooIsOfferedOnce() {
    RunnerOptions r = runner(Map.of("ROBOGRID_CAPABILITIES", "desktop:desk1", "ROBOGRID_DESKTOPS", "desk1=:99"));
    assertEquals(List.of("desktop:desk1"), r.capabilities().stream().map(Capability::toString).toList());
  }

  @Test
  void aMalformedDesktopListIsRefusedWithItsMistake() {
    assertEquals("ROBOGRID_DESKTOPS: 'desk1' is not name=display (like desk1=:99)",
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(conf, Map.of("ROBOGRID_DESKTOPS", "desk1"))).getMessage());
    assertEquals("runner.desktops: 'Desk One' is not a desktop name (letters, digits, '.', '_', '-')",
        assertThrows(IllegalArgumentException.class, () -> runner(Map.of("ROBOGRID_DESKTOPS", "Desk One=:1"))).getMessage());
  }
}
