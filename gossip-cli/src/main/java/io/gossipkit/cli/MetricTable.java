package io.gossipkit.cli;

import io.gossipkit.cli.SimCommand.Format;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an {@code ExperimentReport}'s JSON as a two-column table, one row per field in the
 * JSON's order, nested fields as {@code outer.inner}. Built from the JSON so the table and
 * {@code --format json} always show the same figures under the same names.
 *
 * <p>Reads only the flat shape {@code ExperimentReport.toJson()} writes: strings without quotes
 * or escapes, numbers, {@code null}, and objects of those one level deep.
 */
final class MetricTable {
  private static final Pattern FIELD =
      Pattern.compile("\"(\\w+)\":(\\{[^{}]*\\}|\"[^\"]*\"|[^,{}]+)");

  private MetricTable() {}

  /**
   * Prints a command's result as {@code --format} asks: the JSON object on one line, or its
   * table; then flushes.
   */
  static void print(PrintWriter out, Format format, String json) {
    if (format == Format.JSON) {
      out.println(json);
    } else {
      out.print(render(json));
    }
    out.flush();
  }

  /** The table for {@code json}, under a header, each line ending in a newline. */
  static String render(String json) {
    List<String[]> rows = new ArrayList<>();
    collect("", json, rows);
    int width = "metric".length();
    for (String[] r : rows) {
      width = Math.max(width, r[0].length());
    }
    StringBuilder b = new StringBuilder();
    String format = "%-" + width + "s  %s%n";
    b.append(String.format(format, "metric", "value"));
    b.append(String.format(format, "-".repeat(width), "-----"));
    for (String[] r : rows) {
      b.append(String.format(format, r[0], r[1]));
    }
    return b.toString();
  }

  private static void collect(String prefix, String object, List<String[]> rows) {
    String body = object.substring(1, object.length() - 1);
    Matcher m = FIELD.matcher(body);
    while (m.find()) {
      String name = prefix + m.group(1);
      String value = m.group(2);
      if (value.startsWith("{")) {
        collect(name + ".", value, rows);
      } else if (value.startsWith("\"")) {
        rows.add(new String[] {name, value.substring(1, value.length() - 1)});
      } else {
        rows.add(new String[] {name, value.equals("null") ? "n/a" : value});
      }
    }
  }
}
