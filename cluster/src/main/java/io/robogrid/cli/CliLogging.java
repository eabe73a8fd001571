package io.robogrid.cli;

/**
 * Keeps Vert.x's JSON classes from starting Logback in a CLI process. Logback takes about half a second to start, and
 * with no configuration it prints debug lines on stdout, where they would spoil {@code --json} output. Vert.x then
 * logs through java.util.logging instead, which writes only INFO and above, on stderr. {@code robogrid node} needs
 * the real logging back, and undoes this before anything has logged.
 */
final class CliLogging {
  private static final String PROPERTY = "vertx.logger-delegate-factory-class-name";
  private static final String JUL = "io.vertx.core.logging.JULLogDelegateFactory";
  private static boolean quieted;

  private CliLogging() {}

  /** Called first thing in {@code main}, unless the user chose a logger delegate. */
  static void quiet() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, JUL);
      quieted = true;
    }
  }

  static void restore() {
    if (quieted) {
      System.clearProperty(PROPERTY);
      quieted = false;
    }
  }
}
