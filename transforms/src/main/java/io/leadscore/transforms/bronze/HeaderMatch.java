package io.leadscore.transforms.bronze;

import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.DatasetContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a file's columns line up with the contract: the position of each declared column, the
 * required ones it lacks (the file cannot be ingested), the optional ones it lacks (null in
 * bronze) and the extra ones (kept in {@code _rescued}).
 */
public record HeaderMatch(
    List<String> header,
    Map<String, Integer> positions,
    List<String> missingRequired,
    List<String> missingOptional,
    Map<String, Integer> extra) {

  private static final String COMMON_DELIMITERS = ",;\t|";

  public static HeaderMatch of(List<String> header, DatasetContract dataset) {
    Map<String, Integer> firstPosition = new LinkedHashMap<>();
    Map<String, Integer> extra = new LinkedHashMap<>();
    Set<String> declared = new HashSet<>();
    dataset.columns().forEach(c -> declared.add(c.source()));
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      if (declared.contains(name) && !firstPosition.containsKey(name)) {
        firstPosition.put(name, i);
      } else {
        // Undeclared, or a repeated header name: rescued under a unique key.
        String key = name.isEmpty() ? "_c" + (i + 1) : name;
        if (declared.contains(key) || extra.containsKey(key)) {
          key = key + "#" + (i + 1);
        }
        extra.put(key, i);
      }
    }
    Map<String, Integer> positions = new LinkedHashMap<>();
    List<String> missingRequired = new ArrayList<>();
    List<String> missingOptional = new ArrayList<>();
    for (ColumnSpec c : dataset.columns()) {
      Integer at = firstPosition.get(c.source());
      if (at != null) {
        positions.put(c.name(), at);
      } else if (c.required()) {
        missingRequired.add(c.source());
      } else {
        missingOptional.add(c.name());
      }
    }
    return new HeaderMatch(List.copyOf(header), positions, missingRequired, missingOptional,
        extra);
  }

  /** Why the file cannot be ingested, naming the columns and a likely cause; null if it can. */
  public String problem(char delimiter) {
    if (missingRequired.isEmpty()) {
      return null;
    }
    StringBuilder why = new StringBuilder(String.format(
        "missing required column%s %s (header has %d column%s)",
        missingRequired.size() == 1 ? "" : "s", quoted(missingRequired), header.size(),
        header.size() == 1 ? "" : "s"));
    if (header.size() == 1) {
      String only = header.get(0);
      for (char d : COMMON_DELIMITERS.toCharArray()) {
        if (d != delimiter && only.indexOf(d) >= 0) {
          why.append(String.format(": the header looks %s-separated but the contract says %s;"
              + " fix options.delimiter or re-export the file", describe(d),
              describe(delimiter)));
          return why.toString();
        }
      }
    }
    why.append(": add the column to the export, or mark it required: false in the contract");
    return why.toString();
  }

  private static String describe(char c) {
    return c == '\t' ? "tab" : "'" + c + "'";
  }

  private static String quoted(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").toList().toString();
  }

  /** Splits a CSV header line (quotes and doubled quotes honoured); names are trimmed. */
  public static List<String> parseCsvHeader(String line, char delimiter, char quote,
      char escape) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inQuotes = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inQuotes) {
        if (c == escape && i + 1 < line.length() && line.charAt(i + 1) == quote) {
          cur.append(quote);
          i++;
        } else if (c == quote) {
          inQuotes = false;
        } else {
          cur.append(c);
        }
      } else if (c == quote) {
        inQuotes = true;
      } else if (c == delimiter) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }
}
