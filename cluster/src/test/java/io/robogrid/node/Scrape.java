package io.robogrid.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code /metrics} in Prometheus' text format, read as Prometheus reads it: series, labels, values. */
final class Scrape {
  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Series(String name, Map<String, String> labels, double value) {}

  final String text;
  final List<Series> series = new ArrayList<>();

  Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = LINE.matcher(line);
      if (!m.matches()) throw new AssertionError("not a Prometheus sample line: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) labels.put(l.group(1), l.group(2));
      }
      series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3).replace("+Inf", "Infinity"))));
    }
  }

  /** The sum of every series named {@code name} whose labels include {@code labels} (name, value, name, value…). */
  double sum(String name, String... labels) {
    double total = 0;
    for (Series s : series) {
      if (!s.name.equals(name)) continue;
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) all &= labels[i + 1].equals(s.labels.get(labels[i]));
      if (all) total += s.value;
    }
    return total;
  }

  boolean has(String name) {
    return series.stream().anyMatch(s -> s.name.equals(name));
  }

  /** Every metric family name, as PromQL names it (a histogram's _bucket, _count, _sum each). */
  Set<String> names() {
    Set<String> out = new TreeSet<>();
    series.forEach(s -> out.add(s.name));
    return out;
  }
}
