package io.robogrid.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON that has one meaning only (RFC 8259 as I-JSON, RFC 7493, narrows it), refusing with 400 MALFORMED_JSON
 * what a lenient reader would quietly make something of:
 * <ul>
 *   <li>bytes that are not UTF-8 (overlong forms and encoded surrogates included), another encoding, a byte order mark;</li>
 *   <li>a key twice in one object (readers disagree on which one wins);</li>
 *   <li>comments, single quotes, {@code NaN}, anything after the value;</li>
 *   <li>a string (key or value) with a lone surrogate, which no UTF-8 store can keep (PostgreSQL would keep {@code ?});</li>
 *   <li>a number that a double cannot hold: {@code 1e999} (infinite), {@code 1e-999} (not zero, read as zero).
 *       Integers are kept exactly, whatever their size (up to 1,000 digits).</li>
 * </ul>
 * Nesting deeper than {@link JsonLimits#STORED} allows is refused while reading (400 INVALID_REQUEST), so a hostile
 * body costs no more than a legal one. Vert.x's own reader accepts comments and keeps the last of two keys.
 */
public final class StrictJson {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonLimits.STORED.maxDepth()).maxNumberLength(1000).build())
      .build();

  private StrictJson() {}

  /** The value of {@code utf8}: a {@link JsonObject}, {@link JsonArray}, String, Number, Boolean or null. */
  public static Object parse(byte[] utf8) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw malformed("it is not UTF-8");
    }
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') throw malformed("it starts with a byte order mark");
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) throw malformed("it is empty");
      Object v = value(p);
      if (p.nextToken() != null) throw malformed("there is more after the value" + at(p));
      return v;
    } catch (StreamConstraintsException e) {
      if (e.getMessage().contains("nesting depth")) throw RoboGridException.invalidRequest("the body: nested more than " + JsonLimits.STORED.maxDepth() + " levels deep");
      throw malformed(e.getOriginalMessage());
    } catch (JsonParseException e) {
      throw malformed(e.getOriginalMessage() + at(e.getProcessor()));
    } catch (IOException e) {
      throw malformed(e.getMessage());
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
          text(key, p);
          if (map.containsKey(key)) throw malformed("the key '" + shown(key) + "' is given twice" + at(p));
          p.nextToken();
          map.put(key, value(p));
        }
        if (p.currentToken() != JsonToken.END_OBJECT) throw malformed("unexpected " + p.currentToken() + at(p));
        return new JsonObject(map);
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) list.add(value(p));
        return new JsonArray(list);
      }
      case VALUE_STRING -> {
        return text(p.getText(), p);
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d) || d == 0 && p.getDecimalValue().compareTo(BigDecimal.ZERO) != 0) {
          throw malformed("the number " + p.getText() + " is out of range (a double holds about 1e-308 to 1e308)" + at(p));
        }
        return d;
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw malformed("unexpected " + t + at(p));
    }
  }

  /** {@code s}, refused when it holds a surrogate that is not half of a pair. */
  private static String text(String s, JsonParser p) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw malformed(String.format("a string has a lone surrogate (\\u%04x), which is not a character", (int) c) + at(p));
      }
    }
    return s;
  }

  private static String at(JsonParser p) {
    if (p == null) return "";
    var l = p.currentLocation();
    return " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
  }

  private static String shown(String key) {
    return key.length() > 40 ? key.substring(0, 40) + "…" : key;
  }

  private static RoboGridException malformed(String why) {
    return new RoboGridException(ErrorCode.MALFORMED_JSON, "the body is not valid JSON: " + why);
  }
}
