package io.robogrid.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * What this node wrote or ran, counted from the summaries of {@link MetricsAddresses}: jobs submitted and finished by
 * robot and state, how long jobs waited to start and ran, step tries by type, goal decisions and their cost.
 */
final class JobMeters {
  /** An inline workflow's jobs have no robot. */
  static final String INLINE = "inline";
  /** Wide enough for a no-op job (a few ms) and a long desktop job (an hour): one bucket set for every timer. */
  private static final Duration[] BUCKETS = java.util.stream.Stream.of("PT0.005S", "PT0.01S", "PT0.025S", "PT0.05S", "PT0.1S", "PT0.25S",
      "PT0.5S", "PT1S", "PT2.5S", "PT5S", "PT10S", "PT30S", "PT1M", "PT5M", "PT15M", "PT1H").map(Duration::parse).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final Labels robots = new Labels(200);
  private final Labels stepTypes = new Labels(100);

  JobMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A job created ({@code from} null) or ended, on the node that committed it. */
  void jobWritten(JsonObject j) {
    String robot = robots.of(j.getString("robot"), INLINE);
    String to = j.getString("to");
    if (j.getString("from") == null) {
      Counter.builder("robogrid.jobs.submitted").description("Jobs created (by the API, a schedule or a rerun), by robot and first state")
          .tags("robot", robot, "state", to).register(registry).increment();
      return;
    }
    Counter.builder("robogrid.jobs.finished").description("Jobs that reached a final state, by robot and that state")
        .tags("robot", robot, "state", to).register(registry).increment();
    Long created = j.getLong("createdAt"), started = j.getLong("startedAt"), finished = j.getLong("finishedAt");
    if (created == null || started == null) return; // never ran: cancelled or rejected while waiting
    timer("robogrid.job.start.delay", "From creation to the first start of jobs that ran, observed when they end (a delayed job's includes its delay)", robot)
        .record(Duration.ofMillis(Math.max(0, started - created)));
    if (finished != null) {
      timer("robogrid.job.duration", "From first start to end of jobs that ran", robot).record(Duration.ofMillis(Math.max(0, finished - started)));
    }
  }

  /** A step try ended on this runner. */
  void stepDone(JsonObject s) {
    Timer.builder("robogrid.step.duration").description("Step tries on this runner, by step type and how they ended")
        .tags("type", stepTypes.of(s.getString("type"), "unknown"), "state", String.valueOf(s.getString("state")))
        .serviceLevelObjectives(BUCKETS).register(registry)
        .record(Duration.ofNanos((long) (s.getDouble("seconds", 0.0) * 1e9)));
  }

  /** A goal run's decision on this runner. */
  void goalDecision(JsonObject d) {
    String robot = robots.of(d.getString("robot"), INLINE);
    String level = String.valueOf(d.getString("level"));
    Counter.builder("robogrid.goal.decisions").description("Decisions of goal runs, by robot and level").tags("robot", robot, "level", level)
        .register(registry).increment();
    double usd = d.getDouble("costUsd", 0.0);
    if (usd > 0) {
      Counter.builder("robogrid.goal.cost").baseUnit("usd").description("What goal runs' decisions cost, by robot and level")
          .tags("robot", robot, "level", level).register(registry).increment(usd);
    }
    long in = d.getLong("tokensIn", 0L), out = d.getLong("tokensOut", 0L);
    if (in + out > 0) {
      DistributionSummary.builder("robogrid.goal.tokens").baseUnit("tokens").description("Language-model tokens of goal decisions")
          .tags("robot", robot, "direction", "in").register(registry).record(in);
      DistributionSummary.builder("robogrid.goal.tokens").baseUnit("tokens").description("Language-model tokens of goal decisions")
          .tags("robot", robot, "direction", "out").register(registry).record(out);
    }
  }

  private Timer timer(String name, String description, String robot) {
    return Timer.builder(name).description(description).tag("robot", robot).serviceLevelObjectives(BUCKETS).register(registry);
  }
}
