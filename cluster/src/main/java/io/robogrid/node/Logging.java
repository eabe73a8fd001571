package io.robogrid.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * One logger setup for the whole node (Vert.x, Hazelcast and PostgreSQL's driver log through SLF4J too): plain text
 * for a terminal, or one JSON object per line for a log shipper. Lines about a job carry its id as key {@code job}.
 */
final class Logging {
  private Logging() {}

  static void configure(String format, String level) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    URL xml = Logging.class.getResource(format.equals("json") ? "/logback-json.xml" : "/logback.xml");
    ctx.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    try {
      configurator.doConfigure(xml);
    } catch (JoranException e) {
      throw new IllegalStateException("logging setup failed", e);
    }
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
  }
}
