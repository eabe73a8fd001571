package io.robogrid.runner.goal;

/** Money as it is shown: dollars to four decimals ($0.0001). Kept exact while it is added up. */
public final class Costs {
  private Costs() {}

  public static double round(double usd) {
    return Math.round(usd * 10_000) / 10_000.0;
  }

  /** As recorded with each decision, so that sums over many stay right: to a millionth of a cent. */
  public static double exact(double usd) {
    return Math.round(usd * 100_000_000) / 100_000_000.0;
  }
}
