package io.robogrid.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.UUID;

/**
 * A node's one registry: Vert.x's own meters (HTTP server and clients, event bus, pools, the JVM) and the grid's
 * ({@link JobMeters}, {@link RunnerGauges}, {@link DatabaseGauges}), scraped together in Prometheus' text format.
 */
public final class GridMetrics {
  private GridMetrics() {}

  /** Every series carries the node's id, so that a grid's nodes stay apart behind one Prometheus job. */
  public static PrometheusMeterRegistry newRegistry(String node) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", node);
    return registry;
  }

  /**
   * For the node's {@code VertxOptions}, beside {@code MicrometerMetricsFactory(registry)}. The registry name is the
   * instance's own: vertx-micrometer keeps registries by name for the JVM, and two nodes in one JVM (tests) must not
   * share one. Vert.x's default labels leave out paths and remote addresses, so a job id never becomes a label.
   */
  public static MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true).setRegistryName("robogrid-" + UUID.randomUUID())
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** {@code GET /metrics}: the registry in Prometheus' text format (or OpenMetrics, when the scraper asks for it). */
  public static Handler<RoutingContext> scrape(PrometheusMeterRegistry registry) {
    return PrometheusScrapingHandler.create(registry);
  }
}
