package io.robogrid.runner.desktop;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Which window a step means: a title containing {@code title}, or a title in which {@code titleRegex} is found. */
public record WindowMatch(String title, Pattern regex) {

  public boolean matches(DesktopWindow w) {
    return title != null ? w.title().contains(title) : regex.matcher(w.title()).find();
  }

  /** The topmost window of {@code windows} (listed bottom to top) that matches, or null. */
  public DesktopWindow topmost(List<DesktopWindow> windows) {
    for (int i = windows.size() - 1; i >= 0; i--) if (matches(windows.get(i))) return windows.get(i);
    return null;
  }

  /** Reads {@code title} or {@code titleRegex} of a step's parameters; null when neither is given. */
  public static WindowMatch of(JsonObject with) {
    String title = with.getValue("title") instanceof String s ? s : null;
    String regex = with.getValue("titleRegex") instanceof String s ? s : null;
    if (title != null) return new WindowMatch(title, null);
    if (regex == null) return null;
    try {
      return new WindowMatch(null, Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("titleRegex is not a valid regular expression: " + e.getDescription());
    }
  }

  @Override
  public String toString() {
    return title != null ? "title containing '" + title + "'" : "title matching /" + regex.pattern() + "/";
  }
}
