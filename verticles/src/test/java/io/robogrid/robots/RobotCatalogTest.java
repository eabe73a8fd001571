package io.robogrid.robots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.robogrid.workflow.StepCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobotCatalogTest {
  @TempDir
  Path conf;

  private static final String HELLO = """
      {"robots": [{"name": "hello", "description": "says hi",
                   "steps": [{"id": "say", "type": "log", "with": {"message": "hi"}}]}]}""";
  private static final String FETCHER = """
      {"robots": [{"name": "fetcher", "retry": {"maxAttempts": 3},
                   "steps": [{"id": "get", "type": "http", "with": {"url": "https://example.com"}}]},
                  {"name": "waiter", "steps": [{"id": "w", "type": "wait", "with": {"duration": "1s"}}]}]}""";

  private void write(String relative, String text) throws IOException {
    Path file = conf.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private RobotCatalog load() {
    return RobotCatalog.load(conf, StepCatalog.builtIn());
  }

  private String loadFailure() {
    RoboGridException e = assertThrows(RoboGridException.class, this::load);
    assertEquals(ErrorCode.INVALID_WORKFLOW, e.code());
    return e.getMessage();
  }

  @Test
  void robotsFromTheMainFileAndTheDirectoryAreAllLoaded() throws IOException {
    write("robots.json", HELLO);
    write("robots.d/fetch.json", FETCHER);
    RobotCatalog catalog = load();
    assertEquals(List.of("hello", "fetcher", "waiter"), catalog.all().stream().map(Robot::name).toList());
    Robot hello = catalog.get("hello");
    assertEquals("says hi", hello.description());
    assertEquals("robots.json", hello.source());
    Robot fetcher = catalog.get("fetcher");
    assertEquals("robots.d/fetch.json", fetcher.source());
    assertEquals(Set.of("http"), fetcher.workflow().requires());
    assertEquals(3, fetcher.workflow().retry().maxAttempts());
    assertEquals("", catalog.get("waiter").description());
    assertNull(catalog.get("nobody"));
  }

  @Test
  void missingFilesGiveAnEmptyCatalog() {
    assertEquals(List.of(), List.copyOf(load().all()));
  }

  @Test
  void onlyJsonFilesInTheDirectoryAreRead() throws IOException {
    write("robots.d/hello.json", HELLO);
    write("robots.d/notes.txt", "not json at all");
    write("robots.d/hello.json.bak", "{ broken");
    assertEquals(List.of("hello"), load().all().stream().map(Robot::name).toList());
  }

  @Test
  void duplicateRobotNameAcrossFilesNamesBothFiles() throws IOException {
    write("robots.json", HELLO);
    write("robots.d/again.json", HELLO);
    assertEquals("robots.d/again.json: robots[0] (hello).name: robot 'hello' is already defined in robots.json", loadFailure());
  }

  @Test
  void invalidJsonNamesTheFile() throws IOException {
    write("robots.json", HELLO);
    write("robots.d/broken.json", "{\"robots\": [");
    String message = loadFailure();
    assertTrue(message.startsWith("robots.d/broken.json: not valid JSON"), message);
  }

  @Test
  void badStepFieldIsReportedWithFileRobotAndStep() throws IOException {
    write("robots.d/bad.json", """
        {"robots": [{"name": "ok", "steps": [{"id": "a", "type": "set"}]},
                    {"name": "broken", "steps": [{"id": "a", "type": "set"},
                                                 {"id": "fetch", "type": "http", "with": {"url": "ftp://nope"}}]}]}""");
    assertEquals("robots.d/bad.json: robots[1] (broken).steps[1] (fetch).with.url: must be an http:// or https:// URL", loadFailure());
  }

  @Test
  void problemsOfAllFilesAreReportedTogether() throws IOException {
    write("robots.json", """
        {"robots": [{"name": "w", "steps": [{"id": "w", "type": "wait"}]}]}""");
    write("robots.d/x.json", """
        {"robots": [{"name": "x", "steps": [{"id": "x", "type": "teleport"}]}]}""");
    String message = loadFailure();
    List<String> items = List.of(message.split("; "));
    assertEquals(2, items.size(), message);
    assertEquals("robots.json: robots[0] (w).steps[0] (w).with.duration: is required", items.get(0));
    assertTrue(items.get(1).startsWith("robots.d/x.json: robots[0] (x).steps[0] (x).type: unknown step type 'teleport'"), items.get(1));
  }

  @Test
  void notifyRulesAreCheckedAndKept() throws IOException {
    write("robots.json", """
        {"robots": [{"name": "r", "steps": [{"id": "a", "type": "set"}],
                     "notify": {"onFailure": {"email": ["ops@example.com", "not-an-address"], "sms": ["123"]},
                                "onWhatever": {}, "onSuccess": {"webhook": ["ftp://x"]}}}]}""");
    List<String> items = List.of(loadFailure().split("; "));
    assertEquals(List.of("robots.json: robots[0] (r).notify.onFailure.email[1]: 'not-an-address' is not an email address",
        "robots.json: robots[0] (r).notify.onFailure.sms: unknown channel (use email or webhook)",
        "robots.json: robots[0] (r).notify.onWhatever: unknown (use onFailure, onApprovalNeeded, onSuccess or onBlocked)",
        "robots.json: robots[0] (r).notify.onSuccess.webhook[0]: 'ftp://x' is not an http(s) URL"), items);

    write("robots.json", """
        {"robots": [{"name": "r", "steps": [{"id": "a", "type": "set"}],
                     "notify": {"onFailure": {"email": ["ops@example.com"], "webhook": "https://chat.example/hook"}}}]}""");
    RobotCatalog catalog = RobotCatalog.load(conf, StepCatalog.builtIn());
    // the rules keep the whole URL; what the API shows of it stops at the host (a chat tool's webhook URL is a secret)
    assertEquals(List.of("https://chat.example/hook"), catalog.get("r").notifyRules().targets(io.robogrid.notifier.NotifyRules.Trigger.FAILURE).webhook());
    assertEquals(new io.vertx.core.json.JsonObject().put("onFailure", new io.vertx.core.json.JsonObject()
            .put("email", new io.vertx.core.json.JsonArray().add("ops@example.com")).put("webhook", new io.vertx.core.json.JsonArray().add("https://chat.example/…"))),
        catalog.get("r").toJson().getJsonObject("notify"));
  }

  @Test
  void badRobotNameIsReportedAtItsIndex() throws IOException {
    write("robots.json", """
        {"robots": [{"name": "Bad Name", "steps": [{"id": "a", "type": "set"}]}]}""");
    assertEquals("robots.json: robots[0].name: is required: lower-case letters, digits, '.', '-' and '_' (64 at most)", loadFailure());
  }

  @Test
  void unknownRobotFieldIsReported() throws IOException {
    write("robots.json", """
        {"robots": [{"name": "r", "shedule": "daily", "steps": [{"id": "a", "type": "set"}]}]}""");
    assertEquals("robots.json: robots[0] (r).shedule: unknown field", loadFailure());
  }

  @Test
  void aBrokenScheduleIsReportedFieldByField() throws IOException {
    write("robots.json", """
        {"robots": [{"name": "r", "schedule": {"cron": "61 * * * *", "timezone": "Mars/Olympus", "catchUp": "some", "every": 5},
          "steps": [{"id": "a", "type": "set"}]}]}""");
    String failure = loadFailure();
    for (String part : List.of("robots[0] (r).schedule.every: unknown field", "robots[0] (r).schedule.cron: '61 * * * *' is not a valid cron",
        "robots[0] (r).schedule.timezone: 'Mars/Olympus' is not a time zone (like UTC or Europe/Berlin)",
        "robots[0] (r).schedule.catchUp: must be none, last or all")) {
      assertTrue(failure.contains(part), "no '" + part + "' in: " + failure);
    }
    write("robots.json", """
        {"robots": [{"name": "r", "schedule": {"cron": "* * *"}, "steps": [{"id": "a", "type": "set"}]}]}""");
    assertEquals("robots.json: robots[0] (r).schedule.cron: '* * *' has 3 fields; a cron has five (minute hour day month weekday)"
        + " or six (seconds first)", loadFailure());
  }

  @Test
  void aScheduleKnowsItsFireTimesInItsTimeZoneAcrossDaylightSaving() throws IOException {
    write("robots.json", """
        {"robots": [{"name": "r", "schedule": {"cron": "0 7 * * *", "timezone": "Europe/Berlin"}, "steps": [{"id": "a", "type": "set"}]}]}""");
    Schedule s = load().get("r").schedule();
    // Berlin moves its clocks forward on 2030-03-31: 07:00 is 06:00 UTC before and 05:00 UTC after
    assertEquals(java.time.Instant.parse("2030-03-30T06:00:00Z"), s.nextAfter(java.time.Instant.parse("2030-03-30T00:00:00Z")));
    assertEquals(java.time.Instant.parse("2030-03-31T05:00:00Z"), s.nextAfter(java.time.Instant.parse("2030-03-30T06:00:00Z")));
    assertEquals(Schedule.CatchUp.LAST, s.catchUp(), "the default");
    assertEquals(java.time.Instant.parse("2030-03-30T06:00:00Z"), s.lastAtOrBefore(java.time.Instant.parse("2030-03-30T06:00:00Z")));
  }

  @Test
  void fileWithoutARobotsListIsReported() throws IOException {
    write("robots.json", "{\"robot\": {}}");
    String message = loadFailure();
    assertTrue(message.contains("robots.json: robot: unknown field"), message);
    assertTrue(message.contains("robots.json: robots: must be a list of robots"), message);
  }
}
