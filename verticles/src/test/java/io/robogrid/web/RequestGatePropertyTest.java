package io.robogrid.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The gate's reading of a path: the one reading a client meant, for any segment, however it is encoded. */
class RequestGatePropertyTest {
  /** Segments made mostly of what makes paths ambiguous: dots, slashes, backslashes, percent signs, controls. */
  @Provide
  Arbitrary<String> segments() {
    Arbitrary<Character> tricky = Arbitraries.of('.', '/', '\\', '%', '\u0000', '\n', '\u007f', '\u0085', ' ', '+', '?', '#', ';', 'é', '€', 'a', 'Z', '9');
    Arbitrary<String> few = tricky.list().ofMaxSize(4).map(cs -> {
      StringBuilder b = new StringBuilder();
      cs.forEach(b::append);
      return b.toString();
    });
    return Arbitraries.oneOf(few, Arbitraries.of(".", "..", "", "a", "%2e", "..."), net.jqwik.api.Arbitraries.strings().ofMaxLength(6)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)));
  }

  /** Every byte of the segment's UTF-8 percent-encoded, each hex digit in upper or lower case by {@code upper}. */
  static String encodeAll(String s, boolean upper) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) b.append(String.format(upper ? "%%%02X" : "%%%02x", x & 0xff));
    return b.toString();
  }

  /** Whether the segment, decoded, is one the gate must let through. */
  static boolean unambiguous(String s) {
    return !s.isEmpty() && !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0 && s.indexOf('\\') < 0
        && s.chars().noneMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f);
  }

  @Property(tries = 1000)
  void aSegmentIsLetThroughExactlyWhenItCanBeReadOneWayOnly(@ForAll("segments") String segment, @ForAll boolean upper) {
    String problem = RequestGate.pathProblem("/api/v1/jobs/" + encodeAll(segment, upper) + "/events");
    assertEquals(unambiguous(segment), problem == null, "segment '" + segment + "': " + problem);
    if (problem == null) assertEquals(segment, RequestGate.decode(encodeAll(segment, upper), false));
  }

  @Property(tries = 1000)
  void anyRawPathOrQueryIsJudgedWithoutAnException(@ForAll String raw) {
    RequestGate.pathProblem("/" + raw);
    RequestGate.queryProblem(raw);
  }
}
