package io.robogrid.testing;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket: the request goes out byte for byte as written (no client library to "fix" a path,
 * add a Host header or re-encode a body), and the answer is read until the connection closes or its body is complete.
 * Used on the test thread only (it blocks).
 */
public final class RawHttp {
  /** What came back; {@code status} -1 when the server closed without answering, -2 when it did not answer in time. */
  public record Answer(int status, String head, byte[] body, long millis) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The error code of an API error body, or null when the body is not the API's error shape. */
    public String errorCode() {
      try {
        JsonObject error = new JsonObject(bodyText()).getJsonObject("error");
        return error == null ? null : error.getString("code");
      } catch (RuntimeException e) {
        return null;
      }
    }

    public String header(String name) {
      return RawHttp.header(head, name);
    }

    @Override
    public String toString() {
      String text = bodyText();
      return status + " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  private RawHttp() {}

  /** The value of header {@code name} in a response head, or null. */
  public static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
    }
    return null;
  }

  /** Sends {@code request} (the whole request: request line, headers, body) and reads one answer within {@code timeoutMs}. */
  public static Answer send(int port, byte[] request, int timeoutMs) {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return read(s.getInputStream(), start);
    } catch (SocketTimeoutException e) {
      return new Answer(-2, "", new byte[0], (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      // a reset after the server answered and closed is still an answer; without one there is none
      return new Answer(-1, e.toString(), new byte[0], (System.nanoTime() - start) / 1_000_000);
    }
  }

  public static Answer send(int port, String request, int timeoutMs) {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMs);
  }

  /** A request with a body of {@code body}'s bytes; {@code headers} end with CRLF each. */
  public static byte[] request(String method, String target, String headers, byte[] body) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
        + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
    b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) b.writeBytes(body);
    return b.toByteArray();
  }

  public static String bearer(String token) {
    return token == null ? "" : "Authorization: Bearer " + token + "\r\n";
  }

  private static Answer read(InputStream in, long start) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int headEnd = -1;
    long contentLength = -1;
    boolean chunked = false;
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        if (headEnd < 0) throw e;
        n = -1;
      }
      if (n < 0) break;
      all.write(buf, 0, n);
      byte[] sofar = all.toByteArray();
      if (headEnd < 0) {
        headEnd = indexOf(sofar, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        while (headEnd >= 0 && interim(sofar)) {
          // 100 Continue and the like come before the answer (perhaps in the same read): skip them
          sofar = java.util.Arrays.copyOfRange(sofar, headEnd + 4, sofar.length);
          all.reset();
          all.writeBytes(sofar);
          headEnd = indexOf(sofar, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (headEnd >= 0 && sofar.length > 12 && new String(sofar, 9, 3, StandardCharsets.ISO_8859_1).equals("101")) break; // another protocol follows
        if (headEnd >= 0) {
          String head = new String(sofar, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
          for (String line : head.split("\r\n")) {
            if (line.startsWith("content-length:")) contentLength = Long.parseLong(line.substring(15).trim());
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) chunked = true;
          }
        }
      }
      if (headEnd >= 0 && !chunked && contentLength >= 0 && sofar.length >= headEnd + 4 + contentLength) break;
      if (headEnd >= 0 && chunked && indexOf(sofar, "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) >= 0) break;
    }
    byte[] bytes = all.toByteArray();
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (headEnd < 0) return new Answer(-1, new String(bytes, StandardCharsets.ISO_8859_1), new byte[0], ms);
    String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
    int status;
    try {
      status = Integer.parseInt(head.split(" ", 3)[1]);
    } catch (RuntimeException e) {
      status = -1;
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
    if (chunked) body = unchunk(body);
    String encoding = header(head, "content-encoding");
    if (encoding != null) body = decompressed(body, encoding.strip().toLowerCase(Locale.ROOT));
    return new Answer(status, head, body, ms);
  }

  /** The body as sent before the server compressed it (gzip or deflate); as it is when that fails. */
  private static byte[] decompressed(byte[] body, String encoding) {
    try (InputStream in = encoding.equals("gzip") ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))
        : encoding.equals("deflate") ? new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(body)) : null) {
      return in == null ? body : in.readAllBytes();
    } catch (IOException e) {
      return body;
    }
  }

  /** Whether {@code b} starts with an interim (1xx) answer other than 101 Switching Protocols. */
  private static boolean interim(byte[] b) {
    if (b.length < 12) return false;
    String status = new String(b, 9, 3, StandardCharsets.ISO_8859_1);
    return status.charAt(0) == '1' && !status.equals("101");
  }

  private static byte[] unchunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < b.length) {
      int eol = indexOf(b, i, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
      if (eol < 0) break;
      int size = Integer.parseInt(new String(b, i, eol - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
      if (size == 0) break;
      out.write(b, eol + 2, Math.min(size, b.length - eol - 2));
      i = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    return indexOf(hay, 0, needle);
  }

  private static int indexOf(byte[] hay, int from, byte[] needle) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
