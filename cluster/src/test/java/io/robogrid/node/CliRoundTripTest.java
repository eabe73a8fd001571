package io.robogrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.cli.RoboGridCli;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI against a real node process started on the shipped configuration, as a new user would use them. */
class CliRoundTripTest {
  private static final String SLOW = """
      {"robots": [{"name": "slow", "steps": [{"id": "nap", "type": "wait", "with": {"duration": "30s"}}]},
        {"name": "nightly", "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin"}, "steps": [{"id": "s", "type": "set", "with": {}}]}]}""";
  private static NodeProcess node;

  @BeforeAll
  static void startNode() throws Exception {
    node = new NodeProcess(SLOW, null).start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.close();
  }

  private record Result(int exit, String out, String err) {}

  private static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 4];
    all[0] = "--url";
    all[1] = node.url();
    all[2] = "--token";
    all[3] = NodeProcess.ADMIN_TOKEN;
    System.arraycopy(args, 0, all, 4, args.length);
    int exit = RoboGridCli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aTokenCreatedFromTheCommandLineWorksForItsRoleOnly() {
    Result created = cli("token", "create", "--role", "viewer", "--name", "cli-viewer");
    assertEquals(0, created.exit(), created.err());
    String token = created.out().trim();
    assertTrue(token.startsWith("rgt_"), token);
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int read = RoboGridCli.run(new String[] {"--url", node.url(), "--token", token, "list-robots"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, read, err.toString(StandardCharsets.UTF_8));
    int write = RoboGridCli.run(new String[] {"--url", node.url(), "--token", token, "run-now", "sample"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, write);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("FORBIDDEN"), err.toString(StandardCharsets.UTF_8));
    assertTrue(cli("token", "list").out().contains("cli-viewer"));
    assertEquals(0, cli("token", "revoke", "cli-viewer").exit());
  }

  @Test
  void scheduledRobotsShowTheirNextRunAndCanBePausedAndResumed() throws Exception {
    Result list = cli("list-robots");
    String line = list.out().lines().filter(l -> l.startsWith("nightly")).findFirst().orElseThrow();
    assertTrue(line.contains("0 3 * * * Europe/Berlin"), line);
    java.util.regex.Matcher at = java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+Z").matcher(line);
    assertTrue(at.find(), line);
    java.time.Instant next = java.time.Instant.parse(at.group());
    assertEquals(3, next.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour(), "next run at 03:00 Berlin time: " + line);
    Result paused = cli("schedule", "pause", "nightly");
    assertEquals(0, paused.exit(), paused.err());
    assertEquals("nightly paused", paused.out().trim());
    assertTrue(cli("list-robots").out().lines().anyMatch(l -> l.startsWith("nightly") && l.contains(" paused ")));
    Result resumed = cli("schedule", "resume", "nightly");
    // the next fire time again (a fresh one, should the test run across 03:00 Berlin time)
    java.time.Instant nextAfterResume = java.time.Instant.parse(resumed.out().trim().substring("nightly ".length()));
    assertFalse(nextAfterResume.isBefore(next), resumed.out());
    assertEquals(3, nextAfterResume.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour(), resumed.out());
    Result none = cli("schedule", "pause", "slow");
    assertEquals(2, none.exit());
    assertTrue(none.err().contains("INVALID_REQUEST") && none.err().contains("robot 'slow' has no schedule"), none.err());
  }

  @Test
  void manyJobsGoOutInBatchesFromACountOrAFileOfInputs() throws Exception {
    Result counted = cli("run-now", "noop", "--count", "1005", "--wait", "--timeout", "120s");
    assertEquals(0, counted.exit(), counted.err());
    assertEquals(1006, counted.out().lines().count(), "a line per job and a count: " + counted.out().lines().limit(3).toList());
    assertTrue(counted.out().contains("1005 of 1005 jobs succeeded"), counted.out().lines().reduce((a, b) -> b).orElse(""));
    java.nio.file.Path file = java.nio.file.Files.createTempFile("inputs", ".jsonl");
    java.nio.file.Files.writeString(file, "{\"who\": \"a\"}\n\n{\"who\": \"b\"}\n");
    Result fromFile = cli("--json", "run-now", "sample", "--inputs", file.toString());
    assertEquals(0, fromFile.exit(), fromFile.err());
    io.vertx.core.json.JsonArray jobs = new io.vertx.core.json.JsonArray(fromFile.out().strip());
    assertEquals(List.of("a", "b"), jobs.stream().map(j -> ((io.vertx.core.json.JsonObject) j).getJsonObject("input").getString("who")).toList());
    java.nio.file.Files.writeString(file, "{\"who\": \"a\"}\nnot json\n");
    Result bad = cli("run-now", "sample", "--inputs", file.toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains(":2: not a JSON object"), bad.err());
  }

  @Test
  void theSampleRobotRunsToSuccessAndItsEventsAreOnTheStream() throws Exception {
    Result run = cli("run-now", "sample", "--wait", "--timeout", "60s");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("SUCCEEDED"), run.out());
    String id = run.out().lines().findFirst().orElseThrow().split(" ")[0];

    Result status = cli("--json", "status", id);
    JsonObject job = new JsonObject(status.out().trim());
    assertEquals("SUCCEEDED", job.getString("state"));
    assertEquals(2, job.getJsonObject("steps").getJsonObject("flaky").getInteger("attempts"), "the flaky step fails once, then succeeds");
    assertTrue(job.getJsonObject("steps").getJsonObject("report").getJsonObject("output").getString("message").contains("is healthy"));

    List<JsonObject> events = new CopyOnWriteArrayList<>();
    HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN).buildAsync(URI.create("ws://127.0.0.1:" + node.httpPort + "/api/v1/stream?after=0&job=" + id),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            events.add(new JsonObject(data.toString()));
            ws.request(1);
            return null;
          }
        }).get();
    for (int i = 0; i < 200 && events.stream().noneMatch(e -> "SUCCEEDED".equals(e.getJsonObject("data").getString("to"))); i++) Thread.sleep(25);
    assertTrue(events.stream().anyMatch(e -> "SUCCEEDED".equals(e.getJsonObject("data").getString("to"))), events.toString());
    assertTrue(events.stream().anyMatch(e -> "step.finished".equals(e.getString("type")) && "flaky".equals(e.getJsonObject("data").getString("step"))));
  }

  @Test
  void listStatusRerunAndCancelWorkFromTheCommandLine() throws Exception {
    Result robots = cli("list-robots");
    assertEquals(0, robots.exit(), robots.err());
    assertTrue(robots.out().contains("sample") && robots.out().contains("health-check") && robots.out().contains("slow"), robots.out());

    Result ok = cli("run-now", "health-check", "--wait");
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    String id = ok.out().lines().findFirst().orElseThrow().split(" ")[0];
    Result again = cli("rerun", id, "--wait");
    assertEquals(0, again.exit(), again.out() + again.err());

    Result list = cli("status", "--limit", "50");
    assertEquals(0, list.exit());
    assertTrue(list.out().contains(id), list.out());

    Result slow = cli("run-now", "slow");
    String slowId = slow.out().trim().split(" ")[0];
    new Api(node.url()).awaitState(slowId, Duration.ofSeconds(20), "RUNNING");
    Result pausing = cli("pause", slowId);
    assertEquals(0, pausing.exit(), pausing.err());
    assertEquals(slowId + " RUNNING (pause requested)", pausing.out().trim(), "its 30 s step finishes before it stops");
    Result cancel = cli("cancel", slowId);
    assertEquals(0, cancel.exit(), cancel.err());
    new Api(node.url()).awaitState(slowId, Duration.ofSeconds(20), "CANCELLED");
    Result waitCancelled = cli("rerun", slowId, "--wait", "--timeout", "1s");
    assertEquals(4, waitCancelled.exit(), "a wait that runs out exits 4: " + waitCancelled.out());

    Result resumeCancelled = cli("resume", slowId);
    assertEquals(2, resumeCancelled.exit());
    assertTrue(resumeCancelled.err().contains("error JOB_FINISHED"), resumeCancelled.err());
    String later = new Api(node.url()).post("/api/v1/jobs", new JsonObject().put("robot", "slow").put("delay", "1h")).getString("id");
    Result held = cli("pause", later);
    assertEquals(later + " PAUSED", held.out().trim(), held.err());
    Result resumed = cli("resume", later);
    assertEquals(later + " PENDING", resumed.out().trim(), "due in an hour still: " + resumed.err());

    Result unknown = cli("run-now", "nobody");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("error UNKNOWN_ROBOT"), unknown.err());
    Result failing = cli("run-now", "sample", "--input", "{not json");
    assertEquals(2, failing.exit());
    JsonArray jobs = new Api(node.url()).get("/api/v1/jobs?robot=nobody").getJsonArray("jobs");
    assertTrue(jobs.isEmpty());
  }
}
