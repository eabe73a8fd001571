package io.robogrid.runner.goal;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Level 1: what a careful person does on a form without thinking, no model involved. In order: close a modal that is
 * in the way (unless it is where the data go); fill a field whose label, name or placeholder names a data key; pick
 * the option a data value names; tick a consent box; press the form's primary button once every required field is
 * filled and no field waits for data. No answer when none of these applies.
 */
final class RulesDecider implements Decider {
  static final double FILL_AT = 0.75;
  private static final List<String> DISMISS = List.of("close", "×", "✕", "dismiss", "no thanks", "not now", "maybe later", "skip",
      "got it", "ok", "accept all", "accept", "agree", "allow all", "continue");
  private static final List<String> CONSENT = List.of("agree", "accept", "consent", "terms", "privacy", "conditions", "gdpr");
  private static final List<String> NOT_CONSENT = List.of("newsletter", "marketing", "offers", "subscribe", "remember");
  private static final List<String> SUBMIT = List.of("submit", "register", "sign up", "create", "save", "send", "continue", "next", "book",
      "add", "confirm", "search", "apply", "finish", "done", "pay", "order", "log in", "sign in", "join", "reserve", "enrol", "enroll");

  @Override
  public Level level() {
    return Level.RULES;
  }

  @Override
  public Optional<Decision> decide(GoalState state) {
    PageDigest page = state.page();
    return closeModal(state, page).or(() -> fill(state, page)).or(() -> consent(state, page)).or(() -> submit(state, page))
        .or(() -> lastOneLeft(state, page)).filter(d -> !state.triedHere(d));
  }

  private Optional<Decision> closeModal(GoalState state, PageDigest page) {
    List<Element> inModal = page.elements().stream().filter(e -> e.inModal() && e.actionable()).toList();
    if (inModal.isEmpty()) return Optional.empty();
    // a modal that holds the fields the data are for is the form, not an obstacle
    boolean holdsData = inModal.stream().anyMatch(e -> (e.isTextField() || e.isSelect()) && state.untypedData().stream()
        .anyMatch(k -> Words.match(k, e.describe()) >= FILL_AT));
    if (holdsData) return Optional.empty();
    for (String word : DISMISS) {
      Optional<Element> b = inModal.stream().filter(Element::isClickable).filter(e -> Words.hasAny(e.name(), List.of(word))
          || word.length() == 1 && e.name().strip().equals(word)).findFirst();
      if (b.isPresent()) return Optional.of(Decision.of(level(), Decision.Action.CLICK, b.get(), "a modal is in the way: '" + b.get().name() + "' closes it", 0.9));
    }
    return Optional.empty();
  }

  private Optional<Decision> fill(GoalState state, PageDigest page) {
    for (String key : state.untypedData()) {
      String value = state.spec().data().get(key);
      Optional<Element> best = page.elements().stream().filter(Element::actionable)
          .filter(e -> e.isTextField() && !Boolean.TRUE.equals(e.filled()) || e.isSelect() || e.isCheckbox())
          .filter(e -> Words.match(key, e.describe()) >= FILL_AT)
          .max(Comparator.comparingDouble(e -> Words.match(key, e.describe())));
      if (best.isEmpty()) continue;
      Element e = best.get();
      double score = Words.match(key, e.describe());
      if (e.isSelect()) {
        String option = e.options().stream().filter(o -> o.equalsIgnoreCase(value)).findFirst()
            .or(() -> e.options().stream().filter(o -> o.toLowerCase().contains(value.toLowerCase())).findFirst()).orElse(null);
        // picked even when it shows already: then the datum counts as given, and nothing waits for it
        if (option == null) continue;
        return Optional.of(Decision.of(level(), Decision.Action.SELECT, e, "the list '" + e.describe() + "' names data '" + key + "'", score)
            .typing(key, null));
      }
      if (e.isCheckbox()) {
        boolean want = List.of("true", "yes", "on", "1", "checked").contains(value.toLowerCase());
        if (!want || Boolean.TRUE.equals(e.checked())) continue;
        return Optional.of(Decision.of(level(), Decision.Action.CHECK, e, "the box '" + e.describe() + "' names data '" + key + "'", score)
            .typing(key, null));
      }
      return Optional.of(Decision.of(level(), Decision.Action.FILL, e, "the field '" + e.describe() + "' names data '" + key + "'", score)
          .typing(key, null));
    }
    return Optional.empty();
  }

  /**
   * By elimination: one datum left to type and one required field left empty, whose label names no other datum (a
   * "What happened?" for the description). Less sure than a match by name: a model level is asked too.
   */
  private Optional<Decision> lastOneLeft(GoalState state, PageDigest page) {
    List<String> left = state.untypedData();
    List<Element> empty = page.elements().stream().filter(e -> e.actionable() && e.isTextField() && e.required() && !Boolean.TRUE.equals(e.filled()))
        .toList();
    if (left.size() != 1 || empty.size() != 1) return Optional.empty();
    Element e = empty.get(0);
    boolean namesAnother = state.spec().data().keySet().stream().anyMatch(k -> !k.equals(left.get(0)) && Words.match(k, e.describe()) >= FILL_AT);
    if (namesAnother) return Optional.empty();
    return Optional.of(Decision.of(level(), Decision.Action.FILL, e, "the one datum left, '" + left.get(0) + "', for the one required field left empty, '"
        + e.describe() + "'", 0.6).typing(left.get(0), null));
  }

  private Optional<Decision> consent(GoalState state, PageDigest page) {
    return page.elements().stream().filter(e -> e.isCheckbox() && !e.disabled() && Boolean.FALSE.equals(e.checked()))
        .filter(e -> (e.required() || Words.hasAny(e.describe(), CONSENT)) && !Words.hasAny(e.describe(), NOT_CONSENT))
        .filter(e -> state.spec().data().keySet().stream().noneMatch(k -> Words.match(k, e.describe()) >= FILL_AT)) // the data decide those
        .findFirst().map(e -> Decision.of(level(), Decision.Action.CHECK, e, "a consent box: '" + e.describe() + "'", 0.9));
  }

  /**
   * The primary button of a form whose required fields are all filled, once the data that belong on this page are in:
   * a form with an empty field that a data key names is not done yet. Something must have been entered since the last
   * send, so that a form that came filled in (a search box repeating the query) is not sent again.
   */
  private Optional<Decision> submit(GoalState state, PageDigest page) {
    List<Element> fields = page.elements().stream().filter(e -> e.actionable() && (e.isTextField() || e.isSelect() || e.isCheckbox())).toList();
    if (fields.isEmpty()) return Optional.empty();
    boolean waitingForData = fields.stream().anyMatch(e -> e.isTextField() && !Boolean.TRUE.equals(e.filled())
        && state.untypedData().stream().anyMatch(k -> Words.match(k, e.describe()) >= FILL_AT));
    boolean requiredMissing = fields.stream().anyMatch(e -> e.required() && (e.isTextField() && !Boolean.TRUE.equals(e.filled())
        || e.isCheckbox() && !Boolean.TRUE.equals(e.checked())));
    // only what this run entered is sent: a form that came filled in (a search box repeating the query) is not sent again
    if (waitingForData || requiredMissing || state.enteredSinceSend() == 0) return Optional.empty();
    String form = fields.stream().filter(e -> Boolean.TRUE.equals(e.filled()) || Boolean.TRUE.equals(e.checked())).map(Element::form)
        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    List<Element> buttons = page.elements().stream().filter(e -> e.actionable() && "button".equals(e.role()))
        .filter(e -> form == null || form.equals(e.form()) || e.form() == null).toList();
    Optional<Element> primary = buttons.stream().filter(e -> "submit".equals(e.type()) && !Words.hasAny(e.name(), List.of("cancel", "back", "reset")))
        .findFirst().or(() -> buttons.stream().filter(e -> Words.hasAny(e.name(), SUBMIT)).findFirst());
    return primary.map(b -> Decision.of(level(), Decision.Action.CLICK, b, "every required field is filled: '" + b.name() + "' sends the form", 0.85));
  }
}
