package io.gossipkit.cli;

import java.util.Map;

/** JSON for the commands' hand-built output lines: string literals and flat or nested objects. */
final class Json {
  private Json() {}

  /**
   * {@code fields} as one JSON object on one line, in the map's order. Values may be strings,
   * numbers (a non-finite double is null), booleans, null, or maps of the same, nested.
   */
  static String object(Map<String, ?> fields) {
    StringBuilder b = new StringBuilder("{");
    fields.forEach((k, v) -> {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(str(k)).append(':');
      value(b, v);
    });
    return b.append('}').toString();
  }

  private static void value(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      b.append(str(s));
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      b.append("null");
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, ?> nested = (Map<String, ?>) m;
      b.append(object(nested));
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }

  /** {@code s} as a JSON string literal, quotes and control characters escaped. */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
