package io.robogrid.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A running {@code scripts/sample-agent} (bash, curl and jq, as an operator would run it) and the lines it printed. */
public final class SampleAgent implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private SampleAgent(Process process) {
    this.process = process;
  }

  /** Starts the repository's sample agent (found from the module or the repository root) against {@code url}. */
  public static SampleAgent start(String url, String token, String id, String capability, String... more) throws IOException {
    Path script = Path.of("scripts", "sample-agent");
    if (!Files.exists(script)) script = Path.of("..", "scripts", "sample-agent");
    List<String> command = new ArrayList<>(List.of(script.toAbsolutePath().normalize().toString(), "--url", url, "--id", id,
        "--capability", capability, "--wait", "5"));
    command.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("ROBOGRID_TOKEN", token);
    SampleAgent agent = new SampleAgent(pb.start());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(agent.process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) agent.lines.add(l);
      } catch (IOException e) {
        // the agent was killed
      }
    }, "sample-agent-" + id);
    reader.setDaemon(true);
    reader.start();
    return agent;
  }

  public String output() {
    return String.join("\n", lines);
  }

  /** Waits until the agent printed a line {@code line} accepts; fails the test after {@code within}. */
  public void await(Predicate<String> line, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (lines.stream().anyMatch(line)) return;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("the agent never printed such a line: " + output());
  }

  /** The exit code once the agent ended on its own within {@code within}; fails the test when it did not. */
  public int exitCode(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("the agent did not end: " + output());
    return process.exitValue();
  }

  /** Kills the agent as a dead machine would: at once, with whatever it started (its heartbeat loop, its work). */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }
}
