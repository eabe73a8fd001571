package io.robogrid.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Left-aligned text columns separated by two spaces, so that output reads well in a terminal and still splits on
 * whitespace in scripts. Empty cells show as {@code -} for the same reason. The last column is not padded, so lines
 * carry no trailing spaces.
 */
final class Table {
  private static final String EMPTY = "-";
  private static final String GAP = "  ";

  private final List<String[]> rows = new ArrayList<>();

  /** @param headers the first line; none for a plain key/value listing */
  Table(String... headers) {
    if (headers.length > 0) rows.add(headers.clone());
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String s = cells[i] == null ? "" : cells[i].toString();
      r[i] = s.isEmpty() ? EMPTY : s;
    }
    rows.add(r);
    return this;
  }

  /** Several values in one cell, such as a robot's requirements; no spaces, so the cell stays one word for scripts. */
  static String joined(Iterable<?> items) {
    StringJoiner j = new StringJoiner(",");
    items.forEach(i -> j.add(String.valueOf(i)));
    return j.toString();
  }

  List<String> lines() {
    List<Integer> widths = new ArrayList<>();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        if (i == widths.size()) widths.add(0);
        widths.set(i, Math.max(widths.get(i), r[i].length()));
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        if (i > 0) line.append(GAP);
        line.append(r[i]);
        if (i < r.length - 1) line.append(" ".repeat(widths.get(i) - r[i].length()));
      }
      out.add(line.toString());
    }
    return out;
  }

  void print(PrintWriter out) {
    lines().forEach(out::println);
  }
}
