package io.leadscore.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.leadscore.testing.SparkTestSupport;
import io.leadscore.jobs.generate.Vocabulary.Budget;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Status;
import io.leadscore.jobs.generate.Vocabulary.Timeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * conf/contracts/synthetic.yaml describes what the generator writes: the same columns, the
 * landing patterns match the drop files, the timing is the truth model's, the allowed values
 * are the generator's, clean rows pass the row rules and the planted bad values break them.
 * (The contract loader itself lives with ingest; this reads the YAML directly.)
 */
class SyntheticContractTest {
  private static final JsonNode CONTRACT = load();

  private static JsonNode load() {
    try {
      YAMLFactory yaml = YAMLFactory.builder()
          .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();
      return new ObjectMapper(yaml).readTree(SparkTestSupport.projectRoot()
          .resolve("conf/contracts/synthetic.yaml").toFile());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode dataset(String name) {
    return CONTRACT.get("datasets").get(name);
  }

  private static List<String> sources(JsonNode dataset) {
    List<String> out = new ArrayList<>();
    dataset.get("columns").forEach(c -> out.add(c.get("source").asText()));
    return out;
  }

  private static JsonNode column(JsonNode dataset, String source) {
    for (JsonNode c : dataset.get("columns")) {
      if (c.get("source").asText().equals(source)) {
        return c;
      }
    }
    throw new AssertionError("no column " + source);
  }

  private static JsonNode rule(JsonNode dataset, String name) {
    for (JsonNode r : dataset.get("rules")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no rule " + name);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  @Test
  void columnsRolesAndTimingAreTheGenerators() {
    assertThat(CONTRACT.get("source").asText()).isEqualTo(DropFiles.SOURCE);
    JsonNode leads = dataset("leads");
    assertThat(sources(leads)).containsExactlyElementsOf(DropLines.LEAD_COLUMNS);
    assertThat(column(leads, DropLines.OPTIONAL_COLUMN).get("required").asBoolean()).isFalse();
    assertThat(sources(leads)).doesNotContain(DropLines.EXTRA_COLUMN);
    assertThat(column(leads, "lead_id").get("role").asText()).isEqualTo("id");
    assertThat(column(leads, "converted_at").get("role").asText()).isEqualTo("label_event");
    assertThat(column(leads, "status").hasNonNull("leaky")).isTrue();
    for (String pii : List.of("first_name", "last_name", "email", "phone")) {
      assertThat(column(leads, pii).hasNonNull("pii")).as(pii).isTrue();
    }
    assertThat(texts(leads.get("missingTokens"))).contains(Vocabulary.NOT_ANSWERED);
    JsonNode timing = leads.get("timing");
    assertThat(timing.get("asOf").asText()).isEqualTo("created_plus");
    assertThat(timing.get("delay").asText()).isEqualTo(TruthModel.OBSERVATION_DAYS + "d");
    assertThat(timing.get("labelWindow").asText()).isEqualTo(TruthModel.LABEL_WINDOW_DAYS + "d");
    assertThat(sources(dataset("events"))).containsExactlyElementsOf(DropLines.EVENT_FIELDS);
  }

  @Test
  void landingPatternsMatchTheDropFiles() {
    DropFiles files = new DropFiles("/landing", "/truth", LocalDate.parse("2026-01-05"), 3);
    for (String name : List.of("leads", "events")) {
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher(
          "glob:" + dataset(name).get("landing").asText());
      DropFiles.Kind kind = name.equals("leads") ? DropFiles.Kind.LEADS : DropFiles.Kind.EVENTS;
      for (int d = 0; d < 3; d++) {
        Path relative = Path.of("/landing").relativize(Path.of(files.path(kind, d)));
        assertThat(matcher.matches(relative)).as(relative.toString()).isTrue();
      }
      Path truth = Path.of("/").relativize(Path.of(files.path(DropFiles.Kind.TRUTH, 0)));
      assertThat(matcher.matches(truth)).isFalse();
    }
  }

  @Test
  void allowedValuesAreTheGeneratorsLabels() {
    JsonNode leads = dataset("leads");
    assertThat(texts(rule(leads, "status_known").get("values")))
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(Status.values())
            .map(Status::label).toList());
    assertThat(texts(rule(leads, "budget_known").get("values")))
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(Budget.values())
            .filter(b -> b != Budget.NOT_ANSWERED).map(Budget::label).toList());
    assertThat(texts(rule(leads, "timeline_known").get("values")))
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(Timeline.values())
            .filter(t -> t != Timeline.NOT_ANSWERED).map(Timeline::label).toList());
    assertThat(texts(rule(dataset("events"), "event_type_known").get("values")))
        .containsExactlyInAnyOrderElementsOf(DropLines.eventTypes());
    assertThat(DropLines.eventTypes()).hasSize(EventType.values().length);
  }

  @Test
  void cleanRowsPassTheRowRulesAndPlantedValuesBreakThem() {
    JsonNode leads = dataset("leads");
    Pattern email = Pattern.compile(rule(leads, "email_valid").get("pattern").asText());
    Pattern leadId = Pattern.compile(rule(leads, "lead_id_format").get("pattern").asText());
    JsonNode size = rule(leads, "company_size_range");
    long min = size.get("min").asLong();
    long max = size.get("max").asLong();
    long now = Instant.now().getEpochSecond();

    GeneratorParams p = new GeneratorParams(3000, 60, 60, LocalDate.parse("2026-01-05"), 5, 0.3,
        0, 0, 0.8, 30, 1.0).checked();
    DropFiles files = new DropFiles("/l", "/t", p.startDate(), p.days());
    DropLines dl = new DropLines(p, files);
    Map<Trap, Integer> broken = new HashMap<>();
    Map<Trap, Integer> planted = new HashMap<>();
    for (long i = 0; i < 3000; i++) {
      dl.emit(i, (file, key, line, code) -> {
        if (files.kindOf(file) != DropFiles.Kind.LEADS) {
          return;
        }
        List<String> f = GeneratedDrops.parseCsv(
            new String(line, StandardCharsets.UTF_8).replace("\r\n", ""));
        Trap trap = Trap.ofCode(code);
        if (f.size() != DropLines.LEAD_COLUMNS.size()) {
          assertThat(trap).isIn(Trap.LEAD_TRUNCATED_LINE, Trap.LEAD_UNQUOTED_COMMA);
          return;
        }
        boolean breaks = !email.matcher(f.get(5)).matches()
            || !leadId.matcher(f.get(0)).matches()
            || Long.parseLong(f.get(9)) < min || Long.parseLong(f.get(9)) > max
            || Instant.parse(f.get(1)).getEpochSecond() > now
            || Instant.parse(f.get(2)).getEpochSecond() > now;
        if (trap == null || trap == Trap.LEAD_DUPLICATE) {
          assertThat(breaks).as("clean row %s", f).isFalse();
        } else {
          planted.merge(trap, 1, Integer::sum);
          broken.merge(trap, breaks ? 1 : 0, Integer::sum);
        }
      });
    }
    for (Trap t : List.of(Trap.LEAD_INVALID_EMAIL, Trap.LEAD_NEGATIVE_SIZE,
        Trap.LEAD_ABSURD_SIZE, Trap.LEAD_FUTURE_DATE)) {
      assertThat(planted.get(t)).as(t.name()).isPositive();
      assertThat(broken.get(t)).as(t.name()).isEqualTo(planted.get(t));
    }
  }
}
