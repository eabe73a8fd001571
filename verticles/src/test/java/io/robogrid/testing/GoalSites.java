package io.robogrid.testing;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;

/**
 * The small sites goal runs are tested on (src/test/resources/goal-sites: a sign-up form, a class booking, an admin
 * wizard, a form whose button moves), served on loopback as a web server would. No test step names their elements.
 */
public final class GoalSites {
  private GoalSites() {}

  /** Serves them on a free port and answers the base URL ({@code http://127.0.0.1:<port>}). */
  public static String serve(Vertx vertx) {
    return serve(vertx, Path.of("src/test/resources/goal-sites"));
  }

  public static String serve(Vertx vertx, Path dir) {
    Router r = Router.router(vertx);
    r.route("/*").handler(StaticHandler.create(FileSystemAccess.ROOT, dir.toAbsolutePath().normalize().toString()).setCachingEnabled(false));
    return "http://127.0.0.1:" + Await.result(vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")).actualPort();
  }
}
