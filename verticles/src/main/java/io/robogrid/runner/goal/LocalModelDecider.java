package io.robogrid.runner.goal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Level 2: ranks the page's elements against the goal by sentence embeddings (the {@link LocalModel}, in process).
 * <ul>
 * <li>A field for a data key the rules could not place: the field whose texts mean what the key's words mean
 *     ("groupName" ~ "Group title"). Filling comes before any click: the data belong on the page that asks for them.
 * <li>A click, for one of two reasons. It <em>names what the goal is about</em>: the embedding cosine of its text with
 *     the goal and the shown data values, plus a little for words in common; it counts only when it is about the goal
 *     more than anything clicked so far (drilling down: "Classes" → "Swimming – Tuesday"; on the detail page, the other
 *     sessions are not progress). Or it <em>moves forward on a page that is about the goal</em>: how much it means
 *     "next", "book", "save"… more than "back", "cancel", "home"…, weighed by how well the page's title and headings
 *     match the goal, and more for the button of a form whose fields are filled.
 * </ul>
 * Confidence is the winner's score, lowered when the runner-up is close. No answer when nothing scores
 * {@link #MIN_SCORE}: a page that has nothing to do with the goal gets no guess. Never sees a secret value.
 */
public final class LocalModelDecider implements Decider {
  /** Below this nothing on the page is similar enough to act on. */
  static final double MIN_SCORE = 0.35;
  /** A field must mean a data key's words at least this much (unrelated labels score 0.1 to 0.3). */
  static final double FIELD_AT = 0.5;
  static final double LEXICAL = 0.2;
  static final double FORM = 0.3;
  /** The winner's lead over the runner-up at which its confidence is its whole score; a tie takes 40% off. */
  static final double CLEAR_MARGIN = 0.15;
  /**
   * What a person clicks to get on with a task, and what takes them away from it: an element is as forward as it is
   * nearer the first list than the second. (Checked on 38 forward labels, two thirds of them not in the list, and 50
   * others, mostly not in the second: every forward label scored above every other one, but by as little as 0.01,
   * hence the steep curve in {@link #onward}.)
   */
  static final List<String> FORWARD = List.of("Next", "Continue", "Proceed", "Submit", "Send", "Save", "Save changes", "Create", "Create new",
      "Add", "Add new", "Confirm", "Confirm order", "Finish", "Complete", "Done", "Book", "Book now", "Reserve", "Register", "Sign up", "Enrol",
      "Join", "Apply", "Checkout", "Place order", "Pay now", "Buy now", "Add to cart", "Get started", "Accept and continue");
  static final List<String> AWAY = List.of("Back", "Previous", "Cancel", "Close", "Reset", "Delete", "Remove", "Log out", "Home", "Help",
      "About us", "Contact", "Privacy policy", "Terms of use", "Cookie settings", "Skip to content", "FAQ", "News", "Blog", "Gallery", "Careers",
      "Settings", "My profile", "Opening hours", "Locations", "Courses", "Events", "Products", "Services", "Shop", "Menu", "Sort by", "Language",
      "Team", "Members", "Overview");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalModelDecider.class);
  private final LocalModel model;

  public LocalModelDecider(LocalModel model) {
    this.model = model;
  }

  @Override
  public Level level() {
    return Level.LOCAL;
  }

  @Override
  public Optional<Decision> decide(GoalState state) {
    long t0 = System.nanoTime();
    if (state.page() == null || !model.ready()) return Optional.empty();
    Optional<Decision> d;
    try {
      d = field(state).or(() -> click(state));
    } catch (RuntimeException e) { // the model failing on one page is no reason to fail the run: the other levels are asked
      LOG.warn("local model failed on {}: {}", state.page().url(), e.toString());
      return Optional.empty();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return d.map(x -> x.costing(new Decision.Cost(LocalModel.PROVIDER, LocalModel.MODEL, 0, 0, ms, 0)));
  }

  private record Scored(Element element, double score, String reason, String dataKey) {}

  private Optional<Decision> field(GoalState state) {
    List<Element> fields = state.page().elements().stream().filter(Element::actionable)
        .filter(e -> e.isTextField() && !Boolean.TRUE.equals(e.filled()) || e.isSelect()).filter(e -> !text(e).isEmpty()).toList();
    List<String> keys = state.untypedData();
    if (fields.isEmpty() || keys.isEmpty()) return Optional.empty();
    List<float[]> fv = model.embedAll(fields.stream().map(LocalModelDecider::text).toList());
    List<Scored> scored = new ArrayList<>();
    for (String key : keys) {
      String words = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[^\\p{L}\\p{N}]+", " ").strip().toLowerCase(Locale.ROOT);
      if (words.isEmpty()) continue;
      float[] kv = model.embed(words).orElse(null);
      if (kv == null) return Optional.empty();
      String value = state.spec().data().get(key);
      for (int i = 0; i < fields.size(); i++) {
        Element e = fields.get(i);
        if (Words.match(key, e.describe()) >= RulesDecider.FILL_AT) continue; // the rules' to place, and they did not
        if (e.isSelect() && option(e, value) == null) continue; // a list that does not offer the value is not for it
        double s = LocalModel.cosine(kv, fv.get(i));
        scored.add(new Scored(e, s, String.format(Locale.ROOT, "the field '%s' means data '%s' (similarity %.2f)", text(e), key, s), key));
      }
    }
    return best(scored, FIELD_AT, state, s -> Decision.of(level(), s.element().isSelect() ? Decision.Action.SELECT : Decision.Action.FILL,
        s.element(), s.reason(), 0).typing(s.dataKey(), null));
  }

  private Optional<Decision> click(GoalState state) {
    PageDigest page = state.page();
    // a form's sending button is no answer while the form has a required field left empty: the browser would not send it
    Set<String> incomplete = new LinkedHashSet<>();
    page.elements().stream().filter(e -> e.required() && e.isTextField() && !Boolean.TRUE.equals(e.filled()) && e.form() != null)
        .forEach(e -> incomplete.add(e.form()));
    List<Element> clickables = page.elements().stream().filter(Element::actionable).filter(Element::isClickable)
        .filter(e -> !("submit".equals(e.type()) && e.form() != null && incomplete.contains(e.form())))
        .filter(e -> !text(e).isEmpty()).toList();
    if (clickables.isEmpty()) return Optional.empty();
    String query = query(state);
    Set<String> goalWords = Words.of(query);
    List<Element> clicked = state.history().stream().filter(t -> t.ok() && t.decision().action() == Decision.Action.CLICK && t.decision().target() != null)
        .map(t -> t.decision().target()).toList();
    List<String> texts = new ArrayList<>();
    texts.add(query);
    texts.add(pageText(page));
    // the goal alone too: many data values (a user name, a ticket's text) can drown what the goal says it is about
    texts.add(redact(state.spec().goal() == null ? "" : state.spec().goal(), state.spec()));
    texts.addAll(FORWARD);
    texts.addAll(AWAY);
    clickables.forEach(e -> texts.add(text(e)));
    clicked.forEach(e -> texts.add(text(e)));
    List<float[]> v = model.embedAll(texts);
    if (v.isEmpty()) return Optional.empty();
    float[] goal = v.get(0), goalAlone = v.get(2);
    double pageRel = Math.max(LocalModel.cosine(goal, v.get(1)), LocalModel.cosine(goalAlone, v.get(1)));
    int f0 = 3, a0 = f0 + FORWARD.size(), c0 = a0 + AWAY.size(), k0 = c0 + clickables.size();
    // the goal's page: 0 when the page's headings have nothing to do with it, 1 from a cosine of 0.5 up
    double gate = clamp((pageRel - 0.25) / 0.25);
    // how close to the goal the links followed so far came: a link naming it less closely leads away (a form's button
    // clicked on the way, "Sign in", says nothing about where the goal is)
    double progress = 0;
    for (int i = 0; i < clicked.size(); i++) {
      if ("link".equals(clicked.get(i).role())) progress = Math.max(progress, about(goal, goalAlone, v.get(k0 + i), goalWords, clicked.get(i)));
    }
    Set<String> filledForms = new LinkedHashSet<>();
    page.elements().stream().filter(e -> Boolean.TRUE.equals(e.filled())).forEach(e -> filledForms.add(String.valueOf(e.form())));

    List<Scored> scored = new ArrayList<>();
    for (int i = 0; i < clickables.size(); i++) {
      Element e = clickables.get(i);
      float[] ev = v.get(c0 + i);
      boolean again = state.clickedBefore(e);
      double about = about(goal, goalAlone, ev, goalWords, e);
      double forward = onward(max(ev, v, f0, a0) - max(ev, v, a0, c0));
      boolean formButton = "button".equals(e.role()) && !filledForms.isEmpty() && forward > 0.5
          && (filledForms.contains(String.valueOf(e.form())) || "submit".equals(e.type()));
      double onward = gate * 0.8 * forward + (formButton ? FORM : 0);
      // a button clicked before may be pressed again on a new page (a wizard's "Next"); a link leads where we were
      if (again) { about = 0; onward = forward > 0.5 ? onward * 0.85 : 0; }
      if (about <= progress + 0.02) about = 0;
      // both reasons at once (a "New group" button for "create a group") make a surer choice than either alone
      double score = Math.max(about, onward) + 0.25 * Math.min(about, onward);
      if (about >= onward && about > 0) {
        scored.add(new Scored(e, score, String.format(Locale.ROOT, "'%s' is what the goal is about (score %.2f)", text(e), about), null));
      } else if (onward > 0) {
        scored.add(new Scored(e, score, String.format(Locale.ROOT, "'%s' moves the task on, on a page about the goal (forward %.2f, page %.2f%s)",
            text(e), forward, pageRel, formButton ? ", the filled form's button" : ""), null));
      }
    }
    return best(scored, MIN_SCORE, state, s -> Decision.of(level(), Decision.Action.CLICK, s.element(), s.reason(), 0));
  }

  /**
   * How much an element names the goal: the better cosine with the goal (alone, or with the data values), and a
   * little for the share of its words the goal uses too.
   */
  private static double about(float[] goal, float[] goalAlone, float[] ev, Set<String> goalWords, Element e) {
    Set<String> words = Words.of(text(e));
    long common = words.stream().filter(goalWords::contains).count();
    return Math.max(LocalModel.cosine(goal, ev), LocalModel.cosine(goalAlone, ev)) + (words.isEmpty() ? 0 : LEXICAL * common / words.size());
  }

  /** The best not yet tried here, if it scores {@code min}; its confidence discounted when the runner-up is close. */
  private Optional<Decision> best(List<Scored> scored, double min, GoalState state, java.util.function.Function<Scored, Decision> decision) {
    List<Scored> ranked = new ArrayList<>(scored);
    ranked.sort(Comparator.comparingDouble(Scored::score).reversed());
    for (int i = 0; i < ranked.size(); i++) {
      Scored s = ranked.get(i);
      if (s.score() < min) break;
      Decision d = decision.apply(s);
      if (state.triedHere(d)) continue;
      double next = i + 1 < ranked.size() ? ranked.get(i + 1).score() : 0;
      double conf = clamp(s.score()) * (0.6 + 0.4 * clamp((s.score() - next) / CLEAR_MARGIN));
      return Optional.of(new Decision(d.level(), d.action(), d.target(), d.dataKey(), d.value(), d.key(), d.url(), d.reason(), conf, null));
    }
    return Optional.empty();
  }

  /** The goal and the data values a model may see (secret values are taken out of the goal text as well). */
  static String query(GoalState state) {
    GoalSpec spec = state.spec();
    String goal = spec.goal() == null ? "" : spec.goal();
    StringBuilder b = new StringBuilder(redact(goal, spec));
    for (Map.Entry<String, String> e : spec.data().entrySet()) {
      if (spec.secretKeys().contains(e.getKey()) || e.getValue().isBlank()) continue;
      if (!goal.toLowerCase(Locale.ROOT).contains(e.getValue().toLowerCase(Locale.ROOT))) b.append(". ").append(e.getValue());
    }
    return b.toString();
  }

  static String redact(String text, GoalSpec spec) {
    String out = text;
    for (String k : spec.secretKeys()) {
      String v = spec.data().get(k);
      if (v != null && !v.isEmpty()) out = out.replace(v, "[secret]");
    }
    return out;
  }

  /** What the page is about: its title and headings, or the start of its text when it has none. */
  private static String pageText(PageDigest page) {
    String h = (page.title() + " " + String.join(" ", page.headings())).strip();
    if (!h.isEmpty()) return h;
    String t = page.text() == null ? "" : page.text();
    return t.length() > 200 ? t.substring(0, 200) : t;
  }

  /** The element's texts as a person reads them: name, label, placeholder and field name, each once. */
  static String text(Element e) {
    Set<String> parts = new LinkedHashSet<>();
    for (String s : new String[] {e.name(), e.label(), e.placeholder(), fieldWords(e)}) {
      if (s != null && !s.isBlank() && parts.stream().noneMatch(p -> p.equalsIgnoreCase(s.strip()))) parts.add(s.strip());
    }
    return String.join(" ", parts);
  }

  /** The field name's words, when it has some ("first_name"; not "f3" or "q"). */
  private static String fieldWords(Element e) {
    if (e.fieldName() == null) return null;
    String w = String.join(" ", Words.of(e.fieldName().replaceAll("\\d+", " ")));
    return w.replace(" ", "").length() >= 3 ? w : null;
  }

  static String option(Element select, String value) {
    if (value == null) return null;
    return select.options().stream().filter(o -> o.equalsIgnoreCase(value)).findFirst()
        .or(() -> select.options().stream().filter(o -> o.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT))).findFirst()).orElse(null);
  }

  /** How surely a label means "forward", from its nearness to FORWARD minus its nearness to AWAY (about -0.8 to 0.7). */
  static double onward(double net) {
    return 1 / (1 + Math.exp(-(net - 0.04) / 0.03));
  }

  private static double max(float[] ev, List<float[]> v, int from, int to) {
    double m = -1;
    for (int i = from; i < to; i++) m = Math.max(m, LocalModel.cosine(ev, v.get(i)));
    return m;
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(1, x));
  }
}
