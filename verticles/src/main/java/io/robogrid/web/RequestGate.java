package io.robogrid.web;

import io.robogrid.core.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first handler of every request, before any route, authentication or body: a request target that could be read
 * two ways is refused (400 INVALID_REQUEST), not normalised. A router decodes and normalises a path before it
 * routes it, and whatever looks at the raw path (a log line, a proxy's rule, once our own role check) would then see
 * another request than the one that runs. Refused, so that there is one reading only:
 * <ul>
 *   <li>dot segments ({@code .}, {@code ..}, also percent-encoded), empty segments ({@code //}), an encoded
 *       {@code /} or {@code \} inside a segment, and a raw {@code \};</li>
 *   <li>malformed percent-encoding ({@code %zz}), bytes that are not UTF-8, raw characters outside printable ASCII,
 *       and control characters (NUL above all, which PostgreSQL cannot store) in the path or the query;</li>
 *   <li>two {@code Host} or {@code Authorization} headers; an {@code Expect} other than {@code 100-continue} (417).</li>
 * </ul>
 * An unreserved character sent percent-encoded ({@code %6aobs}) means the same as the character and is let through:
 * routing and every role check see the decoded path.
 */
final class RequestGate {
  private RequestGate() {}

  static void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    req.exceptionHandler(t -> ApiErrors.broken(ctx, t)); // a body handler puts its own; without one, a broken body is still answered
    String expect = req.getHeader("Expect");
    if (expect != null && !expect.strip().equalsIgnoreCase("100-continue")) {
      ApiErrors.send(ctx, ErrorCode.EXPECTATION_FAILED, "Expect: only '100-continue' is understood here");
      return;
    }
    String problem = headerProblem(req);
    if (problem == null) problem = pathProblem(req.path());
    if (problem == null) problem = queryProblem(req.query());
    if (problem != null) {
      ApiErrors.send(ctx, ErrorCode.INVALID_REQUEST, problem);
      return;
    }
    ctx.next();
  }

  private static String headerProblem(HttpServerRequest req) {
    if (req.headers().getAll("Host").size() > 1) return "the request has more than one Host header";
    if (req.headers().getAll("Authorization").size() > 1) return "the request has more than one Authorization header";
    return null;
  }

  /** Why {@code raw} (a path as sent, still percent-encoded) is refused, or null. */
  static String pathProblem(String raw) {
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') return "the path must start with '/'";
    if (raw.indexOf('\\') >= 0) return "a '\\' is not allowed in a path";
    String[] segments = raw.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty()) {
        if (i < segments.length - 1) return "empty path segments ('//') are not allowed";
        continue;
      }
      String decoded;
      try {
        decoded = decode(s, false);
      } catch (IllegalArgumentException e) {
        return "path: " + e.getMessage();
      }
      if (decoded.equals(".") || decoded.equals("..")) return "dot segments ('.', '..', also encoded as %2e) are not allowed in a path";
      if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) return "an encoded '/' or '\\' (%2f, %5c) is not allowed in a path";
      String control = control(decoded);
      if (control != null) return "path: " + control;
    }
    return null;
  }

  /** Why {@code raw} (a query string as sent, without its {@code ?}) is refused, or null. */
  static String queryProblem(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    // the query decoder splits on ';' as on '&': so does this check
    for (String pair : raw.split("[&;]")) {
      String decoded;
      try {
        decoded = decode(pair, true);
      } catch (IllegalArgumentException e) {
        return "query: " + e.getMessage();
      }
      String control = control(decoded);
      if (control != null) return "query: " + control;
    }
    return null;
  }

  private static String control(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
        return (c == 0 ? "NUL (%00)" : String.format("the control character U+%04X", (int) c)) + " is not allowed";
      }
    }
    return null;
  }

  /**
   * Percent-decodes {@code s} strictly: every {@code %} starts two hex digits, the bytes are UTF-8, and nothing but
   * printable ASCII is sent raw. {@code plus}: '+' stands for a space (query strings).
   */
  static String decode(String s, boolean plus) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? hex(s.charAt(i + 1)) : -1;
        int lo = hi >= 0 ? hex(s.charAt(i + 2)) : -1;
        if (lo < 0) throw new IllegalArgumentException("'%' must start two hex digits (%2F), at '" + shown(s.substring(i, Math.min(s.length(), i + 3))) + "'");
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException("characters other than printable ASCII must be percent-encoded (as UTF-8)");
      } else {
        bytes.write(plus && c == '+' ? ' ' : c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the percent-encoded bytes are not UTF-8");
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private static String shown(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return b.toString();
  }
}
