package io.robogrid.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** jqwik generators of JSON values as Vert.x holds them: any Unicode text, numbers of every size, nested objects and arrays. */
public final class JsonArbitraries {
  private JsonArbitraries() {}

  /** Text with any Unicode character, surrogate pairs included, and no lone surrogate (not a character). */
  public static Arbitrary<String> text() {
    return Arbitraries.integers().between(0, Character.MAX_CODE_POINT).filter(cp -> cp < 0xD800 || cp > 0xDFFF)
        .list().ofMaxSize(12).map(cps -> {
          StringBuilder b = new StringBuilder();
          cps.forEach(b::appendCodePoint);
          return b.toString();
        });
  }

  public static Arbitrary<Object> scalar() {
    return Arbitraries.oneOf(text().map(s -> (Object) s), Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l), Arbitraries.doubles().map(d -> (Object) d), Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.bigIntegers().between(new BigInteger("-1" + "0".repeat(40)), new BigInteger("1" + "0".repeat(40)))
            .filter(b -> b.bitLength() > 63).map(b -> (Object) b));
  }

  /** A value nested at most {@code depth} levels. */
  public static Arbitrary<Object> value(int depth) {
    if (depth == 0) return scalar();
    Arbitrary<Object> inner = Arbitraries.lazy(() -> value(depth - 1));
    Arbitrary<Object> object = Arbitraries.maps(text(), inner).ofMaxSize(4).map(m -> (Object) new JsonObject(new LinkedHashMap<>(m)));
    Arbitrary<Object> array = inner.list().ofMaxSize(4).map(l -> (Object) new JsonArray(new ArrayList<>(l)));
    return Arbitraries.frequencyOf(Tuple.of(3, scalar()), Tuple.of(2, object), Tuple.of(2, array));
  }

  /** An object of at most 5 keys, each value nested at most {@code depth} levels. */
  public static Arbitrary<JsonObject> object(int depth, int minSize) {
    return Arbitraries.maps(text(), value(depth)).ofMinSize(minSize).ofMaxSize(5).map(m -> new JsonObject(new LinkedHashMap<>(m)));
  }
}
