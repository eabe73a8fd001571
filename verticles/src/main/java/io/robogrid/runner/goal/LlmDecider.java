package io.robogrid.runner.goal;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import io.robogrid.core.Durations;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level 3: a large language model, through LangChain4j's chat clients (OpenAI's API, which Ollama, llama.cpp's server
 * and vLLM speak too, or Anthropic's). It is shown the goal and the page ({@link LlmPrompt}) and answers with one JSON
 * action. An answer that cannot be used is sent back once with what is wrong with it; a second unusable answer, a
 * timeout or an HTTP error end in GIVE_UP with the reason, so a run never waits on a model that does not deliver.
 * Every call's tokens (both tries) and their price go into the decision's cost.
 *
 * <p>Blocking: call it on a worker thread. Thread-safe: create one per node and share it (each one holds an HTTP client).
 */
public final class LlmDecider implements Decider {
  private static final Logger LOG = LoggerFactory.getLogger(LlmDecider.class);
  private final LlmOptions options;
  private final PriceTable prices;
  private final Supplier<String> apiKey;
  private ChatModel client;
  private String clientKey;

  private LlmDecider(LlmOptions options, PriceTable prices, Supplier<String> apiKey) {
    this.options = options;
    this.prices = prices == null ? PriceTable.empty() : prices;
    this.apiKey = apiKey;
  }

  /**
   * @param apiKey the current value of the secret {@code options.apiKeySecret()} names (asked before each call, so a
   *     rotated key is used at once); null when no secret is configured
   */
  public static LlmDecider create(LlmOptions options, PriceTable prices, Supplier<String> apiKey) {
    if (options == null) throw new IllegalArgumentException("no language model is configured (" + LlmOptions.SECTION + ")");
    return new LlmDecider(options, prices, apiKey);
  }

  @Override
  public Level level() {
    return Level.LLM;
  }

  public LlmOptions options() {
    return options;
  }

  @Override
  public Optional<Decision> decide(GoalState state) {
    GoalSpec spec = state.spec();
    ChatModel model;
    try {
      model = client();
    } catch (IllegalStateException e) {
      return Optional.of(giveUp(e.getMessage(), cost(0, 0, 0)));
    }
    List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(LlmPrompt.SYSTEM), UserMessage.from(LlmPrompt.user(state))));
    Decision.Cost spent = cost(0, 0, 0);
    List<String> problems = new ArrayList<>();
    while (problems.size() < 2) {
      long t0 = System.nanoTime();
      ChatResponse r;
      try {
        r = model.chat(request(messages));
      } catch (RuntimeException e) {
        spent = spent.plus(cost(0, 0, ms(t0)));
        String why = LlmPrompt.redact(describe(e), spec);
        LOG.warn("language model {} at {}: {}", options.model(), options.baseUrl(), why);
        return Optional.of(giveUp("the language model gave no answer: " + why, spent));
      }
      TokenUsage u = r.tokenUsage();
      spent = spent.plus(cost(count(u == null ? null : u.inputTokenCount()), count(u == null ? null : u.outputTokenCount()), ms(t0)));
      String text = r.aiMessage() == null ? null : r.aiMessage().text();
      LlmPrompt.Read read = LlmPrompt.read(text, state);
      if (read.decision() != null) return Optional.of(read.decision().costing(spent));
      problems.add(read.problem());
      LOG.info("language model {}: unusable answer ({}), try {} of 2", options.model(), read.problem(), problems.size());
      // once more, with its answer and what is wrong with it
      messages.add(AiMessage.from(LlmPrompt.redact(LlmPrompt.clip(text == null || text.isBlank() ? "(nothing)" : text, 2000), spec)));
      messages.add(UserMessage.from("That answer cannot be used: " + read.problem() + ". Answer again with one JSON object as described, and nothing else."));
    }
    return Optional.of(giveUp("the language model's answers were unusable: " + String.join("; then ", problems), spent));
  }

  private ChatRequest request(List<ChatMessage> messages) {
    ChatRequest.Builder b = ChatRequest.builder().messages(messages);
    // Anthropic's structured output is not offered by every model and version: the answer is validated in any case
    if (options.provider() == LlmOptions.Provider.OPENAI && options.jsonMode()) b.responseFormat(ResponseFormat.JSON);
    return b.build();
  }

  /** The client for the current key (built again only when the key changed). */
  private synchronized ChatModel client() {
    String key = null;
    if (options.apiKeySecret() != null) {
      key = apiKey == null ? null : apiKey.get();
      if (key == null || key.isBlank()) throw new IllegalStateException("the secret '" + options.apiKeySecret() + "' with the language model's API key has no value");
    }
    if (client != null && java.util.Objects.equals(key, clientKey)) return client;
    // HTTP/1.1: on plain http the JDK client otherwise tries an h2c upgrade that small local servers mishandle
    JdkHttpClientBuilder http = new JdkHttpClientBuilder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    String sent = key == null ? "none" : key; // a local server that wants no key still gets the header the client insists on
    client = switch (options.provider()) {
      // the model's timeout sets the HTTP client's (its own would be overridden); retries are ours: one, on a bad answer only
      case OPENAI -> OpenAiChatModel.builder().baseUrl(trimSlash(options.baseUrl())).apiKey(sent).modelName(options.model())
          .temperature(options.temperature()).maxTokens(options.maxTokens()).timeout(options.timeout()).maxRetries(0).httpClientBuilder(http)
          .logRequests(false).logResponses(false).build();
      case ANTHROPIC -> AnthropicChatModel.builder().baseUrl(trimSlash(options.baseUrl()) + "/").apiKey(sent).modelName(options.model())
          .temperature(options.temperature()).maxTokens(options.maxTokens()).timeout(options.timeout()).maxRetries(0).httpClientBuilder(http)
          .logRequests(false).logResponses(false).build();
    };
    clientKey = key;
    return client;
  }

  private Decision giveUp(String reason, Decision.Cost cost) {
    return Decision.of(Level.LLM, Decision.Action.GIVE_UP, null, reason, 1).costing(cost);
  }

  private Decision.Cost cost(long in, long out, long ms) {
    return new Decision.Cost(options.provider().label(), options.model(), in, out, ms, prices.usd(options.model(), in, out));
  }

  /** What went wrong, in words for the run's log: a timeout, an HTTP status, a refused connection, a broken body. */
  private String describe(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof dev.langchain4j.exception.TimeoutException || c instanceof java.net.http.HttpTimeoutException) {
        return "no answer within " + Durations.format(options.timeout());
      }
      if (c instanceof HttpException h) return "HTTP " + h.statusCode() + " from " + options.baseUrl() + ": " + LlmPrompt.clip(h.getMessage(), 200);
      if (c instanceof java.net.ConnectException) return "cannot connect to " + options.baseUrl();
      if (c instanceof com.fasterxml.jackson.core.JsonProcessingException) return "the server's reply is not what the " + options.provider().label() + " API sends";
    }
    return LlmPrompt.clip(e.toString(), 200);
  }

  private static long count(Integer n) {
    return n == null ? 0 : n;
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
