package io.robogrid.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The site the chaos jobs act on, on loopback in the chaos JVM: it records every side effect (a request carrying a
 * job's key) with the node that made it and when it began and ended, so that the audit can tell work done twice at
 * once from work done again after a loss.
 * <ul>
 *   <li>{@code /hit?key=K&node=N&hold=ms}: answers 200 after {@code hold} ms (a side effect that takes time);</li>
 *   <li>{@code /flaky?key=K&node=N}: 503 the first time a key is seen, 200 after (a job that needs its retry);</li>
 *   <li>{@code /page?key=K&node=N}: a small HTML page with the key in {@code #key}, for browser jobs.</li>
 * </ul>
 */
final class Target implements AutoCloseable {
  /** One side effect: wall-clock milliseconds (the database's clock, on this machine) at arrival and at the answer. */
  record Hit(String key, String node, String path, long startMs, long endMs, int status) {}

  private final HttpServer server;
  private final Map<String, List<Hit>> hits = new ConcurrentHashMap<>();

  Target() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    // a thread per request: holds are sleeps, and a held request must not delay the next one
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "chaos-target");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    long start = System.currentTimeMillis();
    Map<String, String> q = query(ex.getRequestURI());
    String key = q.get("key"), node = q.getOrDefault("node", "?"), path = ex.getRequestURI().getPath();
    int status = 200;
    String body = "ok";
    String type = "text/plain";
    try {
      if (key == null) {
        status = 404; // favicon and the like: not a side effect
      } else if (path.equals("/hit")) {
        Thread.sleep(Long.parseLong(q.getOrDefault("hold", "0")));
      } else if (path.equals("/flaky")) {
        if (!hits.containsKey(key)) status = 503;
      } else if (path.equals("/page")) {
        type = "text/html";
        body = "<!doctype html><html><head><title>chaos " + key + "</title></head><body><h1 id=\"key\">" + key + "</h1></body></html>";
      } else {
        status = 404;
      }
    } catch (InterruptedException | NumberFormatException e) {
      status = 500;
    }
    if (key != null && status != 404) {
      Hit h = new Hit(key, node, path, start, System.currentTimeMillis(), status);
      hits.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(h);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  /** The successful side effects of a key (a 503 of /flaky did nothing), oldest first. */
  List<Hit> effects(String key) {
    List<Hit> l = hits.get(key);
    if (l == null) return List.of();
    synchronized (l) {
      return l.stream().filter(h -> h.status() == 200).sorted(java.util.Comparator.comparingLong(Hit::startMs)).toList();
    }
  }

  private static Map<String, String> query(URI u) {
    Map<String, String> m = new HashMap<>();
    if (u.getRawQuery() == null) return m;
    for (String kv : u.getRawQuery().split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) m.put(kv.substring(0, i), java.net.URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
