package io.robogrid.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The site the browser benchmark's robots work on, served on loopback by the bench JVM: a login form; a login POST
 * that sets a session cookie and redirects (303) to an order form, which submits itself on load (as a SAML or
 * payment hand-off page does); and the order POST, which shows a confirmation page with a new number each time.
 * Five steps go through it all: goto, fill, fill, click, extract.
 */
final class LoginSite implements AutoCloseable {
  static final String USER = "ada";
  static final String PASSWORD = "s3cret";

  private static final String LOGIN = """
      <html><head><title>Sign in</title></head><body><form method="post" action="/login">
        <input id="user" name="user"><input id="password" name="password" type="password">
        <button id="submit" type="submit">Sign in</button></form></body></html>""";
  private static final String ORDER = """
      <html><head><title>Order</title></head><body onload="document.getElementById('order').submit()">
        <form id="order" method="post" action="/order"><input type="hidden" name="item" value="42"></form></body></html>""";

  private final AtomicLong confirmations = new AtomicLong(1000);
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final HttpServer server;

  LoginSite() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/login", this::login);
    server.createContext("/order", this::order);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void login(HttpExchange x) throws IOException {
    if (!x.getRequestMethod().equals("POST")) {
      page(x, LOGIN);
      return;
    }
    String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Set<String> fields = Set.of(URLDecoder.decode(form, StandardCharsets.UTF_8).split("&"));
    boolean ok = fields.contains("user=" + USER) && fields.contains("password=" + PASSWORD);
    if (ok) x.getResponseHeaders().add("set-cookie", "session=" + USER + "; Path=/");
    redirect(x, ok ? "/order" : "/login");
  }

  private void order(HttpExchange x) throws IOException {
    String cookie = x.getRequestHeaders().getFirst("cookie");
    if (cookie == null || !cookie.contains("session=" + USER)) {
      redirect(x, "/login");
      return;
    }
    if (!x.getRequestMethod().equals("POST")) {
      page(x, ORDER);
      return;
    }
    x.getRequestBody().readAllBytes();
    page(x, "<html><head><title>Order placed</title></head><body><h1>Order placed</h1><p>Confirmation <span id=\"number\">"
        + confirmations.incrementAndGet() + "</span></p></body></html>");
  }

  private static void page(HttpExchange x, String html) throws IOException {
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
    x.sendResponseHeaders(200, body.length);
    try (var out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static void redirect(HttpExchange x, String to) throws IOException {
    x.getResponseHeaders().add("location", to);
    x.sendResponseHeaders(303, -1);
    x.close();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
