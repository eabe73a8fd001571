package io.robogrid.grid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One thing a runner node offers, as configured in {@code runner.capabilities} or {@code ROBOGRID_CAPABILITIES}:
 * <ul>
 *   <li>{@code browser:<N>}: N browser slots; a job needing {@code browser} leases one, {@code browser:<node>:<slot>};</li>
 *   <li>{@code desktop:<name>}: the named desktop robot; one job at a time drives it, under the lease {@code desktop:<name>};</li>
 *   <li>anything else ({@code http}, {@code agent:crm}): no lease, bounded only by the node's job slots.</li>
 * </ul>
 * A job's {@code requires} lists capability names: {@code browser}, {@code desktop:desk1}, {@code http}.
 *
 * @param name what a job's {@code requires} names
 * @param slots how many jobs may use it at once on this node, or 0 for "as many as the node has job slots"
 */
public record Capability(String name, int slots) {
  public static final String BROWSER = "browser";
  public static final String DESKTOP_PREFIX = "desktop:";
  /** A capability name: lower-case words, optionally one {@code kind:} prefix. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*(:[a-zA-Z0-9._-]+)?");

  public boolean limited() {
    return slots > 0;
  }

  /** Desktops are leased cluster-wide: several nodes may reach the same desktop, but one job drives it at a time. */
  public static boolean isDesktop(String name) {
    return name.startsWith(DESKTOP_PREFIX);
  }

  /** The name of the lease a job takes for this capability on {@code node}, slot {@code slot} (1-based), or null when none. */
  public String lease(String node, int slot) {
    if (name.equals(BROWSER)) return BROWSER + ":" + node + ":" + slot;
    if (isDesktop(name)) return name;
    return null;
  }

  /** Reads one configured capability; throws with a message naming the mistake. */
  public static Capability parse(String spec) {
    String s = spec == null ? "" : spec.trim();
    if (s.equals(BROWSER) || s.startsWith(BROWSER + ":")) {
      String n = s.length() > BROWSER.length() ? s.substring(BROWSER.length() + 1) : "";
      int slots;
      try {
        slots = Integer.parseInt(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("capability '" + s + "': a browser capability needs its slot count, like browser:4");
      }
      if (slots < 1 || slots > 64) throw new IllegalArgumentException("capability '" + s + "': browser slots must be from 1 to 64");
      return new Capability(BROWSER, slots);
    }
    if (s.equals("desktop") || s.equals(DESKTOP_PREFIX)) {
      throw new IllegalArgumentException("capability '" + s + "': a desktop capability names its robot, like desktop:desk1");
    }
    if (!NAME.matcher(s).matches()) {
      throw new IllegalArgumentException("capability '" + s + "': use lower-case letters, digits, '.', '_', '-' and at most one ':'");
    }
    return new Capability(s, isDesktop(s) ? 1 : 0);
  }

  public static List<Capability> parseAll(List<String> specs) {
    List<Capability> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String spec : specs) {
      Capability c = parse(spec);
      if (!seen.add(c.name())) throw new IllegalArgumentException("capability '" + c.name() + "' is listed twice");
      out.add(c);
    }
    return List.copyOf(out);
  }

  /** The configured form, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return name.equals(BROWSER) ? BROWSER + ":" + slots : name;
  }
}
