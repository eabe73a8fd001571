package io.robogrid.notifier;

import io.robogrid.workflow.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who hears about what: {@code {"onFailure": {"email": […], "webhook": […]}, "onApprovalNeeded": …, "onSuccess": …}},
 * on a robot ({@code notify}) or node-wide ({@code notifier.defaults}, for robots without rules of their own and
 * for inline workflows).
 */
public record NotifyRules(Map<Trigger, Targets> rules) {
  public static final NotifyRules NONE = new NotifyRules(Map.of());
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,;]+@[^@\\s<>,;]+\\.[^@\\s<>,;]+");

  /** What a notification is about, with its key in the rules. */
  public enum Trigger {
    FAILURE("onFailure", "failure"), SUCCESS("onSuccess", "success"), APPROVAL("onApprovalNeeded", "approval"), BLOCKED("onBlocked", "blocked");

    public final String key;
    /** Its name in the outbox and the API. */
    public final String label;

    Trigger(String key, String label) {
      this.key = key;
      this.label = label;
    }
  }

  /** Where one trigger's notifications go. */
  public record Targets(List<String> email, List<String> webhook) {
    /** As shown to API callers: webhook URLs cut to their host ({@link #shown}). */
    public JsonObject toJson() {
      JsonObject j = new JsonObject();
      if (!email.isEmpty()) j.put("email", new JsonArray(email));
      if (!webhook.isEmpty()) j.put("webhook", new JsonArray(webhook.stream().map(NotifyRules::shown).toList()));
      return j;
    }
  }

  /**
   * A webhook URL as logs, errors and the API show it: {@code https://chat.example/…}. Chat tools put their secret in
   * the path of a webhook URL, so the whole URL is a credential; an email address is shown as it is.
   */
  public static String shown(String target) {
    if (target == null || target.contains("@") && !target.contains("://")) return target;
    try {
      URI u = new URI(target);
      return u.getScheme() + "://" + u.getRawAuthority().replaceAll("^.*@", "") + "/…";
    } catch (Exception e) {
      return "(a webhook URL)";
    }
  }

  public Targets targets(Trigger t) {
    return rules.get(t);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    rules.forEach((t, targets) -> j.put(t.key, targets.toJson()));
    return j;
  }

  /** Parses rules, adding a problem (under {@code where}) for each bad part; null when {@code json} is null. */
  public static NotifyRules parse(Object json, String where, Problems problems) {
    if (json == null) return null;
    if (!(json instanceof JsonObject o)) {
      problems.add(where, "must be an object like {\"onFailure\": {\"email\": [\"ops@example.com\"]}}");
      return NONE;
    }
    Map<Trigger, Targets> rules = new LinkedHashMap<>();
    for (String key : o.fieldNames()) {
      Trigger trigger = null;
      for (Trigger t : Trigger.values()) if (t.key.equals(key)) trigger = t;
      if (trigger == null) {
        problems.add(where + "." + key, "unknown (use onFailure, onApprovalNeeded, onSuccess or onBlocked)");
        continue;
      }
      String at = where + "." + key;
      if (!(o.getValue(key) instanceof JsonObject channels)) {
        problems.add(at, "must be an object like {\"email\": [\"ops@example.com\"], \"webhook\": [\"https://…\"]}");
        continue;
      }
      List<String> email = new ArrayList<>(), webhook = new ArrayList<>();
      for (String channel : channels.fieldNames()) {
        List<String> into = switch (channel) {
          case "email" -> email;
          case "webhook" -> webhook;
          default -> null;
        };
        if (into == null) {
          problems.add(at + "." + channel, "unknown channel (use email or webhook)");
          continue;
        }
        Object v = channels.getValue(channel);
        JsonArray list = v instanceof String s ? new JsonArray().add(s) : v instanceof JsonArray a ? a : null;
        if (list == null) {
          problems.add(at + "." + channel, "must be a list of " + (into == email ? "addresses" : "URLs"));
          continue;
        }
        for (int i = 0; i < list.size(); i++) {
          Object item = list.getValue(i);
          String target = item instanceof String s ? s.strip() : null;
          if (into == email ? target == null || !EMAIL.matcher(target).matches() : !isHttpUrl(target)) {
            problems.add(at + "." + channel + "[" + i + "]", "'" + item + "' is not " + (into == email ? "an email address" : "an http(s) URL"));
          } else if (!into.contains(target)) {
            into.add(target);
          }
        }
      }
      rules.put(trigger, new Targets(List.copyOf(email), List.copyOf(webhook)));
    }
    return new NotifyRules(Map.copyOf(rules));
  }

  private static boolean isHttpUrl(String s) {
    if (s == null) return false;
    try {
      URI u = new URI(s);
      return u.getHost() != null && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()));
    } catch (Exception e) {
      return false;
    }
  }
}
