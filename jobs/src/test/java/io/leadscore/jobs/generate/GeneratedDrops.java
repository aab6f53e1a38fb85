package io.leadscore.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads what the generator wrote, the way a consumer would and independently of the
 * generator's code: raw bytes split into CRLF lines, an RFC 4180 field parser, strict UTF-8
 * decoding, Jackson for the JSON lines.
 */
final class GeneratedDrops {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One line of a lead drop; its fields decoded as UTF-8 or, when the bytes are not UTF-8
   * ({@code utf8} false), as ISO-8859-1.
   */
  record LeadLine(LocalDate drop, List<String> header, byte[] bytes, boolean utf8,
      List<String> fields) {
    boolean wellFormed() {
      return fields.size() == header.size();
    }

    String get(String column) {
      int i = header.indexOf(column);
      return i < 0 || i >= fields.size() ? null : fields.get(i);
    }
  }

  /** One line of an event drop; {@code json} is null when it does not parse. */
  record EventLine(LocalDate drop, String text, JsonNode json) {
    String get(String field) {
      return json == null || !json.hasNonNull(field) ? null : json.get(field).asText();
    }
  }

  record TruthRow(String leadId, String observationAt, double probability, int converted,
      String convertedAt) {}

  final Path landing;
  final Path truth;
  final Map<LocalDate, List<String>> headers = new LinkedHashMap<>();
  final List<LeadLine> leadLines = new ArrayList<>();
  final List<EventLine> eventLines = new ArrayList<>();
  final List<TruthRow> truthRows = new ArrayList<>();

  GeneratedDrops(Path landing, Path truth) throws IOException {
    this.landing = landing;
    this.truth = truth;
    for (Path file : files(landing.resolve("synthetic/leads"), ".csv")) {
      LocalDate drop = LocalDate.parse(file.getParent().getFileName().toString());
      List<byte[]> lines = split(Files.readAllBytes(file), "\r\n");
      List<String> header = parseCsv(utf8(lines.get(0)));
      headers.put(drop, header);
      for (byte[] line : lines.subList(1, lines.size())) {
        String text = utf8(line);
        leadLines.add(new LeadLine(drop, header, line, text != null, parseCsv(
            text != null ? text : new String(line, StandardCharsets.ISO_8859_1))));
      }
    }
    for (Path file : files(landing.resolve("synthetic/events"), ".jsonl")) {
      LocalDate drop = LocalDate.parse(file.getParent().getFileName().toString());
      for (byte[] line : split(Files.readAllBytes(file), "\n")) {
        String text = new String(line, StandardCharsets.UTF_8);
        JsonNode node;
        try {
          node = JSON.readTree(text);
        } catch (IOException e) {
          node = null;
        }
        eventLines.add(new EventLine(drop, text, node));
      }
    }
    for (Path file : files(truth, ".csv")) {
      List<byte[]> lines = split(Files.readAllBytes(file), "\r\n");
      for (byte[] line : lines.subList(1, lines.size())) {
        List<String> f = parseCsv(utf8(line));
        truthRows.add(new TruthRow(f.get(0), f.get(1), Double.parseDouble(f.get(2)),
            Integer.parseInt(f.get(3)), f.get(4)));
      }
    }
  }

  static List<Path> files(Path root, String suffix) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(suffix))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
  }

  /** Lines without their terminator; the file must end with one. */
  static List<byte[]> split(byte[] bytes, String terminator) {
    byte[] t = terminator.getBytes(StandardCharsets.US_ASCII);
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i + t.length <= bytes.length; i++) {
      boolean match = true;
      for (int j = 0; j < t.length && match; j++) {
        match = bytes[i + j] == t[j];
      }
      if (match) {
        byte[] line = new byte[i - start];
        System.arraycopy(bytes, start, line, 0, line.length);
        out.add(line);
        start = i + t.length;
        i += t.length - 1;
      }
    }
    if (start != bytes.length) {
      throw new IllegalStateException("file does not end with its line terminator");
    }
    return out;
  }

  /** Strict UTF-8 decoding; null when the bytes are not UTF-8. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** RFC 4180 fields of one record (no line breaks inside fields here). */
  static List<String> parseCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    boolean quoted = false;
    boolean wasQuoted = false;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else {
        field.append(c);
      }
      i++;
    }
    out.add(field.toString());
    return out;
  }

  static long epochSecond(String iso) {
    return Instant.parse(iso).getEpochSecond();
  }

  /** The parsed instant, or null when the text is not an ISO-8601 instant. */
  static Instant instantOrNull(String iso) {
    try {
      return iso == null ? null : Instant.parse(iso);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
