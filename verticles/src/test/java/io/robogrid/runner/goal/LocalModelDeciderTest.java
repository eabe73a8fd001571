package io.robogrid.runner.goal;

import static io.robogrid.runner.goal.GoalPages.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Level 2 on the pages of the lead's test sites, with the real model: it must pick what a person would, with a
 * confidence the router takes (its LOCAL threshold is 0.45 by default), and say nothing on a page that has nothing to
 * do with the goal.
 */
class LocalModelDeciderTest {
  static final double TAKEN = 0.45;
  static LocalModelDecider decider;

  @BeforeAll
  static void load() {
    assertTrue(LocalModel.shared().ready(), () -> "the model did not load: " + LocalModel.shared().failure());
    decider = new LocalModelDecider(LocalModel.shared());
  }

  private static Decision decide(GoalState state, PageDigest page) {
    state.onPage(page);
    Optional<Decision> d = decider.decide(state);
    assertTrue(d.isPresent(), "no answer on " + page.url());
    System.out.println(page.url() + " -> " + d.get().toJson().encode());
    return d.get();
  }

  private static GoalState swimmer() {
    return state(SWIM_GOAL, Map.of("firstName", "Ada", "lastName", "Lovelace"), Set.of());
  }

  @Test
  void picksTheResultTheGoalNamesAmongSimilarOnes() {
    GoalState s = swimmer();
    filled(s, searchPage(), "Search classes", "q");
    clicked(s, searchPage(), "Search");
    Decision d = decide(s, resultsPage());
    assertEquals(Decision.Action.CLICK, d.action());
    assertEquals("Swimming – Tuesday", d.target().name(), d.reason());
    assertTrue(d.confidence() >= TAKEN, "confidence " + d.confidence());
    assertEquals(new Decision.Cost("local", "all-MiniLM-L6-v2-q", 0, 0, d.cost().ms(), 0), d.cost());
  }

  @Test
  void booksOnTheDetailPageRatherThanWanderingToTheOtherSessions() {
    GoalState s = swimmer();
    clicked(s, searchPage(), "Search");
    clicked(s, resultsPage(), "Swimming – Tuesday");
    Decision d = decide(s, detailPage());
    assertEquals(Decision.Action.CLICK, d.action());
    assertEquals("Book a place", d.target().name(), d.reason());
    assertTrue(d.confidence() >= TAKEN, "confidence " + d.confidence());
  }

  @Test
  void goesOnThroughAWizardWithNextButtons() {
    GoalState s = swimmer();
    PageDigest step1 = page("http://site.test/join/1", "Join the swimming club", List.of("Register for swimming lessons", "Step 1 of 3"),
        with(nav(), button("e7", "Cancel", "button", "wizard"), button("e8", "Next", "button", "wizard")));
    Decision first = decide(s, step1);
    assertEquals("Next", first.target().name(), first.reason());
    assertTrue(first.confidence() >= TAKEN, "confidence " + first.confidence());
    s.record(first, true, null);
    // the next step has a "Next" of its own: clicked before, but on another page, so it is pressed again
    PageDigest step2 = page("http://site.test/join/2", "Join the swimming club", List.of("Register for swimming lessons", "Step 2 of 3: your choices"),
        with(nav(), button("e7", "Back", "button", "wizard"), button("e8", "Next", "button", "wizard")));
    Decision second = decide(s, step2);
    assertEquals("Next", second.target().name(), second.reason());
    assertTrue(second.confidence() >= TAKEN, "confidence " + second.confidence());
  }

  @Test
  void findsTheSubmitButtonWhereverItMovesAndWhateverItSays() {
    for (String label : List.of("Create group", "Save", "Add group")) {
      GoalState s = state("create a group called Robots", Map.of("groupName", "Robots"), Set.of());
      PageDigest list = page("http://groups.test/groups", "Groups", List.of("Groups"),
          link("e1", "Groups", "/groups"), link("e2", "Users", "/users"), link("e3", "Settings", "/settings"), link("e4", "Log out", "/logout"),
          button("e5", "New group", null, null), link("e6", "Admins", "/groups/1"), link("e7", "Editors", "/groups/2"));
      Decision open = decide(s, list);
      assertEquals("New group", open.target().name(), open.reason());
      s.record(open, true, null);
      List<JsonObject> els = new ArrayList<>(List.of(link("e1", "Groups", "/groups"), link("e2", "Users", "/users"), link("e3", "Settings", "/settings"),
          link("e4", "Log out", "/logout"), textbox("e5", "Group name", "name", true, "g"), textbox("e6", "Description", "description", false, "g"),
          button("e7", "Cancel", "button", "g")));
      // the button moves: first, between the fields, or last; and it is a submit button or a plain one
      int at = switch (label) { case "Create group" -> els.size(); case "Save" -> 5; default -> 4; };
      els.add(at, button("e9", label, label.equals("Save") ? "button" : "submit", "g"));
      filled(s, page("http://groups.test/groups/new", "New group", List.of("New group"), els.toArray(JsonObject[]::new)), "Group name", "groupName");
      Decision d = decide(s, page("http://groups.test/groups/new", "New group", List.of("New group"), els.toArray(JsonObject[]::new)));
      assertEquals(label, d.target().name(), d.reason());
      assertTrue(d.confidence() >= TAKEN, label + ": confidence " + d.confidence());
    }
  }

  @Test
  void fillsTheFieldsTheRulesCouldNotPlaceBeforeSendingTheForm() {
    GoalState s = state("add Ada Lovelace to the club's members list", Map.of("company", "Analytical Engines Ltd", "city", "London"), Set.of());
    PageDigest form = page("http://club.test/members/new", "New member", List.of("New member"),
        link("e1", "Members", "/members"), textbox("e2", "Employer", "f2", false, "m"), textbox("e3", "Description", "f3", false, "m"),
        textbox("e4", "Town", "f4", false, "m"), textbox("e5", "Search", "q", false, "s"), button("e6", "Create", "submit", "m"));
    assertTrue(new RulesDecider().decide(withPage(s, form)).isEmpty(), "the rules place neither: no word in common");
    Map<String, String> placed = new java.util.HashMap<>();
    for (int i = 0; i < 2; i++) {
      Decision d = decide(s, form);
      assertEquals(Decision.Action.FILL, d.action(), d.reason());
      assertNull(d.value(), "the value is looked up when typing, not carried by the decision");
      placed.put(d.dataKey(), d.target().name());
      s.record(d, true, null);
    }
    assertEquals(Map.of("company", "Employer", "city", "Town"), placed);
  }

  private static GoalState withPage(GoalState s, PageDigest p) {
    s.onPage(p);
    return s;
  }

  @Test
  void saysNothingOnAPageThatHasNothingToDoWithTheGoal() {
    GoalState nonsense = state("xyzzy frobnicate the quux", Map.of(), Set.of());
    nonsense.onPage(detailPage());
    assertEquals(Optional.empty(), decider.decide(nonsense));
    GoalState umbrella = state("buy a red umbrella", Map.of(), Set.of());
    umbrella.onPage(page("http://news.test/", "Daily News", List.of("Top stories"), link("e1", "Sports", "/sports"), link("e2", "Weather", "/weather"),
        link("e3", "Politics", "/politics"), link("e4", "Privacy policy", "/privacy"), button("e5", "Subscribe", null, null)));
    assertEquals(Optional.empty(), decider.decide(umbrella));
  }

  @Test
  void aGoalWithNoTextOrAPageWithNoHeadingsIsNoError() {
    GoalState s = state("", Map.of(), Set.of());
    s.onPage(page("http://x.test/", "", List.of(), button("e1", "Next", null, null)));
    assertEquals(Optional.empty(), decider.decide(s));
  }

  @Test
  void proposesNothingAlreadyTriedOnThisPage() {
    GoalState s = swimmer();
    clicked(s, searchPage(), "Search");
    PageDigest results = resultsPage();
    Decision first = decide(s, results);
    s.record(first, false, "timed out");
    Decision second = decide(s, results);
    assertNotEquals(first.target().name(), second.target().name());
  }

  @Test
  void keepsTheTextsItSawAndForgetsTheOldestFirst() {
    LocalModel small = new LocalModel(2); // the ONNX model itself is one per JVM: a second LocalModel costs a cache
    List<float[]> v = small.embedAll(List.of("Book a place", "Book a place", "Next", "Swimming – Tuesday"));
    assertEquals(4, v.size());
    assertSame(v.get(0), v.get(1), "the same text, embedded once");
    assertEquals(1.0, LocalModel.cosine(v.get(0), v.get(0)), 1e-5, "unit vectors");
    assertEquals(2, small.cached());
    assertTrue(LocalModel.cosine(v.get(0), v.get(3)) < 0.5);
  }

  @Test
  void neverEmbedsASecretValue() {
    GoalState s = state("log in as ada with password hunter22 and book swimming", Map.of("user", "ada", "password", "hunter22"), Set.of("password"));
    String q = LocalModelDecider.query(s);
    assertFalse(q.contains("hunter22"), q);
    assertTrue(q.contains("[secret]"), q);
  }

  /**
   * The model loads in a JVM started without the opt-out flags on its command line, in a network namespace of its own
   * (no network at all), and, traced, tries no connection to any network address: the loader itself turns DJL's
   * telemetry off. Skipped where neither unshare nor strace can run.
   */
  @Test
  void loadsWithoutTryingTheNetwork() throws Exception {
    assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    assertEquals("true", System.getProperty("ai.djl.offline"));
    boolean unshare = works("unshare", "-n", "true"), strace = works("strace", "-o", "/dev/null", "true");
    org.junit.jupiter.api.Assumptions.assumeTrue(unshare || strace, "needs unshare -n or strace");
    java.nio.file.Path trace = java.nio.file.Files.createTempFile("model-connect", ".txt");
    List<String> cmd = new ArrayList<>();
    if (strace) cmd.addAll(List.of("strace", "-f", "-qq", "-e", "trace=connect", "-o", trace.toString()));
    if (unshare) cmd.addAll(List.of("unshare", "-n"));
    cmd.addAll(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LoadProbe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    System.out.println(out.lines().filter(l -> l.startsWith("probe:")).collect(java.util.stream.Collectors.joining("\n")));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("probe: loaded"), out);
    if (strace) {
      List<String> inet = java.nio.file.Files.readAllLines(trace).stream().filter(l -> l.contains("AF_INET")).toList();
      assertEquals(List.of(), inet, "connections tried while loading the model");
    }
    java.nio.file.Files.deleteIfExists(trace);
  }

  private static boolean works(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException | InterruptedException e) {
      return false;
    }
  }

  /** The child JVM: loads the model, embeds a sentence, tells the time and the memory it took. */
  public static final class LoadProbe {
    public static void main(String[] args) throws Exception {
      if (System.getProperty("OPT_OUT_TRACKING") != null) throw new IllegalStateException("the probe must start without the opt-out");
      long rss0 = rssKb(), t0 = System.nanoTime();
      if (!LocalModel.shared().ready()) throw new IllegalStateException(LocalModel.shared().failure());
      long load = (System.nanoTime() - t0) / 1_000_000;
      int dims = LocalModel.shared().embed("book a place on the Tuesday swimming class").orElseThrow().length;
      System.out.println("probe: loaded in " + load + " ms, " + dims + " dimensions, RSS +" + (rssKb() - rss0) / 1024 + " MB");
    }

    private static long rssKb() throws java.io.IOException {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D+", ""))).findFirst().orElse(0L);
    }
  }

  /** A form's button clicked on the way ("Sign in") says nothing about where the goal is, and many data values do not drown the goal. */
  @Test
  void aButtonClickedOnTheWayDoesNotHideTheLinkThatLeadsToTheGoal() {
    GoalState s = state("open a support ticket about the printer", Map.of("username", "u", "password", "pw-0", "subject", "Broken printer",
        "description", "It stopped working this morning", "priority", "Low"), Set.of());
    PageDigest home = page("http://h/support/home.html", "Helpdesk", List.of("Hello, user0"),
        link("e1", "Home", "home.html"), link("e2", "My tickets", "#"), link("e3", "Knowledge base", "#"), link("e4", "New ticket", "new.html"), link("e5", "Log out", "index.html"));
    PageDigest login = page("http://h/support/index.html", "Helpdesk: sign in", List.of("Helpdesk"),
        textbox("e1", "Username", null, true, "f"), textbox("e2", "Password", null, true, "f"), button("e3", "Sign in", null, "f"));
    filled(s, login, "Username", "username");
    filled(s, login, "Password", "password");
    clicked(s, login, "Sign in");
    s.onPage(home);
    Decision d = new LocalModelDecider(LocalModel.shared()).decide(s).orElseThrow();
    assertEquals("New ticket", d.target().name(), d.reason());
  }
}
