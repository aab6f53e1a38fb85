package io.leadscore.transforms.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.testing.SparkTestSupport;
import io.leadscore.transforms.contract.Contract;
import io.leadscore.transforms.contract.ContractLoader;
import io.leadscore.transforms.contract.DatasetContract;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BronzeReaderTest extends SparkTestSupport {

  static final String CONTRACT = String.join("\n",
      "contract: 1",
      "source: demo",
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: demo/leads/**/*.csv",
      "    columns:",
      "      - { source: id, name: lead_id, role: id, nullable: false }",
      "      - { source: Full Name, name: full_name, pii: name }",
      "      - { source: budget, name: budget, type: double }",
      "      - { source: phone, name: phone, pii: phone, required: false }",
      "  events:",
      "    format: json",
      "    landing: demo/events/**/*.json*",
      "    columns:",
      "      - { source: event_id, name: event_id, role: id, nullable: false }",
      "      - { source: lead_id, name: lead_id, role: lead_ref, nullable: false }",
      "      - { source: payload, name: payload }",
      "");

  @TempDir
  Path dir;

  static Contract contract() {
    return ContractLoader.parse("demo.yaml", CONTRACT);
  }

  private Lineage lineage(Path file) {
    return new Lineage(file.toUri().toString(), "h", 1, "b1", "r1", Instant.parse(
        "2026-01-05T10:00:00Z"));
  }

  @Test
  void csvKeepsExtraColumnsMalformedAndTruncatedRecords() throws Exception {
    Path file = dir.resolve("leads.csv");
    Files.writeString(file, String.join("\n",
        "id,\"Full Name\",budget,extra",
        "L1,\"Doe, Jane\",10,x1",
        "L2,Bob,=HYPERLINK(\"http://evil\"),x2",
        "L3,too,many,fields,here",
        "L4,Trunc"));
    DatasetContract d = contract().leads();
    HeaderMatch m = HeaderMatch.of(HeaderMatch.parseCsvHeader(
        Files.readAllLines(file).get(0), ',', '"', '"'), d);
    assertThat(m.missingRequired()).isEmpty();
    assertThat(m.missingOptional()).containsExactly("phone");
    assertThat(m.extra()).containsOnlyKeys("extra");

    Dataset<Row> bronze = BronzeReader.readCsv(spark(), d, m, lineage(file));
    assertThat(bronze.schema().simpleString()).isEqualTo(BronzeReader.schema(d).simpleString());
    List<Row> rows = bronze.orderBy(BronzeColumns.RECORD_NUMBER).collectAsList();
    assertThat(rows).hasSize(4);
    assertThat(rows).extracting(r -> r.<Long>getAs(BronzeColumns.RECORD_NUMBER))
        .containsExactly(2L, 3L, 4L, 5L);
    Row first = rows.get(0);
    assertThat(first.<String>getAs("full_name")).isEqualTo("Doe, Jane");
    assertThat(first.<String>getAs("phone")).isNull();
    assertThat(first.<scala.collection.Map<String, String>>getAs(BronzeColumns.RESCUED)
        .get("extra").get()).isEqualTo("x1");
    assertThat(first.<String>getAs(BronzeColumns.CORRUPT_RECORD)).isNull();
    // A formula stays text, byte for byte.
    assertThat(rows.get(1).<String>getAs("budget")).isEqualTo("=HYPERLINK(\"http://evil\")");
    assertThat(rows.get(2).<String>getAs(BronzeColumns.CORRUPT_RECORD))
        .isEqualTo("L3,too,many,fields,here");
    assertThat(rows.get(3).<String>getAs(BronzeColumns.CORRUPT_RECORD)).isEqualTo("L4,Trunc");
    assertThat(first.<String>getAs(BronzeColumns.BATCH_ID)).isEqualTo("b1");
  }

  @Test
  void numbersRecordsOfMultiPartitionFilesInFileOrder() throws Exception {
    Path file = dir.resolve("big.csv");
    StringBuilder sb = new StringBuilder("id,Full Name,budget\n");
    for (int i = 1; i <= 3000; i++) {
      sb.append("L").append(i).append(",n,").append(i).append('\n');
    }
    Files.writeString(file, sb);
    String before = spark().conf().get("spark.sql.files.maxPartitionBytes");
    spark().conf().set("spark.sql.files.maxPartitionBytes", "8192");
    try {
      DatasetContract d = contract().leads();
      HeaderMatch m = HeaderMatch.of(List.of("id", "Full Name", "budget"), d);
      Dataset<Row> bronze = BronzeReader.readCsv(spark(), d, m, lineage(file));
      assertThat(bronze.rdd().getNumPartitions()).isGreaterThan(1);
      assertThat(BronzeReader.scanPartitions(spark().read().text(file.toString())))
          .isEqualTo(spark().read().text(file.toString()).rdd().getNumPartitions());
      long mismatched = bronze.filter(org.apache.spark.sql.functions.concat(
              org.apache.spark.sql.functions.lit("L"),
              org.apache.spark.sql.functions.col(BronzeColumns.RECORD_NUMBER).minus(1))
          .notEqual(org.apache.spark.sql.functions.col("lead_id"))).count();
      assertThat(bronze.count()).isEqualTo(3000);
      assertThat(mismatched).isZero();
    } finally {
      spark().conf().set("spark.sql.files.maxPartitionBytes", before);
    }
  }

  @Test
  void manySmallFilesAreAppendedByFewTasksAndKeepTheirOwnRecordNumbers() throws Exception {
    DatasetContract d = contract().leads();
    HeaderMatch m = HeaderMatch.of(List.of("id", "Full Name", "budget"), d);
    List<BronzeIngest.FilePlan> plans = new java.util.ArrayList<>();
    for (int f = 0; f < 5; f++) {
      Path file = dir.resolve("drop-" + f + ".csv");
      StringBuilder sb = new StringBuilder("id,Full Name,budget\n");
      for (int i = 1; i <= 3 + f; i++) {
        sb.append("F").append(f).append("-").append(i + 1).append(",n,").append(i).append('\n');
      }
      Files.writeString(file, sb);
      Lineage lineage = new Lineage(file.toUri().toString(), "h" + f, 1, "b" + f, "r1",
          Instant.parse("2026-01-05T10:00:00Z"));
      assertThat(BronzeReader.scanPartitions(spark().read().text(file.toString()))).isEqualTo(1);
      plans.add(new BronzeIngest.FilePlan(new LandingFile(lineage.sourceFile(), 1, 1),
          BronzeIngest.Outcome.INGEST, null, BronzeReader.readCsv(spark(), d, m, lineage), null));
    }

    Dataset<Row> batch = BronzeIngest.appendBatch(plans, 2);
    assertThat(batch.rdd().getNumPartitions()).isEqualTo(2);
    assertThat(batch.count()).isEqualTo(3 + 4 + 5 + 6 + 7);
    // Each row's id names its file (by batch) and its line: numbering stays per file.
    long misnumbered = batch.filter(org.apache.spark.sql.functions.concat(
            org.apache.spark.sql.functions.lit("F"),
            org.apache.spark.sql.functions.substring(
                org.apache.spark.sql.functions.col(BronzeColumns.BATCH_ID), 2, 1),
            org.apache.spark.sql.functions.lit("-"),
            org.apache.spark.sql.functions.col(BronzeColumns.RECORD_NUMBER))
        .notEqual(org.apache.spark.sql.functions.col("lead_id"))).count();
    assertThat(misnumbered).isZero();
    assertThat(BronzeIngest.appendBatch(plans.subList(0, 1), 8).rdd().getNumPartitions())
        .isEqualTo(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BronzeIngest.appendBatch(plans, 0))
        .hasMessage("writeTasks must be ≥ 1, cannot be: 0");
  }

  @Test
  void writeTasksFollowTheBytesAndTheParallelismButNeverExceedTheFiles() {
    long mb = 1 << 20;
    assertThat(BronzeIngest.writeTasks(3 * mb, 120, 2, 128 * mb)).isEqualTo(2);
    assertThat(BronzeIngest.writeTasks(3 * mb, 1, 2, 128 * mb)).isEqualTo(1);
    assertThat(BronzeIngest.writeTasks(1000 * mb, 120, 2, 128 * mb)).isEqualTo(8);
    assertThat(BronzeIngest.writeTasks(1000 * mb, 5, 2, 128 * mb)).isEqualTo(5);
    assertThat(BronzeIngest.writeTasks(0, 3, 16, 128 * mb)).isEqualTo(3);
  }

  @Test
  void jsonLinesKeepExtraFieldsAndBrokenLines() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"event_id\":\"e1\",\"lead_id\":\"L1\",\"payload\":{\"a\":1},\"n\":5}",
        "",
        "{\"event_id\":\"e2\",\"lead_id\":\"L1\"",
        "{\"event_id\":\"e3\",\"lead_id\":null,\"payload\":\"p\"}",
        ""));
    Dataset<Row> bronze = BronzeReader.readJsonLines(spark(), contract().events().orElseThrow(),
        lineage(file));
    List<Row> rows = bronze.orderBy(BronzeColumns.RECORD_NUMBER).collectAsList();
    assertThat(rows).extracting(r -> r.<Long>getAs(BronzeColumns.RECORD_NUMBER))
        .containsExactly(1L, 3L, 4L);
    assertThat(rows.get(0).<String>getAs("payload")).isEqualTo("{\"a\":1}");
    assertThat(rows.get(0).<scala.collection.Map<String, String>>getAs(BronzeColumns.RESCUED)
        .get("n").get()).isEqualTo("5");
    assertThat(rows.get(1).<String>getAs(BronzeColumns.CORRUPT_RECORD))
        .isEqualTo("{\"event_id\":\"e2\",\"lead_id\":\"L1\"");
    assertThat(rows.get(2).<String>getAs("lead_id")).isNull();
    assertThat(rows.get(2).<Object>getAs(BronzeColumns.RESCUED)).isNull();
  }

  @Test
  void parquetValuesBecomeStringsAndExtraColumnsAreRescued() throws Exception {
    Path file = dir.resolve("leads.parquet");
    spark().sql("SELECT 'P1' AS id, 'Pat' AS `Full Name`, 12.5D AS budget, 7 AS score")
        .coalesce(1).write().parquet(file.toString());
    DatasetContract d = contract().leads();
    HeaderMatch m = HeaderMatch.of(BronzeReader.parquetColumns(spark(), file.toString()), d);
    assertThat(m.problem(',')).isNull();
    Row r = BronzeReader.readParquet(spark(), d, m, lineage(file)).head();
    assertThat(r.<String>getAs("budget")).isEqualTo("12.5");
    assertThat(r.<String>getAs("phone")).isNull();
    assertThat(r.<scala.collection.Map<String, String>>getAs(BronzeColumns.RESCUED)
        .get("score").get()).isEqualTo("7");
  }

  @Test
  void inspectionHashesAndFindsInvalidUtf8() throws Exception {
    byte[] good = "id,name\nL1,Zoë\n".getBytes(StandardCharsets.UTF_8);
    FileInspection ok = FileInspection.of(new ByteArrayInputStream(good), StandardCharsets.UTF_8);
    assertThat(ok.sha256()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(good)));
    assertThat(ok.firstLine()).isEqualTo("id,name");
    assertThat(ok.hasDataAfterFirstLine()).isTrue();
    assertThat(ok.encodingOk()).isTrue();

    byte[] bad = "id,name\r\nL1,ok\r\nL2,Zo\u00eb\r\n".getBytes(StandardCharsets.ISO_8859_1);
    FileInspection ko = FileInspection.of(new ByteArrayInputStream(bad), StandardCharsets.UTF_8);
    assertThat(ko.encodingError()).isEqualTo("invalid UTF-8 at line 3 (byte offset 21: 0xEB)");
    assertThat(ko.firstLine()).isEqualTo("id,name");

    FileInspection headerOnly = FileInspection.of(
        new ByteArrayInputStream("\uFEFFid,name\r\n\r\n".getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
    assertThat(headerOnly.firstLine()).isEqualTo("id,name");
    assertThat(headerOnly.hasDataAfterFirstLine()).isFalse();

    // Invalid bytes far beyond the first buffer are found too, with the right line.
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      sb.append("L").append(i).append(",name\n");
    }
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] big = java.util.Arrays.copyOf(head, head.length + 3);
    big[head.length] = (byte) 0xC3;
    big[head.length + 1] = (byte) 0x28;
    big[head.length + 2] = '\n';
    FileInspection far = FileInspection.of(new ByteArrayInputStream(big), StandardCharsets.UTF_8);
    assertThat(far.encodingError()).startsWith("invalid UTF-8 at line 20001 (byte offset "
        + head.length);
  }

  @Test
  void headerProblemsNameTheColumnsAndTheLikelyDelimiter() {
    DatasetContract d = contract().leads();
    HeaderMatch semicolons = HeaderMatch.of(
        HeaderMatch.parseCsvHeader("id;Full Name;budget", ',', '"', '"'), d);
    assertThat(semicolons.problem(',')).contains("missing required columns ['id', 'Full Name',"
        + " 'budget']").contains("looks ';'-separated");
    HeaderMatch noBudget = HeaderMatch.of(List.of("id", "Full Name", "id"), d);
    assertThat(noBudget.problem(',')).contains("missing required column ['budget']")
        .contains("required: false");
    assertThat(noBudget.extra()).isEqualTo(Map.of("id#3", 2));
  }

  @Test
  void listsLandingFilesByPatternSkippingHiddenOnes() throws Exception {
    Path landing = dir.resolve("landing");
    for (String p : List.of("demo/leads/2026-01-01/a.csv", "demo/leads/2026-01-02/b.csv",
        "demo/leads/top.csv", "demo/leads/2026-01-02/_SUCCESS", "demo/leads/2026-01-02/.b.csv.crc",
        "demo/leads/notes.txt", "demo/events/2026-01-01/part-0.json")) {
      Path f = landing.resolve(p);
      Files.createDirectories(f.getParent());
      Files.writeString(f, "x");
    }
    List<LandingFile> files = LandingFiles.list(spark().sparkContext().hadoopConfiguration(),
        landing.toString(), "demo/leads/**/*.csv");
    assertThat(files).extracting(f -> f.path().substring(f.path().indexOf("demo/")))
        .containsExactly("demo/leads/2026-01-01/a.csv", "demo/leads/2026-01-02/b.csv",
            "demo/leads/top.csv");
    assertThat(LandingFiles.list(spark().sparkContext().hadoopConfiguration(),
        landing.toString(), "demo/leads/*/*.{csv,txt}")).hasSize(2);
    assertThat(LandingFiles.list(spark().sparkContext().hadoopConfiguration(),
        landing.toString(), "nothing/here/*.csv")).isEmpty();
    assertThat(files.get(0).size()).isEqualTo(1);
  }
}
