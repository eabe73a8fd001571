package io.robogrid.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One label's values, bounded: the first {@code max} distinct values are kept as they are, any later one is
 * {@code other}. Robots come from configuration, but an inline workflow may require any capability string, and
 * every new value would be a new series in Prometheus for as long as the node lives.
 */
final class Labels {
  static final String OTHER = "other";
  private final int max;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  Labels(int max) {
    this.max = max;
  }

  String of(String value, String absent) {
    String v = value == null || value.isEmpty() ? absent : value;
    if (seen.contains(v)) return v;
    if (seen.size() >= max) return OTHER;
    seen.add(v);
    return v;
  }
}
