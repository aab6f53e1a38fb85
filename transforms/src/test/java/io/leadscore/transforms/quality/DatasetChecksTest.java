package io.leadscore.transforms.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.testing.SparkTestSupport;
import io.leadscore.transforms.contract.ContractLoader;
import io.leadscore.transforms.contract.DatasetContract;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DatasetChecksTest extends SparkTestSupport {

  static final DatasetContract D = ContractLoader.parse("t.yaml", String.join("\n",
      "contract: 1",
      "source: demo",
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: demo/*.csv",
      "    columns:",
      "      - { source: id, name: lead_id, role: id, nullable: false }",
      "      - { source: city, name: city }",
      "    checks:",
      "      - { name: ids_complete, check: completeness, column: lead_id, min: 1.0,"
          + " level: blocking }",
      "      - { name: city_filled, check: completeness, column: city, min: 0.8 }",
      "      - { name: ids_unique, check: uniqueness, columns: [lead_id], min: 0.9,"
          + " level: blocking }",
      "      - { name: cities_varied, check: distinctness, columns: [city], min: 0.5 }",
      "      - { name: enough_rows, check: row_count, min: 3 }",
      "      - { name: few_rejects, check: quarantine_rate, max: 0.2 }",
      "      - { name: volume_stable, check: row_count_change, maxDecrease: 0.5,"
          + " maxIncrease: 1.0, history: 2 }",
      "")).leads();

  private Dataset<Row> rows(String[][] values) {
    StructType schema = new StructType().add("lead_id", DataTypes.StringType)
        .add("city", DataTypes.StringType);
    return spark().createDataFrame(java.util.Arrays.stream(values)
        .map(v -> RowFactory.create((Object[]) v)).toList(), schema);
  }

  @Test
  void measuresWithDeequAndAppliesTheThresholds() {
    Dataset<Row> df = rows(new String[][] {{"L1", "Rome"}, {"L2", "Rome"}, {"L2", null},
        {"L3", "Oslo"}});
    DatasetChecks.Outcome o = DatasetChecks.run(df, D, List.of("lead_id", "city"), 5, 1,
        List.of(20L, 10L, 1000L));
    assertThat(o.metrics()).containsEntry("Size", 4.0).containsEntry("Completeness(lead_id)", 1.0)
        .containsEntry("Completeness(city)", 0.75).containsEntry("Uniqueness(lead_id)", 0.5)
        .containsEntry("Distinctness(city)", 2.0 / 3.0);
    Map<String, Boolean> passed = o.results().stream()
        .collect(Collectors.toMap(CheckResult::name, CheckResult::passed));
    assertThat(passed).containsEntry("ids_complete", true).containsEntry("city_filled", false)
        .containsEntry("ids_unique", false).containsEntry("cities_varied", true)
        .containsEntry("enough_rows", true).containsEntry("few_rejects", true)
        // 5 rows against a mean of 15 over the last two runs: -67 %, more than -50 %.
        .containsEntry("volume_stable", false);
    assertThat(o.blocked()).isTrue();
    assertThat(o.warned()).isTrue();
    CheckResult volume = o.results().stream().filter(r -> r.name().equals("volume_stable"))
        .findFirst().orElseThrow();
    assertThat(volume.message()).contains("5 rows against a mean of 15.0 over the last 2 run(s)");
  }

  @Test
  void emptyRunsPassExceptRowCountAndNoHistoryPasses() {
    DatasetChecks.Outcome o = DatasetChecks.run(rows(new String[0][]), D,
        List.of("lead_id", "city"), 0, 0, List.of());
    Map<String, CheckResult> byName = o.results().stream()
        .collect(Collectors.toMap(CheckResult::name, r -> r));
    assertThat(byName.get("ids_complete").passed()).isTrue();
    assertThat(byName.get("ids_complete").message()).isEqualTo("no rows to measure");
    assertThat(byName.get("enough_rows").passed()).isFalse();
    assertThat(byName.get("volume_stable").passed()).isTrue();
    assertThat(byName.get("volume_stable").message()).isEqualTo("no earlier runs to compare with");
    assertThat(o.blocked()).isFalse();
  }
}
