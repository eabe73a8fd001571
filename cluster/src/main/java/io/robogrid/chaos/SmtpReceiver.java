package io.robogrid.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server, small: it speaks the protocol (greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on a
 * loopback port, over TCP, to whatever client connects, and keeps every message it accepted. No TLS and no AUTH are
 * offered, so a client configured with STARTTLS DISABLED and no login talks to it as to any relay. GreenMail is a
 * test dependency of this project; the chaos harness runs from the node's own class path.
 */
final class SmtpReceiver implements AutoCloseable {
  /** A message as accepted: the job it names (the notifier writes {@code Job: <id>}), its subject and when it came. */
  record Mail(String jobId, String subject, long atMs) {}

  private static final Pattern JOB = Pattern.compile("Job:\\s+([0-9a-f-]{36})");
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (.*)$");
  private final int port;
  private final List<Mail> mails = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket server;

  /** A receiver for {@code port}, not listening yet: until {@link #start()} the port refuses connections (SMTP down). */
  SmtpReceiver(int port) {
    this.port = port;
  }

  synchronized void start() throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread t = new Thread(this::accept, "chaos-smtp");
    t.setDaemon(true);
    t.start();
  }

  List<Mail> mails() {
    synchronized (mails) {
      return List.copyOf(mails);
    }
  }

  private void accept() {
    ServerSocket s = server;
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        open.add(c);
        Thread t = new Thread(() -> session(c), "chaos-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void session(Socket c) {
    try (c) {
      c.setSoTimeout(60_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = c.getOutputStream();
      say(out, "220 chaos.robogrid.test ESMTP ready");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase(java.util.Locale.ROOT);
        switch (verb) {
          case "EHLO" -> say(out, "250-chaos.robogrid.test\r\n250 8BITMIME");
          case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> say(out, "250 OK");
          case "DATA" -> {
            say(out, "354 end with <CRLF>.<CRLF>");
            StringBuilder m = new StringBuilder();
            while ((line = in.readLine()) != null && !line.equals(".")) m.append(line.startsWith("..") ? line.substring(1) : line).append('\n');
            if (line == null) return; // cut off mid-message: not accepted
            record(m.toString());
            say(out, "250 OK queued");
          }
          case "QUIT" -> {
            say(out, "221 bye");
            return;
          }
          default -> say(out, "502 not implemented");
        }
      }
    } catch (IOException e) {
      // the client went away, or stop() closed the connection
    } finally {
      open.remove(c);
    }
  }

  private void record(String message) {
    // quoted-printable soft line breaks would split the line the id is on
    String text = message.replace("=\n", "");
    Matcher j = JOB.matcher(text), s = SUBJECT.matcher(text);
    mails.add(new Mail(j.find() ? j.group(1) : null, s.find() ? s.group(1) : "", System.currentTimeMillis()));
  }

  private static void say(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (server != null) server.close();
    for (Socket c : open) c.close();
  }
}
