package io.robogrid.runner.goal;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The next action a decider chose, and why. {@code target} is the element acted on (null for goto, done and give-up);
 * what is typed is either {@code dataKey} (one of the goal's named values, looked up at the moment of typing, so that
 * no value, secret or not, travels through a decider) or {@code value}, a literal.
 *
 * @param confidence from 0 to 1: below the router's threshold, the next level is asked too
 */
public record Decision(Decider.Level level, Action action, Element target, String dataKey, String value, String key, String url,
                       String reason, double confidence, Cost cost) {

  public enum Action {
    CLICK, FILL, SELECT, CHECK, PRESS, GOTO, DONE, GIVE_UP;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Action of(String s) {
      if (s == null) return null;
      for (Action a : values()) if (a.label().equals(s.trim().toLowerCase(Locale.ROOT)) || a.name().equalsIgnoreCase(s.trim())) return a;
      return null;
    }
  }

  /**
   * What a decision cost: the model that made it (none for the cache and the rules), tokens in and out, the time it
   * took, and the price of those tokens from the price table.
   */
  public record Cost(String provider, String model, long tokensIn, long tokensOut, long ms, double usd) {
    public static Cost free(long ms) {
      return new Cost(null, null, 0, 0, ms, 0);
    }

    public Cost withMs(long took) {
      return new Cost(provider, model, tokensIn, tokensOut, took, usd);
    }

    /** Two costs of one decision (a malformed answer and the retry). */
    public Cost plus(Cost other) {
      return new Cost(provider, model, tokensIn + other.tokensIn, tokensOut + other.tokensOut, ms + other.ms, usd + other.usd);
    }
  }

  public static Decision of(Decider.Level level, Action action, Element target, String reason, double confidence) {
    return new Decision(level, action, target, null, null, null, null, reason, confidence, null);
  }

  public Decision typing(String dataKey, String literal) {
    return new Decision(level, action, target, dataKey, literal, key, url, reason, confidence, cost);
  }

  public Decision pressing(String k) {
    return new Decision(level, action, target, dataKey, value, k, url, reason, confidence, cost);
  }

  public Decision going(String u) {
    return new Decision(level, action, target, dataKey, value, key, u, reason, confidence, cost);
  }

  public Decision costing(Cost c) {
    return new Decision(level, action, target, dataKey, value, key, url, reason, confidence, c);
  }

  /** The same action taken again on the same page is a try that already did not get anywhere. */
  public String signature() {
    return action + "|" + (target == null ? "" : target.role() + ":" + target.name() + ":" + target.selector()) + "|" + dataKey + "|" + value + "|" + key + "|" + url;
  }

  /** For the event stream and the decision log: never a typed value that came from the goal's data. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("level", level.label()).put("action", action.label()).put("reason", reason)
        .put("confidence", Math.round(confidence * 1000) / 1000.0);
    if (target != null) j.put("target", new JsonObject().put("role", target.role()).put("name", target.name()).put("selector", target.selector()));
    if (dataKey != null) j.put("dataKey", dataKey);
    if (value != null) j.put("value", value);
    if (key != null) j.put("key", key);
    if (url != null) j.put("url", url);
    return j;
  }
}
