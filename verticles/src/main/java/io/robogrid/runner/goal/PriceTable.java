package io.robogrid.runner.goal;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a language model's tokens cost, from {@code runner.goal.prices}:
 * {@code {"gpt-4o-mini": {"inputPerMillion": 0.15, "outputPerMillion": 0.60}}}, in US dollars per million tokens.
 * A model not in the table costs nothing (a local server) and is logged once, so that a forgotten price shows. Costs
 * are exact while they are added up and rounded to $0.0001 only where they are shown ({@link #shown}).
 */
public final class PriceTable {
  public record Price(double inputPerMillion, double outputPerMillion) {}

  public static final String SECTION = "runner.goal.prices";
  private static final Logger LOG = LoggerFactory.getLogger(PriceTable.class);
  private final Map<String, Price> prices;
  private final Set<String> unpriced = ConcurrentHashMap.newKeySet();

  public PriceTable(Map<String, Price> prices) {
    this.prices = Map.copyOf(prices);
  }

  public static PriceTable empty() {
    return new PriceTable(Map.of());
  }

  /** @param j the {@code runner.goal.prices} section; null: no prices */
  public static PriceTable fromJson(JsonObject j) {
    Map<String, Price> out = new LinkedHashMap<>();
    if (j == null) return new PriceTable(out);
    for (String model : j.fieldNames()) {
      if (!(j.getValue(model) instanceof JsonObject p)) {
        throw new IllegalArgumentException(SECTION + "." + model + ": must be an object {\"inputPerMillion\": …, \"outputPerMillion\": …}");
      }
      for (String f : p.fieldNames()) {
        if (!f.equals("inputPerMillion") && !f.equals("outputPerMillion")) throw new IllegalArgumentException(SECTION + "." + model + "." + f + ": not a setting (inputPerMillion, outputPerMillion)");
      }
      out.put(model, new Price(perMillion(p, model, "inputPerMillion"), perMillion(p, model, "outputPerMillion")));
    }
    return new PriceTable(out);
  }

  private static double perMillion(JsonObject p, String model, String key) {
    Object v = p.getValue(key);
    if (!(v instanceof Number n) || n.doubleValue() < 0 || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
      throw new IllegalArgumentException(SECTION + "." + model + "." + key + ": must be a number of dollars, 0 or more");
    }
    return n.doubleValue();
  }

  public Map<String, Price> prices() {
    return prices;
  }

  /** The exact price in dollars of {@code tokensIn} and {@code tokensOut} of {@code model}; 0 for a model not in the table. */
  public double usd(String model, long tokensIn, long tokensOut) {
    Price p = model == null ? null : prices.get(model);
    if (p == null) {
      if (model != null && (tokensIn > 0 || tokensOut > 0) && unpriced.add(model)) {
        LOG.warn("model '{}' has no price in {}: its tokens are counted as costing $0 (the goal budget does not limit it)", model, SECTION);
      }
      return 0;
    }
    return (tokensIn * p.inputPerMillion() + tokensOut * p.outputPerMillion()) / 1_000_000.0;
  }

  /** Dollars as they are shown: to four decimals. */
  public static double shown(double usd) {
    return Math.round(usd * 10_000) / 10_000.0;
  }
}
