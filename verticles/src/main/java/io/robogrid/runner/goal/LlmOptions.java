package io.robogrid.runner.goal;

import io.robogrid.core.Durations;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The language model of level 3, from {@code runner.goal.llm} in the node config. Without that section there is no
 * level 3. The key is never in the config: {@code apiKeySecret} names the RoboGrid secret that holds it.
 *
 * @param provider {@code openai} for OpenAI and every server that speaks its chat-completions API (Ollama, llama.cpp's
 *     server, vLLM: set {@code baseUrl}), or {@code anthropic}
 * @param baseUrl where the API is, up to and including its version ({@code https://api.openai.com/v1},
 *     {@code http://127.0.0.1:11434/v1} for Ollama, {@code https://api.anthropic.com/v1})
 * @param apiKeySecret the name of the secret with the API key; may be left out for a local server that wants none
 * @param timeout how long one call may take before the run gives up (the call is not retried)
 * @param jsonMode whether to ask an OpenAI-compatible server for a JSON object ({@code response_format}); turn it
 *     off for a server that refuses the field. The answer is validated either way.
 */
public record LlmOptions(Provider provider, String baseUrl, String model, String apiKeySecret, Duration timeout, int maxTokens, double temperature,
                         boolean jsonMode) {
  public enum Provider {
    OPENAI("https://api.openai.com/v1"), ANTHROPIC("https://api.anthropic.com/v1");

    final String defaultUrl;

    Provider(String defaultUrl) {
      this.defaultUrl = defaultUrl;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final String SECTION = "runner.goal.llm";
  public static final String DEFAULT_TIMEOUT = "30s";
  public static final int DEFAULT_MAX_TOKENS = 400;
  static final Set<String> FIELDS = Set.of("provider", "baseUrl", "model", "apiKeySecret", "timeout", "maxTokens", "temperature", "jsonMode");

  /** @param j the {@code runner.goal.llm} section; null or empty: no language model (returns null) */
  public static LlmOptions fromJson(JsonObject j) {
    if (j == null || j.isEmpty()) return null;
    for (String f : j.fieldNames()) {
      if (f.toLowerCase(Locale.ROOT).equals("apikey")) {
        throw new IllegalArgumentException(SECTION + "." + f + ": the key does not go in the config: store it as a RoboGrid secret and name that secret in apiKeySecret");
      }
      if (!FIELDS.contains(f)) throw new IllegalArgumentException(SECTION + "." + f + ": not a setting (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
    }
    String p = string(j, "provider");
    if (p == null) throw new IllegalArgumentException(SECTION + ".provider: required (openai or anthropic)");
    Provider provider = switch (p.trim().toLowerCase(Locale.ROOT)) {
      case "openai" -> Provider.OPENAI;
      case "anthropic" -> Provider.ANTHROPIC;
      default -> throw new IllegalArgumentException(SECTION + ".provider: '" + p + "' is not openai or anthropic (Ollama, llama.cpp and vLLM speak openai: set baseUrl)");
    };
    String model = string(j, "model");
    if (model == null || model.isBlank()) throw new IllegalArgumentException(SECTION + ".model: required (the model's name as the server knows it)");
    String baseUrl = string(j, "baseUrl");
    baseUrl = baseUrl == null || baseUrl.isBlank() ? provider.defaultUrl : baseUrl.trim();
    try {
      URI u = URI.create(baseUrl);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) throw new IllegalArgumentException();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SECTION + ".baseUrl: '" + baseUrl + "' is not an http(s) URL");
    }
    String secret = string(j, "apiKeySecret");
    if (secret != null && secret.isBlank()) secret = null;
    if (secret == null && baseUrl.equals(provider.defaultUrl)) {
      throw new IllegalArgumentException(SECTION + ".apiKeySecret: required for " + baseUrl + " (the name of the RoboGrid secret that holds the API key)");
    }
    Duration timeout = Durations.setting(j, SECTION, "timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero()) throw new IllegalArgumentException(SECTION + ".timeout: must be more than 0");
    int maxTokens = number(j, "maxTokens", DEFAULT_MAX_TOKENS).intValue();
    if (maxTokens < 50 || maxTokens > 100_000) throw new IllegalArgumentException(SECTION + ".maxTokens: must be from 50 to 100000, not " + maxTokens);
    double temperature = number(j, "temperature", 0).doubleValue();
    if (temperature < 0 || temperature > 2) throw new IllegalArgumentException(SECTION + ".temperature: must be from 0 to 2, not " + temperature);
    Object json = j.getValue("jsonMode", true);
    if (!(json instanceof Boolean jsonMode)) throw new IllegalArgumentException(SECTION + ".jsonMode: must be true or false");
    return new LlmOptions(provider, baseUrl, model.trim(), secret, timeout, maxTokens, temperature, jsonMode);
  }

  private static String string(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (v != null && !(v instanceof String)) throw new IllegalArgumentException(SECTION + "." + key + ": must be a string");
    return (String) v;
  }

  private static Number number(JsonObject j, String key, Number dflt) {
    Object v = j.getValue(key, dflt);
    if (!(v instanceof Number n)) throw new IllegalArgumentException(SECTION + "." + key + ": must be a number");
    return n;
  }
}
