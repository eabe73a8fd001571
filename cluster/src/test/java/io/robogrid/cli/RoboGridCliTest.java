package io.robogrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Command lines that must fail before any request: the URL is a closed port, so a request would exit 3, not 2. */
class RoboGridCliTest {
  private static final String NOWHERE = "--url=http://127.0.0.1:1";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return RoboGridCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void invalidJsonInputIsAUsageError() {
    assertEquals(ExitCodes.USAGE, run(NOWHERE, "run-now", "invoices", "--input", "{\"a\": "));
    assertTrue(err().contains("--input") && err().contains("not valid JSON"), err());
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void inputMustBeAnObject() {
    assertEquals(ExitCodes.USAGE, run(NOWHERE, "run-now", "invoices", "--input", "[1, 2]"));
    assertTrue(err().contains("must be a JSON object"), err());
  }

  @Test
  void badTimeoutIsAUsageError() {
    assertEquals(ExitCodes.USAGE, run(NOWHERE, "rerun", "some-job", "--wait", "--timeout", "soon"));
    assertTrue(err().contains("--timeout"), err());
  }

  @Test
  void aUrlThatIsNotHttpIsAUsageError() {
    assertEquals(ExitCodes.USAGE, run("--url", "localhost:8080", "list-robots"));
    assertTrue(err().contains("is not a URL"), err());
  }

  @Test
  void missingSubcommandIsAUsageError() {
    assertEquals(ExitCodes.USAGE, run());
  }

  @Test
  void helpDocumentsTheExitCodes() {
    assertEquals(ExitCodes.OK, run("--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("Exit codes:") && help.contains("--wait timed out"), help);
  }
}
