package io.robogrid.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robogrid.core.ErrorCode;
import io.robogrid.core.RoboGridException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowParserTest {
  private final WorkflowParser parser = new WorkflowParser(StepCatalog.builtIn());
  private final Problems problems = new Problems();

  private Workflow parse(String json) {
    return parser.parse(new JsonObject(json), "workflow", Set.of(), problems);
  }

  private void assertOnlyProblem(String expected) {
    assertEquals(List.of(expected), problems.items());
  }

  private void assertSomeProblemContains(String... parts) {
    boolean found = problems.items().stream().anyMatch(p -> List.of(parts).stream().allMatch(p::contains));
    assertTrue(found, "no problem containing " + List.of(parts) + " in " + problems.items());
  }

  @Test
  void validWorkflowParsesWithItsPolicyAndImpliedCapabilities() {
    Workflow wf = parse("""
        {"steps": [
           {"id": "fetch", "type": "http", "with": {"url": "https://example.com/x", "method": "post", "expectStatus": [200, 201]}},
           {"id": "pause", "type": "wait", "with": {"duration": "2s"}, "needs": ["fetch"], "timeout": "5s"},
           {"id": "note", "type": "log", "with": {"message": "got ${steps.fetch.output.status}"}, "needs": ["pause"]}],
         "retry": {"maxAttempts": 3, "backoff": "1s"}, "timeout": "10m", "priority": 5, "requires": ["eu"]}""");
    assertEquals(List.of(), problems.items());
    assertEquals(List.of("fetch", "pause", "note"), wf.steps().stream().map(StepSpec::id).toList());
    assertEquals(Set.of("http", "eu"), wf.requires());
    assertEquals(5, wf.priority());
    assertEquals(Duration.ofMinutes(10), wf.timeout());
    assertEquals(3, wf.retry().maxAttempts());
    assertEquals(List.of("fetch"), wf.step("pause").needs());
    assertEquals(Duration.ofSeconds(5), wf.step("pause").timeout());
  }

  @Test
  void workflowWithoutHttpStepsRequiresNothing() {
    Workflow wf = parse("{\"steps\": [{\"id\": \"a\", \"type\": \"log\", \"with\": {\"message\": \"hi\"}}]}");
    assertEquals(List.of(), problems.items());
    assertEquals(Set.of(), wf.requires());
    assertEquals(0, wf.priority());
  }

  @Test
  void requiresNamesCapabilitiesNotRunnerSettings() {
    parse("{\"requires\": [\"browser:2\"], \"steps\": [{\"id\": \"a\", \"type\": \"log\", \"with\": {\"message\": \"x\"}}]}");
    assertOnlyProblem("workflow.requires[0]: 'browser:2' is how a runner offers browser slots; a workflow requires 'browser'");
  }

  @Test
  void requiresRejectsWhatCannotBeACapability() {
    parse("{\"requires\": [\"Desk Top\"], \"steps\": [{\"id\": \"a\", \"type\": \"log\", \"with\": {\"message\": \"x\"}}]}");
    assertOnlyProblem("workflow.requires[0]: 'Desk Top' is not a capability name (like http, browser, desktop:desk1)");
  }

  @Test
  void emptyStepsAreRejected() {
    parse("{\"steps\": []}");
    assertOnlyProblem("workflow.steps: must be a non-empty list of steps");
  }

  @Test
  void missingStepsAreRejected() {
    parse("{}");
    assertOnlyProblem("workflow.steps: must be a non-empty list of steps");
  }

  @Test
  void unknownStepTypeIsRejectedListingKnownTypes() {
    parse("{\"steps\": [{\"id\": \"a\", \"type\": \"teleport\"}]}");
    assertOnlyProblem("workflow.steps[0] (a).type: unknown step type 'teleport' (known: log, wait, set, fail, http, agent, browser.goto, browser.click, browser.fill, browser.press, browser.select, browser.check, browser.extract, browser.waitFor, browser.assert, browser.screenshot, browser.evaluate, browser.goal, desktop.launch, desktop.findWindow, desktop.waitForWindow, desktop.move, desktop.click, desktop.type, desktop.key, desktop.screenshot)");
  }

  @Test
  void duplicateStepIdIsRejected() {
    parse("{\"steps\": [{\"id\": \"a\", \"type\": \"set\"}, {\"id\": \"a\", \"type\": \"set\"}, {\"id\": \"a\", \"type\": \"set\"}]}");
    assertOnlyProblem("workflow.steps: duplicate step id 'a'");
  }

  @Test
  void danglingNeedIsRejectedNamingTheStep() {
    parse("{\"steps\": [{\"id\": \"a\", \"type\": \"set\", \"needs\": [\"ghost\"]}]}");
    assertOnlyProblem("workflow.steps (a).needs: unknown step 'ghost'");
  }

  @Test
  void selfNeedIsRejected() {
    parse("{\"steps\": [{\"id\": \"a\", \"type\": \"set\", \"needs\": [\"a\"]}]}");
    assertOnlyProblem("workflow.steps (a).needs: a step cannot need itself");
  }

  @Test
  void cycleIsRejectedWithItsPath() {
    parse("""
        {"steps": [{"id": "a", "type": "set", "needs": ["b"]}, {"id": "b", "type": "set", "needs": ["a"]},
                   {"id": "c", "type": "set"}]}""");
    assertOnlyProblem("workflow.steps: cycle in needs: a -> b -> a");
  }

  @Test
  void longerCycleIsReportedFromWhereItCloses() {
    parse("""
        {"steps": [{"id": "start", "type": "set", "needs": ["x"]}, {"id": "x", "type": "set", "needs": ["y"]},
                   {"id": "y", "type": "set", "needs": ["z"]}, {"id": "z", "type": "set", "needs": ["x"]}]}""");
    assertOnlyProblem("workflow.steps: cycle in needs: x -> y -> z -> x");
  }

  @Test
  void badStepIdIsRejected() {
    parse("{\"steps\": [{\"id\": \"1st step\", \"type\": \"set\"}]}");
    assertOnlyProblem("workflow.steps[0].id: '1st step' must start with a letter and hold only letters, digits, '-' and '_' (64 at most)");
  }

  @Test
  void missingIdAndTypeAreRequired() {
    parse("{\"steps\": [{\"with\": {}}]}");
    assertEquals(List.of("workflow.steps[0].id: is required", "workflow.steps[0].type: is required"), problems.items());
  }

  @Test
  void unknownFieldsAreRejectedAtWorkflowAndStepLevel() {
    parse("{\"stepz\": 1, \"steps\": [{\"id\": \"a\", \"type\": \"set\", \"after\": [\"b\"]}]}");
    assertEquals(List.of("workflow.stepz: unknown field", "workflow.steps[0].after: unknown field"), problems.items());
  }

  @Test
  void extraFieldsAreAllowedWhenTheCallerSaysSo() {
    parser.parse(new JsonObject("{\"name\": \"r\", \"steps\": [{\"id\": \"a\", \"type\": \"set\"}]}"), "r", Set.of("name"), problems);
    assertEquals(List.of(), problems.items());
  }

  @Test
  void referenceToAStepThatIsNotNeededIsRejected() {
    parse("""
        {"steps": [{"id": "a", "type": "set", "with": {"x": 1}},
                   {"id": "b", "type": "log", "with": {"message": "${steps.a.output.x}"}}]}""");
    assertOnlyProblem("workflow.steps (b).with: ${steps.a.output.x} uses step 'a', which it does not need (add it to needs)");
  }

  @Test
  void referenceToAStepThatComesAfterIsRejected() {
    parse("""
        {"steps": [{"id": "a", "type": "log", "with": {"message": "${steps.b.output.x}"}},
                   {"id": "b", "type": "set", "needs": ["a"]}]}""");
    assertSomeProblemContains("(a).with", "uses step 'b'", "which it does not need");
  }

  @Test
  void referenceToAnIndirectPredecessorIsAccepted() {
    parse("""
        {"steps": [{"id": "a", "type": "set"}, {"id": "b", "type": "set", "needs": ["a"]},
                   {"id": "c", "type": "log", "needs": ["b"], "with": {"message": "${steps.a.output.x}"}}]}""");
    assertEquals(List.of(), problems.items());
  }

  @Test
  void referenceToAnUnknownStepIsRejected() {
    parse("{\"steps\": [{\"id\": \"a\", \"type\": \"log\", \"with\": {\"message\": \"${steps.nope.output.x}\"}}]}");
    assertOnlyProblem("workflow.steps (a).with: ${steps.nope.output.x} refers to unknown step 'nope'");
  }

  @Test
  void httpStepWithoutUrlOrWithANonHttpUrlIsRejected() {
    parse("{\"steps\": [{\"id\": \"h\", \"type\": \"http\", \"with\": {}}, {\"id\": \"g\", \"type\": \"http\", \"with\": {\"url\": \"ftp://x\"}}]}");
    assertEquals(List.of("workflow.steps[0] (h).with.url: is required", "workflow.steps[1] (g).with.url: must be an http:// or https:// URL"),
        problems.items());
  }

  @Test
  void httpUrlWithAPlaceholderIsAcceptedAtSubmission() {
    parse("{\"steps\": [{\"id\": \"h\", \"type\": \"http\", \"with\": {\"url\": \"${input.url}\"}}]}");
    assertEquals(List.of(), problems.items());
  }

  @Test
  void badHttpMethodIsRejectedListingTheAllowedOnes() {
    parse("{\"steps\": [{\"id\": \"h\", \"type\": \"http\", \"with\": {\"url\": \"http://x\", \"method\": \"FETCH\"}}]}");
    assertOnlyProblem("workflow.steps[0] (h).with.method: must be one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  }

  @Test
  void badExpectStatusIsRejected() {
    for (Object bad : List.of(99, 600, "200", new JsonArray(), new JsonArray().add(200).add(700))) {
      Problems p = new Problems();
      JsonObject with = new JsonObject().put("url", "http://x").put("expectStatus", bad);
      parser.parse(new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("id", "h").put("type", "http").put("with", with))),
          "workflow", Set.of(), p);
      assertEquals(List.of("workflow.steps[0] (h).with.expectStatus: must be an HTTP status (100-599) or a list of them"), p.items(), "for " + bad);
    }
  }

  @Test
  void waitWithoutDurationIsRejected() {
    parse("{\"steps\": [{\"id\": \"w\", \"type\": \"wait\"}]}");
    assertOnlyProblem("workflow.steps[0] (w).with.duration: is required");
  }

  @Test
  void badDurationsAreRejectedAtTheirPaths() {
    parse("""
        {"timeout": "forever", "steps": [{"id": "w", "type": "wait", "with": {"duration": "5 sec"}, "timeout": "-1s"}]}""");
    String hint = " is not a duration (use 500ms, 5s, 2m, 1h or ISO-8601 like PT5S)";
    assertEquals(List.of("workflow.timeout: 'forever'" + hint, "workflow.steps[0] (w).with.duration: '5 sec'" + hint,
        "workflow.steps[0] (w).timeout: '-1s'" + hint), problems.items());
  }

  @Test
  void overflowingDurationIsReportedAsAProblemNotThrown() {
    parse("{\"steps\": [{\"id\": \"a\", \"type\": \"set\", \"timeout\": \"9999999999999999h\"}]}");
    assertEquals(1, problems.items().size(), problems.items().toString());
    assertTrue(problems.items().get(0).startsWith("workflow.steps[0] (a).timeout: "), problems.items().toString());
  }

  @Test
  void priorityOutOfRangeIsRejected() {
    parse("{\"priority\": 101, \"steps\": [{\"id\": \"a\", \"type\": \"set\"}]}");
    assertOnlyProblem("workflow.priority: must be a whole number from -100 to 100");
  }

  @Test
  void everyProblemIsReportedInOneGo() {
    parse("{\"priority\": -500, \"steps\": [{\"id\": \"a\", \"type\": \"teleport\"}, {\"id\": \"w\", \"type\": \"wait\"}]}");
    assertEquals(3, problems.items().size(), problems.items().toString());
    RoboGridException e = assertThrows(RoboGridException.class, problems::throwIfAny);
    assertEquals(ErrorCode.INVALID_WORKFLOW, e.code());
    assertEquals(String.join("; ", problems.items()), e.getMessage());
  }

  @Test
  void referencesThatCanNeverResolveAreRefusedAtSubmission() {
    parse("""
        {"steps": [{"id": "a", "type": "set", "with": {}},
                   {"id": "b", "type": "log", "needs": ["a"], "with": {"message": "${inptu.x} ${steps.a} ${evn:HOME:-x} ${env:HOME:-x}"}}]}""");
    assertSomeProblemContains("(b).with", "${inptu.x}", "unknown reference root 'inptu'");
    assertSomeProblemContains("(b).with", "${steps.a}", "steps.<id>.output");
    assertSomeProblemContains("(b).with", "${evn:HOME:-x}", "unknown reference scheme 'evn:'");
    org.junit.jupiter.api.Assertions.assertEquals(3, problems.items().size(), problems.items().toString());
  }

  @Test
  void aSelectorMayBeAListOfAlternativesButNotAnEmptyOne() {
    Workflow wf = parse("""
        {"steps": [{"id": "b", "type": "browser.click", "with": {"selector": ["#buy", "text=Buy now"], "until": {"urlContains": "/done"}, "maxRepeats": 5}}]}""");
    assertEquals(List.of(), problems.items());
    assertEquals(Set.of("browser"), wf.requires());
    parse("""
        {"steps": [{"id": "b", "type": "browser.click", "with": {"selector": []}}, {"id": "c", "type": "browser.fill", "with": {"selector": [1], "value": "x"}},
                   {"id": "d", "type": "browser.click", "with": {"selector": "#x", "until": {}, "page": "a b"}}]}""");
    assertEquals(List.of(
        "workflow.steps[0] (b).with.selector: must be a selector or a list of 1 to 10 selectors",
        "workflow.steps[1] (c).with.selector: must be a selector or a list of 1 to 10 selectors",
        "workflow.steps[2] (d).with.page: must be a page name (letters, digits, '_', '-')",
        "workflow.steps[2] (d).with.until: needs at least one goal indicator: selector, urlContains, textPresent"), problems.items());
  }

  @Test
  void aLoginSubFlowAndMaxStepsAreParsedAndKeptWithTheWorkflow() {
    Workflow wf = parse("""
        {"maxSteps": 50, "login": {"when": {"urlContains": "/login"}, "steps": [
           {"id": "user", "type": "browser.fill", "with": {"selector": "#user", "value": "${input.user}"}},
           {"id": "go", "type": "browser.click", "with": {"selector": "text=Sign in"}}]},
         "steps": [{"id": "a", "type": "log", "with": {"message": "x"}}]}""");
    assertEquals(List.of(), problems.items());
    assertEquals(50, wf.maxSteps());
    assertEquals(List.of("user", "go"), wf.login().steps().stream().map(StepSpec::id).toList());
    assertTrue(wf.requires().contains("browser"), "logging in takes a browser");
    Workflow again = parse(wf.toJson().encode());
    assertEquals(wf.toJson(), again.toJson(), "a job's snapshot keeps them");
    assertEquals(Workflow.DEFAULT_MAX_STEPS, parse("{\"steps\": [{\"id\": \"a\", \"type\": \"log\", \"with\": {\"message\": \"x\"}}]}").maxSteps());
  }

  @Test
  void aLoginSubFlowTakesOnlyBrowserStepsInOrderAndAWayToRecogniseTheLoginPage() {
    parse("""
        {"maxSteps": 0, "login": {"when": {"title": "x"}, "steps": [
           {"id": "h", "type": "http", "with": {"url": "http://x"}},
           {"id": "b", "type": "browser.click", "needs": ["h"], "with": {"selector": "#a", "x": "${steps.h.output.body}"}}]},
         "steps": [{"id": "a", "type": "log", "with": {"message": "x"}}]}""");
    assertEquals(List.of(
        "workflow.maxSteps: must be a whole number from 1 to 100000",
        "workflow.login.when: must say how to recognise the login page: selector, urlContains or textPresent",
        "workflow.login.steps[0].type: a login step must be a browser step, not 'http'",
        "workflow.login.steps[1].needs: login steps run in order; they take no needs",
        "workflow.login.steps[1].with: ${steps.h.output.body}: a login step may use the input and env, not other steps' outputs"), problems.items());
  }

  @Test
  void desktopStepsDriveTheDesktopTheWorkflowRequiresOrTheOneTheyName() {
    Workflow wf = parse("""
        {"requires": ["desktop:desk1"], "steps": [
           {"id": "term", "type": "desktop.launch", "with": {"command": "xterm", "args": ["-T", "T"], "title": "T", "timeout": "20s"}},
           {"id": "find", "type": "desktop.findWindow", "needs": ["term"], "with": {"titleRegex": "^T$"}},
           {"id": "go", "type": "desktop.click", "needs": ["find"], "with": {"x": 10, "y": 5, "window": "${steps.find.output}", "button": "right", "double": true}},
           {"id": "say", "type": "desktop.type", "needs": ["go"], "with": {"text": "héllo ✓\\n", "delay": "5ms"}},
           {"id": "keys", "type": "desktop.key", "needs": ["say"], "with": {"keys": ["ctrl+a", "alt+F4"]}},
           {"id": "shot", "type": "desktop.screenshot", "needs": ["keys"], "with": {"name": "after"}}]}""");
    assertEquals(List.of(), problems.items());
    assertEquals(Set.of("desktop:desk1"), wf.requires());
    Workflow named = parse("{\"steps\": [{\"id\": \"s\", \"type\": \"desktop.screenshot\", \"with\": {\"name\": \"x\", \"desktop\": \"desk2\"}}]}");
    assertEquals(List.of(), problems.items());
    assertEquals(Set.of("desktop:desk2"), named.requires(), "a step naming its desktop requires it");
  }

  @Test
  void aDesktopStepWithoutADesktopOrWithBadParametersIsRejected() {
    parse("""
        {"steps": [
           {"id": "a", "type": "desktop.move", "with": {"x": 1}},
           {"id": "b", "type": "desktop.key", "with": {"keys": "ctrl+shift+Banana"}},
           {"id": "c", "type": "desktop.findWindow", "with": {"title": "x", "titleRegex": "("}},
           {"id": "d", "type": "desktop.click", "with": {"button": "thumb", "window": "T"}},
           {"id": "e", "type": "desktop.screenshot", "with": {"name": "a b", "desktop": "${input.d}"}}]}""");
    assertEquals(List.of(
        "workflow.steps[0] (a).with: needs x and y",
        "workflow.steps[1] (b).with.keys: 'ctrl+shift+Banana': unknown key 'Banana' (a character, or one of Return, Tab, Escape,"
            + " BackSpace, Delete, Home, End, Page_Up, Page_Down, Left, Up, Right, Down, space, F1-F24…)",
        "workflow.steps[2] (c).with: give title or titleRegex, not both",
        "workflow.steps[2] (c).with.titleRegex: is not a valid regular expression: Unclosed group",
        "workflow.steps[3] (d).with.window: needs x and y: the point relative to the window",
        "workflow.steps[3] (d).with.button: must be left, middle or right",
        "workflow.steps[4] (e).with.desktop: must be a desktop name like desk1 (no placeholders: it decides where the job runs)",
        "workflow.steps[4] (e).with.name: use letters, digits, '.', '_' and '-' (at most 100)",
        "workflow.steps (a): desktop.move needs a desktop: add \"desktop:<name>\" to the workflow's requires, or name it in the step's desktop",
        "workflow.steps (b): desktop.key needs a desktop: add \"desktop:<name>\" to the workflow's requires, or name it in the step's desktop",
        "workflow.steps (c): desktop.findWindow needs a desktop: add \"desktop:<name>\" to the workflow's requires, or name it in the step's desktop",
        "workflow.steps (d): desktop.click needs a desktop: add \"desktop:<name>\" to the workflow's requires, or name it in the step's desktop"),
        problems.items());
  }

  @Test
  void aDesktopStepOfAWorkflowRequiringSeveralDesktopsMustNameItsOwn() {
    parse("""
        {"requires": ["desktop:a", "desktop:b"], "steps": [{"id": "s", "type": "desktop.type", "with": {"text": "x"}}]}""");
    assertOnlyProblem("workflow.steps (s).with.desktop: the workflow requires several desktops [desktop:a, desktop:b]: name the one this step drives");
  }
}
