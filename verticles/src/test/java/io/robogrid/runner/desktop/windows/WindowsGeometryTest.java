package io.robogrid.runner.desktop.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorClass;
import io.robogrid.core.StepFailure;
import io.robogrid.runner.desktop.MouseButton;
import io.robogrid.runner.desktop.Rect;
import io.robogrid.runner.desktop.windows.WindowsGeometry.Normalized;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WindowsGeometryTest {

  /**
   * Where Windows puts normalized coordinate {@code n} on an axis of {@code extent} pixels: {@code n * extent / 65536}
   * rounded down, as measured on Windows and as ReactOS's win32k does it.
   */
  private static int landsOn(int n, int extent) {
    return (int) ((long) n * extent >> 16);
  }

  /** The other reading of the documentation: 0 and 65535 are the first and last pixels, linear and rounded between. */
  private static int landsOnLinearly(int n, int extent) {
    return (int) Math.round((double) n * (extent - 1) / 65535);
  }

  @Test
  void theFlagsAreTheDocumentedBits() {
    assertEquals(0x0001, WindowsGeometry.MOUSEEVENTF_MOVE);
    assertEquals(0x4000, WindowsGeometry.MOUSEEVENTF_VIRTUALDESK);
    assertEquals(0x8000, WindowsGeometry.MOUSEEVENTF_ABSOLUTE);
  }

  @Test
  void theTopLeftPixelIsZeroAndTheBottomRightIs65535() {
    Rect screen = new Rect(0, 0, 1920, 1080);
    assertEquals(new Normalized(0, 0), WindowsGeometry.normalize(0, 0, screen));
    assertEquals(new Normalized(65535, 65535), WindowsGeometry.normalize(1919, 1079, screen));
    assertEquals(new Normalized(0, 65535), WindowsGeometry.normalize(0, 1079, screen));
  }

  @Test
  void aMonitorLeftOfThePrimaryShiftsTheOrigin() {
    Rect virtual = new Rect(-1920, 0, 3840, 1080); // a second monitor left of the primary
    assertEquals(new Normalized(0, 0), WindowsGeometry.normalize(-1920, 0, virtual));
    assertEquals(new Normalized(65535, 65535), WindowsGeometry.normalize(1919, 1079, virtual));
    Normalized primaryCorner = WindowsGeometry.normalize(0, 0, virtual);
    assertEquals(0, landsOn(primaryCorner.dx(), 3840) + virtual.x());
    assertEquals(0, landsOnLinearly(primaryCorner.dx(), 3840) + virtual.x());
  }

  @Test
  void aMonitorAboveThePrimaryShiftsTheOriginVertically() {
    Rect virtual = new Rect(0, -1440, 2560, 2520); // a 2560x1440 monitor above a 1920x1080 primary
    assertEquals(new Normalized(0, 0), WindowsGeometry.normalize(0, -1440, virtual));
    Normalized primaryCenter = WindowsGeometry.normalize(960, 540, virtual);
    assertEquals(960, landsOn(primaryCenter.dx(), 2560) + virtual.x());
    assertEquals(540, landsOn(primaryCenter.dy(), 2520) + virtual.y());
    assertEquals(540, landsOnLinearly(primaryCenter.dy(), 2520) + virtual.y());
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 640, 1024, 1080, 1280, 1366, 1440, 1920, 2160, 2560, 3440, 3840, 5760, 7680, 10240})
  void everyPixelOfAnAxisIsReachedExactlyUnderEitherReadingOfTheDocumentation(int extent) {
    Rect virtual = new Rect(-extent / 2, 0, extent, 1);
    int previous = -1;
    for (int x = virtual.x(); x < virtual.x() + extent; x++) {
      int n = WindowsGeometry.normalize(x, 0, virtual).dx();
      assertTrue(n > previous && n <= 65535, "pixel " + x + " of " + extent + " → " + n);
      assertEquals(x, landsOn(n, extent) + virtual.x(), "pixel " + x + " of " + extent + " → " + n);
      assertEquals(x, landsOnLinearly(n, extent) + virtual.x(), "pixel " + x + " of " + extent + " → " + n);
      previous = n;
    }
  }

  @Test
  void aOnePixelScreenIsAllZero() {
    assertEquals(new Normalized(0, 0), WindowsGeometry.normalize(5, 7, new Rect(5, 7, 1, 1)));
  }

  @Test
  void pointsOffTheVirtualScreenFailAsInvalidCoordinates() {
    Rect virtual = new Rect(-1920, 0, 3840, 1080);
    for (int[] p : List.of(new int[] {1920, 0}, new int[] {-1921, 0}, new int[] {0, -1}, new int[] {0, 1080})) {
      StepFailure f = assertThrows(StepFailure.class, () -> WindowsGeometry.normalize(p[0], p[1], virtual));
      assertEquals(ErrorClass.INVALID_COORDINATES, f.errorClass());
    }
  }

  @Test
  void buttonsPressAndReleaseWithTheirDocumentedFlags() {
    assertEquals(0x02, WindowsGeometry.downFlag(MouseButton.LEFT));
    assertEquals(0x04, WindowsGeometry.upFlag(MouseButton.LEFT));
    assertEquals(0x08, WindowsGeometry.downFlag(MouseButton.RIGHT));
    assertEquals(0x10, WindowsGeometry.upFlag(MouseButton.RIGHT));
    assertEquals(0x20, WindowsGeometry.downFlag(MouseButton.MIDDLE));
    assertEquals(0x40, WindowsGeometry.upFlag(MouseButton.MIDDLE));
  }

  @Test
  void aDoubleClickIsDownUpDownUp() {
    assertEquals(List.of(0x02, 0x04, 0x02, 0x04), WindowsGeometry.clickFlags(MouseButton.LEFT, 2, false));
    assertEquals(List.of(0x08, 0x10), WindowsGeometry.clickFlags(MouseButton.RIGHT, 1, false));
  }

  @Test
  void withSwappedButtonsLeftAndRightAreSentSwappedSoTheyKeepTheirMeaning() {
    assertEquals(List.of(0x08, 0x10), WindowsGeometry.clickFlags(MouseButton.LEFT, 1, true));
    assertEquals(List.of(0x02, 0x04), WindowsGeometry.clickFlags(MouseButton.RIGHT, 1, true));
    assertEquals(List.of(0x20, 0x40), WindowsGeometry.clickFlags(MouseButton.MIDDLE, 1, true));
  }

  @Test
  void aClickCountBelowOneIsABadWorkflow() {
    assertEquals(ErrorClass.BAD_WORKFLOW,
        assertThrows(StepFailure.class, () -> WindowsGeometry.clickFlags(MouseButton.LEFT, 0, false)).errorClass());
  }
}
