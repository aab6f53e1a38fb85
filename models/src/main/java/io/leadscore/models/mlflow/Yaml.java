package io.leadscore.models.mlflow;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Just enough YAML for MLmodel and the environment files: maps, lists, scalars. */
final class Yaml {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./ -]*");
  private static final List<String> RESERVED =
      List.of("true", "false", "yes", "no", "on", "off", "null", "~", "y", "n");

  private Yaml() {}

  static String write(Map<String, ?> map) {
    StringBuilder out = new StringBuilder();
    map(out, map, 0);
    return out.toString();
  }

  private static void map(StringBuilder out, Map<String, ?> map, int indent) {
    for (Map.Entry<String, ?> e : map.entrySet()) {
      out.append(" ".repeat(indent)).append(scalar(e.getKey())).append(':');
      value(out, e.getValue(), indent);
    }
  }

  @SuppressWarnings("unchecked")
  private static void value(StringBuilder out, Object v, int indent) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        out.append(" {}\n");
      } else {
        out.append('\n');
        map(out, (Map<String, ?>) m, indent + 2);
      }
    } else if (v instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append(" []\n");
        return;
      }
      out.append('\n');
      for (Object item : list) {
        if (item instanceof Map<?, ?> m) {
          out.append(" ".repeat(indent)).append("- ");
          StringBuilder nested = new StringBuilder();
          map(nested, (Map<String, ?>) m, indent + 2);
          out.append(nested.substring(indent + 2));
        } else {
          out.append(" ".repeat(indent)).append("- ").append(scalar(item)).append('\n');
        }
      }
    } else {
      out.append(' ').append(scalar(v)).append('\n');
    }
  }

  static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    String s = v.toString();
    if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase())
        && !s.endsWith(" ")) {
      return s;
    }
    return "'" + s.replace("'", "''") + "'";
  }
}
