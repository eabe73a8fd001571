package io.robogrid.web;

import io.robogrid.core.RoboGridException;
import io.vertx.ext.web.RoutingContext;

/**
 * Query parameters, read one way only: a parameter given twice ({@code ?state=QUEUED&state=FAILED}, or after a
 * {@code ;}) is refused rather than one of its values picked, and numbers are whole and in range. Their text was
 * checked before routing ({@link RequestGate}: UTF-8, no control characters).
 */
final class Params {
  private Params() {}

  /** The parameter's value, null when absent; refused when given more than once. */
  static String one(RoutingContext ctx, String name) {
    var all = ctx.queryParams().getAll(name);
    if (all.size() > 1) throw RoboGridException.invalidRequest(name + ": given " + all.size() + " times; give it once");
    return all.isEmpty() ? null : all.get(0);
  }

  static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    long v = longParam(ctx, name, dflt);
    if (v < min || v > max) throw RoboGridException.invalidRequest(name + ": must be from " + min + " to " + max);
    return (int) v;
  }

  static long longParam(RoutingContext ctx, String name, long dflt) {
    String s = one(ctx, name);
    if (s == null || s.isEmpty()) return dflt;
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw RoboGridException.invalidRequest(name + ": '" + s + "' is not a whole number");
    }
  }
}
