package io.leadscore.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadscore.jobs.JobTestSupport;
import io.leadscore.jobs.generate.GeneratedDrops.EventLine;
import io.leadscore.jobs.generate.GeneratedDrops.LeadLine;
import io.leadscore.jobs.generate.GeneratedDrops.TruthRow;
import io.leadscore.jobs.generate.TruthModel.Activity;
import io.leadscore.jobs.generate.Vocabulary.Budget;
import io.leadscore.jobs.generate.Vocabulary.Country;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Industry;
import io.leadscore.jobs.generate.Vocabulary.Seniority;
import io.leadscore.jobs.generate.Vocabulary.Source;
import io.leadscore.jobs.generate.Vocabulary.Timeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The truth file matches the documented model: each lead's probability is recomputed from
 * what the exports show (its row, its events before created_at + 7 days) with the documented
 * formula; the outcomes are drawn from those probabilities; conversions in the exports agree
 * with the truth; no event precedes its lead when no bad record is planted.
 */
class GeneratedTruthTest extends JobTestSupport {
  static final int DAYS = 45;
  static final LocalDate START = LocalDate.parse("2026-01-05");
  static final long END = START.plusDays(DAYS).atStartOfDay(ZoneOffset.UTC).toEpochSecond();

  @TempDir
  Path dir;

  @Test
  void truthFollowsFromTheExportsByTheDocumentedFormula() throws Exception {
    Path config = writeConfig(dir, "");
    CliResult r = runCli("generate", "--config", config.toString(), "--leads", "3000",
        "--days", String.valueOf(DAYS), "--seed", "11", "--bad-record-rate", "0",
        "--schema-change-rate", "0", "--bad-encoding-rate", "0", "--drift-from-day", "20");
    assertThat(r.exitCode()).as(r.output()).isZero();
    GeneratedDrops drops = new GeneratedDrops(dir.resolve("landing"),
        dir.resolve("truth/synthetic"));
    assertThat(drops.truthRows).hasSize(3000);

    Map<String, List<LeadLine>> rows = new HashMap<>();
    for (LeadLine line : drops.leadLines) {
      assertThat(line.utf8()).isTrue();
      assertThat(line.wellFormed()).isTrue();
      rows.computeIfAbsent(line.get("lead_id"), k -> new ArrayList<>()).add(line);
    }
    Map<String, List<EventLine>> events = new HashMap<>();
    for (EventLine e : drops.eventLines) {
      assertThat(e.json()).as(e.text()).isNotNull();
      events.computeIfAbsent(e.get("lead_id"), k -> new ArrayList<>()).add(e);
    }
    assertThat(rows.keySet()).hasSize(3000);

    int recomputed = 0;
    for (TruthRow t : drops.truthRows) {
      List<LeadLine> leadRows = rows.get(t.leadId());
      leadRows.sort(Comparator.comparing(l -> l.get("updated_at")));
      LeadLine first = leadRows.get(0);
      long created = GeneratedDrops.epochSecond(first.get("created_at"));
      long obs = GeneratedDrops.epochSecond(t.observationAt());
      // The documented observation point: created_at + 7 days.
      assertThat(obs - created).isEqualTo(7 * 86_400);
      // The first row is in the drop of the creation day.
      assertThat(first.drop().toString()).isEqualTo(first.get("created_at").substring(0, 10));

      List<EventLine> own = events.getOrDefault(t.leadId(), List.of());
      long[] times = new long[own.size()];
      EventType[] types = new EventType[own.size()];
      for (int i = 0; i < own.size(); i++) {
        times[i] = GeneratedDrops.epochSecond(own.get(i).get("occurred_at"));
        types[i] = EventType.fromLabel(own.get(i).get("event_type"));
        // No event precedes its lead's creation (no bad records planted here).
        assertThat(times[i]).as(t.leadId()).isGreaterThan(created);
      }

      // Conversions: the exports and the truth agree.
      String exportedConversion = leadRows.get(leadRows.size() - 1).get("converted_at");
      if (t.converted() == 1) {
        long converted = GeneratedDrops.epochSecond(t.convertedAt());
        assertThat(converted).isGreaterThan(obs).isLessThanOrEqualTo(obs + 30 * 86_400);
        assertThat(exportedConversion).isEqualTo(converted < END ? t.convertedAt() : "");
      } else {
        assertThat(t.convertedAt()).isEmpty();
        assertThat(exportedConversion).isEmpty();
      }

      // The probability, recomputed from what the exports show, when the observation point
      // lies within the exported days (so every event before it is exported).
      if (obs <= END) {
        TruthModel.Observables o = TruthModel.observables(
            Vocabulary.byLabel(Source.class, first.get("lead_source")),
            Vocabulary.byLabel(Industry.class, first.get("industry")),
            Vocabulary.byLabel(Country.class, first.get("country")),
            Long.parseLong(first.get("company_size")),
            Seniority.parse(first.get("job_title")),
            Vocabulary.isFreeMail(first.get("email")),
            first.get("do_not_call").equals("Yes"),
            Vocabulary.byLabel(Budget.class, first.get("budget")),
            Vocabulary.byLabel(Timeline.class, first.get("timeline")),
            Activity.of(obs, times, types, times.length));
        assertThat(TruthModel.probability(o)).as(t.leadId()).isEqualTo(t.probability());
        recomputed++;
      }
    }
    assertThat(recomputed).isGreaterThan(2000);

    // The outcomes are drawn from the probabilities: calibrated overall and by fifths.
    List<TruthRow> byP = new ArrayList<>(drops.truthRows);
    byP.sort(Comparator.comparingDouble(TruthRow::probability));
    for (int q = 0; q < 5; q++) {
      List<TruthRow> fifth = byP.subList(q * 600, (q + 1) * 600);
      double expected = fifth.stream().mapToDouble(TruthRow::probability).sum();
      double variance = fifth.stream().mapToDouble(x -> x.probability() * (1 - x.probability()))
          .sum();
      long observed = fifth.stream().filter(x -> x.converted() == 1).count();
      assertThat((double) observed).as("fifth %d", q)
          .isBetween(expected - 4.5 * Math.sqrt(variance), expected + 4.5 * Math.sqrt(variance));
    }

    // The printed oracle AUC is the exact AUC of the truth file, also in _generator.json.
    double[] scores = drops.truthRows.stream().mapToDouble(TruthRow::probability).toArray();
    int[] labels = drops.truthRows.stream().mapToInt(TruthRow::converted).toArray();
    double auc = OracleAuc.exact(scores, labels);
    assertThat(auc).isBetween(0.7, 0.9);
    assertThat(r.stdout()).contains(String.format(Locale.ROOT, "oracle AUC %.4f (exact", auc));
    JsonNode summary = new ObjectMapper().readTree(
        Files.readString(dir.resolve("truth/synthetic/_generator.json")));
    assertThat(summary.get("oracle_auc").asDouble()).isEqualTo(auc);
    assertThat(summary.get("truth_rows").asLong()).isEqualTo(3000);

    // The Spark computation agrees with the array one.
    OracleAuc.Result spark = OracleAuc.exact(
        TruthFiles.read(spark(), dir.resolve("truth/synthetic").toString()).repartition(3),
        TruthFiles.TRUE_PROBABILITY, TruthFiles.CONVERTED);
    assertThat(spark.auc()).isEqualTo(auc);
    Row counts = TruthFiles.read(spark(), dir.resolve("truth/synthetic").toString())
        .selectExpr("sum(converted)").first();
    assertThat(spark.positives()).isEqualTo(counts.getLong(0));
  }
}
