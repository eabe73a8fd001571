package io.robogrid.runner.goal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a goal run stands, as the deciders see it: the goal, the page now, what was done so far and how it went, which
 * data were typed, and which actions were already tried on this very page state (so no level proposes them again).
 * Changed by the run between decisions only.
 */
public final class GoalState {
  /** One action taken: what was decided, and whether it could be carried out. */
  public record Taken(int step, Decision decision, boolean ok, String error, int pageBefore) {
    JsonObject toJson() {
      JsonObject j = decision.toJson().put("step", step).put("ok", ok);
      if (error != null) j.put("error", error);
      return j;
    }
  }

  private final GoalSpec spec;
  private final List<Taken> history = new ArrayList<>();
  private final Set<String> typed = new LinkedHashSet<>();
  private final Set<String> tried = new HashSet<>();
  private final List<String> notes = new ArrayList<>();
  private PageDigest page;
  private double spentUsd;
  private int enteredSinceSend;

  public GoalState(GoalSpec spec) {
    this.spec = spec;
  }

  public GoalSpec spec() {
    return spec;
  }

  public PageDigest page() {
    return page;
  }

  void onPage(PageDigest digest) {
    this.page = digest;
  }

  public List<Taken> history() {
    return List.copyOf(history);
  }

  /** The number of the next action (1 for the first). */
  public int nextStep() {
    return history.size() + 1;
  }

  /** Data keys not typed yet, in the order the step gives them. */
  public List<String> untypedData() {
    List<String> out = new ArrayList<>();
    for (String k : spec.data().keySet()) if (!typed.contains(k)) out.add(k);
    return out;
  }

  public boolean typed(String key) {
    return typed.contains(key);
  }

  /** Whether this action was already tried on the page as it is now. */
  public boolean triedHere(Decision d) {
    return page != null && tried.contains(page.fingerprint() + "#" + d.signature());
  }

  /** Whether {@code target} was clicked before in this run, on any page (a model should rather try something new). */
  public boolean clickedBefore(Element target) {
    return history.stream().anyMatch(t -> t.ok() && t.decision().action() == Decision.Action.CLICK && t.decision().target() != null
        && t.decision().target().name().equals(target.name()) && t.decision().target().role().equals(target.role()));
  }

  void record(Decision d, boolean ok, String error) {
    history.add(new Taken(history.size() + 1, d, ok, error, page == null ? 0 : page.fingerprint()));
    if (page != null) tried.add(page.fingerprint() + "#" + d.signature());
    if (ok && d.dataKey() != null && (d.action() == Decision.Action.FILL || d.action() == Decision.Action.SELECT)) typed.add(d.dataKey());
    if (ok) {
      switch (d.action()) {
        case FILL, SELECT, CHECK -> enteredSinceSend++;
        // closing a modal sends nothing: what was entered before it is still waiting to be sent
        case CLICK, PRESS, GOTO -> { if (d.target() == null || !d.target().inModal()) enteredSinceSend = 0; }
        default -> { }
      }
    }
  }

  /** How many values were entered (typed, picked, ticked) since the last click that may have sent them. */
  public int enteredSinceSend() {
    return enteredSinceSend;
  }

  /** Something a decider should know that no action says (the goal indicators did not hold after a "done"). */
  void note(String text) {
    notes.add(text);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  void spend(double usd) {
    spentUsd += usd;
  }

  public double spentUsd() {
    return spentUsd;
  }

  /** The decision log, kept with the job: every action, its level, reason and result. */
  JsonArray log() {
    JsonArray a = new JsonArray();
    history.forEach(t -> a.add(t.toJson()));
    return a;
  }
}
