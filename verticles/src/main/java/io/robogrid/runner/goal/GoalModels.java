package io.robogrid.runner.goal;

import io.robogrid.runner.StepContext;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model levels a runner has, built once per node from {@code runner.goal}: the local embedding model unless
 * switched off ({@code local: false}), and a language model when {@code llm} is configured (off otherwise). A language
 * model's key is a RoboGrid secret: each step that may use the model fetches it for its attempt (sealed from the
 * coordinators, audited, redacted from then on); a step that cannot have it goes on without that level.
 */
public final class GoalModels {
  private static final Logger log = LoggerFactory.getLogger(GoalModels.class);
  private final LocalModelDecider local;
  private final LlmDecider llm;
  /** The language model's key as last fetched (the same secret for every step of this node). */
  private final AtomicReference<String> key;

  private GoalModels(LocalModelDecider local, LlmDecider llm, AtomicReference<String> key) {
    this.local = local;
    this.llm = llm;
    this.key = key;
  }

  /** Checks the language model's settings now, so that a bad configuration stops the node at start. */
  public static GoalModels from(GoalOptions options) {
    LlmOptions llm = LlmOptions.fromJson(options.llm());
    AtomicReference<String> key = new AtomicReference<>();
    return new GoalModels(options.local() ? new LocalModelDecider(LocalModel.shared()) : null,
        llm == null ? null : LlmDecider.create(llm, PriceTable.fromJson(options.prices()), key::get), key);
  }

  /** The model levels for one step (those it allows), once the language model's key is at hand where one is needed. */
  Future<List<Decider>> forStep(StepContext ctx, GoalSpec spec) {
    List<Decider> out = new ArrayList<>();
    if (local != null && spec.allows(Decider.Level.LOCAL)) out.add(local);
    if (llm == null || !spec.allows(Decider.Level.LLM)) return Future.succeededFuture(out);
    String secret = llm.options().apiKeySecret();
    if (secret == null) {
      out.add(llm);
      return Future.succeededFuture(out);
    }
    return ctx.secrets().fetch(secret).map(value -> {
      key.set(value);
      out.add(llm);
      return out;
    }).recover(e -> {
      log.warn("no language model for this step: its key '{}' is not available ({})", secret, e.getMessage());
      ctx.log().log("warn", "the language model level is not used: its key '" + secret + "' is not available (" + e.getMessage() + ")");
      return Future.succeededFuture(out);
    });
  }
}
