package io.leadscore.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.leadscore.features.ActivitySpec;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The features job on hand-made silver tables whose right answers are known. */
class FeaturesJobTest extends JobTestSupport {
  private static final String CONTRACT = String.join("\n",
      "contract: 1",
      "source: crm",
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: crm/leads/**/*.csv",
      "    timing: { asOf: created_plus, delay: 7d, labelWindow: 30d }",
      "    columns:",
      "      - { source: id, name: id, role: id, nullable: false }",
      "      - { source: created_at, name: created_at, type: timestamp, role: created_at }",
      "      - { source: converted_at, name: converted_at, type: timestamp, role: label_event }",
      "      - { source: lead_source, name: lead_source }",
      "      - { source: employees, name: employees, type: integer }",
      "      - { source: stage, name: stage, leaky: set after the outcome }",
      "  events:",
      "    format: json",
      "    landing: crm/events/**/*.jsonl",
      "    columns:",
      "      - { source: event_id, name: event_id, role: id, nullable: false }",
      "      - { source: lead, name: lead, role: lead_ref, nullable: false }",
      "      - { source: type, name: type, role: event_type }",
      "      - { source: at, name: at, type: timestamp, role: event_time }",
      "");
  private static final StructType LEADS = new StructType()
      .add("id", DataTypes.StringType).add("created_at", DataTypes.TimestampType)
      .add("converted_at", DataTypes.TimestampType).add("lead_source", DataTypes.StringType)
      .add("employees", DataTypes.IntegerType).add("stage", DataTypes.StringType);
  private static final StructType EVENTS = new StructType()
      .add("event_id", DataTypes.StringType).add("lead", DataTypes.StringType)
      .add("type", DataTypes.StringType).add("at", DataTypes.TimestampType);

  @TempDir
  Path dir;
  private Path config;
  private Path contract;
  private Lakehouse lakehouse;

  @BeforeEach
  void silverTables() throws Exception {
    config = writeConfig(dir, "");
    contract = dir.resolve("crm.yaml");
    Files.writeString(contract, CONTRACT);
    lakehouse = new Lakehouse(dir.resolve("lakehouse").toString());
    writeLeads(List.of(
        // as_of 01-08; converted 01-20, inside the window → 1
        lead("a", "2026-01-01T00:00:00", "2026-01-20T00:00:00", "web", 10),
        // converted after the window (01-08 + 30 d = 02-07) → 0
        lead("b", "2026-01-01T00:00:00", "2026-03-01T00:00:00", "ads", 500),
        // converted before its observation point: not a training row
        lead("c", "2026-01-01T00:00:00", "2026-01-03T00:00:00", "web", 20),
        // window not over at the cutoff (as_of 03-08 + 30 d > 03-20): not a training row
        lead("d", "2026-03-01T00:00:00", null, "web", 20),
        // never converted, window over → 0
        lead("e", "2026-01-02T00:00:00", null, null, null)));
    spark().createDataFrame(List.of(
            event("1", "a", "visit", "2026-01-02T00:00:00"),
            event("2", "a", "visit", "2026-01-07T23:59:59"),
            event("3", "a", "visit", "2026-01-08T00:00:00"), // at as_of: not seen
            event("4", "a", "demo", "2026-01-09T00:00:00"),  // after as_of: not seen
            event("5", "b", "demo", "2026-01-05T00:00:00"),
            // dated before a's creation (a clock or matching error): never read
            event("6", "a", "demo", "2025-12-31T23:00:00")), EVENTS)
        .write().format("delta").save(lakehouse.path(Table.SILVER_EVENTS, "crm"));
  }

  @Test
  void trainingRowsArePointInTimeWithMaturedLabels() {
    CliResult result = features("training", "2026-03-20");

    assertThat(result.exitCode()).as(result.output()).isZero();
    Dataset<Row> gold = spark().read().format("delta")
        .load(lakehouse.path(Table.GOLD_FEATURES, "crm"));
    Map<String, Integer> labels = gold.collectAsList().stream().collect(Collectors.toMap(
        r -> r.getAs(GoldColumns.LEAD_ID), r -> r.<Integer>getAs(GoldColumns.LABEL)));
    assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 0, "e", 0));
    Row a = gold.where(col(GoldColumns.LEAD_ID).equalTo("a")).head();
    assertThat(a.<Timestamp>getAs(GoldColumns.AS_OF)).isEqualTo(ts("2026-01-08T00:00:00"));
    assertThat(a.<Number>getAs(ActivitySpec.countColumn("visit", 90)).longValue()).isEqualTo(2);
    assertThat(a.<Number>getAs(ActivitySpec.countColumn("demo", 90)).longValue())
        .as("the demo before a's creation and the one after as_of").isZero();
    assertThat(a.<Number>getAs(ActivitySpec.countColumn("visit", 1)).longValue()).isEqualTo(1);
    assertThat(gold.columns()).contains("lead_source", "employees", "act_demo_cnt_7d")
        .doesNotContain("stage", "converted_at", "created_at", "id");
  }

  @Test
  void aTrainingRerunGivesTheSameTable() {
    assertThat(features("training", "2026-03-20").exitCode()).isZero();
    String path = lakehouse.path(Table.GOLD_FEATURES, "crm");
    Dataset<Row> first = spark().read().format("delta").load(path)
        .drop(GoldColumns.FEATURES_RUN_ID).localCheckpoint();

    assertThat(features("training", "2026-03-20").exitCode()).isZero();

    assertSameRows(first, spark().read().format("delta").load(path)
        .drop(GoldColumns.FEATURES_RUN_ID));
  }

  @Test
  void scoringMergesOnlyLeadsWhoseFeaturesChanged() {
    assertThat(features("scoring", "2026-03-20").exitCode()).as("needs training first")
        .isEqualTo(1);
    assertThat(features("training", "2026-03-20").exitCode()).isZero();
    assertThat(features("scoring", "2026-03-20").exitCode()).isZero();
    String path = lakehouse.path(Table.GOLD_SCORING_FEATURES, "crm");
    // Current leads: created before as_of and not converted by then (b converted 03-01).
    assertThat(ids(spark().read().format("delta").load(path))).containsExactlyInAnyOrder(
        "d", "e");

    assertThat(features("scoring", "2026-03-20").exitCode()).isZero();
    assertThat(changesOfLatestVersion(path)).as("a rerun changes nothing").isEmpty();

    writeLeads(List.of(
        lead("a", "2026-01-01T00:00:00", "2026-01-20T00:00:00", "web", 10),
        lead("b", "2026-01-01T00:00:00", "2026-03-01T00:00:00", "ads", 500),
        lead("c", "2026-01-01T00:00:00", "2026-01-03T00:00:00", "web", 20),
        lead("d", "2026-03-01T00:00:00", null, "partner", 20), // changed
        lead("e", "2026-01-02T00:00:00", null, null, null)));
    assertThat(features("scoring", "2026-03-20").exitCode()).isZero();
    assertThat(changesOfLatestVersion(path)).containsExactlyInAnyOrder(
        "d:update_preimage", "d:update_postimage");
  }

  @Test
  void aBadAsOfIsAUsageError() {
    CliResult result = features("training", "yesterday");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("cannot be: yesterday");
  }

  private CliResult features(String mode, String asOf) {
    return runCli("features", "--source", "crm", "--contract", contract.toString(), "--config",
        config.toString(), "--mode", mode, "--as-of", asOf);
  }

  private List<String> changesOfLatestVersion(String path) {
    long version = spark().sql("DESCRIBE HISTORY delta.`" + path + "` LIMIT 1").head()
        .getLong(0);
    return spark().read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", version).load(path).collectAsList().stream()
        .map(r -> r.getAs(GoldColumns.LEAD_ID) + ":" + r.getAs("_change_type")).toList();
  }

  private void writeLeads(List<Row> rows) {
    spark().createDataFrame(rows, LEADS).write().format("delta").mode(SaveMode.Overwrite)
        .save(lakehouse.path(Table.SILVER_LEADS, "crm"));
  }

  private static List<String> ids(Dataset<Row> df) {
    return df.select(GoldColumns.LEAD_ID).collectAsList().stream().map(r -> r.getString(0))
        .toList();
  }

  private static Row lead(String id, String created, String converted, String source,
      Integer employees) {
    return RowFactory.create(id, ts(created), converted == null ? null : ts(converted), source,
        employees, "New");
  }

  private static Row event(String id, String lead, String type, String at) {
    return RowFactory.create(id, lead, type, ts(at));
  }

  private static Timestamp ts(String iso) {
    return Timestamp.valueOf(iso.replace('T', ' '));
  }
}
