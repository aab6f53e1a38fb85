package io.leadscore.jobs;

import static io.leadscore.jobs.CrmFixture.HEADER;
import static io.leadscore.jobs.CrmFixture.good;
import static io.leadscore.jobs.CrmFixture.lines;
import static io.leadscore.jobs.CrmFixture.row;
import static io.leadscore.jobs.CrmFixture.write;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import io.leadscore.transforms.silver.PiiHashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input suite: one landing drop with a file per kind of trouble, through ingest and
 * validate. Each file ends with a clear message, and every input row is somewhere: bronze
 * (then silver, quarantine or superseded), or in a refused file named in the ingest log.
 */
class BadInputTest extends JobTestSupport {
  static final String KEY = "test-only-pii-key";

  @TempDir
  Path dir;

  Path landing;
  Path config;
  Lakehouse lake;

  @BeforeEach
  void setUp() throws Exception {
    landing = dir.resolve("landing");
    config = writeConfig(dir, "");
    lake = new Lakehouse(dir.resolve("lakehouse").toString());
  }

  private void writeDrop() throws Exception {
    String day = "crm/leads/2025-01-03/";
    write(landing, day + "01-empty.csv", new byte[0]);
    write(landing, day + "02-header-only.csv", HEADER + "\r\n");
    write(landing, day + "03-semicolons.csv", lines(List.of(HEADER.replace(',', ';'),
        good("S1", "Sam", "sam@gmail.com", "0123456789").replace(',', ';'))));
    write(landing, day + "04-truncated.csv", HEADER + "\n"
        + good("A1", "Ann", "ann@gmail.com", "+1 212 555 0100") + "\n"
        + good("A2", "Abe", "abe@initech.com", "") + "\n"
        + "A3,2025-01-01T10:00:00Z,2025-01-0");
    write(landing, day + "05-latin1.csv", (HEADER + "\n"
        + good("Z1", "Zoë", "zoe@gmail.com", "") + "\n").getBytes(StandardCharsets.ISO_8859_1));
    write(landing, day + "06-huge-field.csv", lines(List.of(HEADER,
        good("B1", "Bea", "bea@globex.com", ""),
        row("B2", "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z", "Bo", "bo@globex.com", "",
            "x".repeat(10 * 1024 * 1024), "Google", "No", "5", "Q2", "new", ""))));
    write(landing, day + "07-formula.csv", lines(List.of(HEADER,
        row("C1", "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z", "Cy", "cy@umbrella.com", "",
            "=HYPERLINK(\"http://evil.example\",\"click\")", "Adwords", "Yes", "7", "Q3", "new",
            ""),
        row("C2", "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z", "Cal", "cal@umbrella.com", "",
            "=HYPERLINK(\"http://evil.example\",\"<b>x</b>\")", "Google", "No", "-5", "Q3",
            "new", ""))));
    write(landing, day + "08-extra-column.csv", lines(List.of(
        "lead_id,created_at,updated_at,first_name,email,company,lead_source,do_not_email,budget,"
            + "timeline,status,converted_at,favourite_color",
        "E1,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z,Eve,not-an-email,Hooli,Referral,No,9,"
            + "Select,new,,teal")));
    write(landing, day + "09-missing-column.csv", lines(List.of(
        HEADER.replace(",email,", ","), "M1,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z,Mo,,"
            + "Acme,Google,No,1,Q1,new,")));
    write(landing, day + "10-type-garbage.csv", lines(List.of(HEADER,
        row("G1", "yesterday", "2025-01-01T10:00:00Z", "Gil", "gil@gmail.com", "", "Acme",
            "Google", "maybe", "lots", "Q1", "new", ""))));
    write(landing, day + "11-duplicates.csv", lines(List.of(HEADER,
        row("D1", "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z", "Di", "di@gmail.com", "",
            "Acme", "Google", "No", "1", "Q1", "new", ""),
        row("D1", "2025-01-01T10:00:00Z", "2025-01-03T12:00:00Z", "Di", "di@gmail.com", "",
            "Acme", "Google", "No", "3", "Q1", "won", "2025-01-03T12:00:00Z"),
        row("D1", "2025-01-01T10:00:00Z", "2025-01-02T11:00:00Z", "Di", "di@gmail.com", "",
            "Acme", "Google", "No", "2", "Q1", "contacted", ""))));
    write(landing, day + "12-future.csv", lines(List.of(HEADER,
        row("F1", "2099-01-01T10:00:00Z", "2099-01-01T10:00:00Z", "Fay", "fay@gmail.com", "",
            "Acme", "Google", "No", "1", "Q4", "new", ""))));
    write(landing, "crm/events/2025-01-03/part-00000.json", lines(List.of(
        "{\"event_id\":\"ev1\",\"lead_id\":\"A1\",\"event_type\":\"page_view\","
            + "\"occurred_at\":\"2025-01-02T09:00:00Z\"}",
        "{\"event_id\":\"ev2\",\"lead_id\":\"A1\",\"event_type\":\"demo_request\","
            + "\"occurred_at\":\"2025-01-02T10:00:00Z\",\"campaign\":\"spring\"}",
        "{\"event_id\":\"ev3\",\"lead_id\":\"D1\",\"event_type\":\"email_open\"",
        "{\"event_id\":\"ev4\",\"lead_id\":\"D1\",\"event_type\":\"page_view\","
            + "\"occurred_at\":\"2099-01-01T00:00:00Z\"}")));
    write(landing, "crm/events/2025-01-03/_SUCCESS", "");
  }

  @Test
  void everyKindOfBadInputEndsWithAClearMessageAndNothingIsLost() throws Exception {
    writeDrop();
    CliResult ingest = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract());
    assertThat(ingest.exitCode()).as(ingest.output()).isZero();
    String out = ingest.stdout();
    assertThat(out).containsPattern("REFUSED \\S+01-empty.csv: empty file \\(0 bytes\\)")
        .containsPattern("ingested \\S+02-header-only.csv as version 1: 0 rows.*header only")
        .containsPattern("REFUSED \\S+03-semicolons.csv: missing required columns .*looks"
            + " ';'-separated")
        .containsPattern("ingested \\S+04-truncated.csv as version 1: 3 rows, 1 malformed")
        .containsPattern("REFUSED \\S+05-latin1.csv: invalid UTF-8 at line 2 \\(byte offset"
            + " \\d+: 0xEB\\).*re-export the file as UTF-8")
        .containsPattern("ingested \\S+08-extra-column.csv as version 1: 1 rows, 0 malformed;"
            + " extra columns kept: \\[favourite_color\\]; optional columns absent: \\[phone\\]")
        .containsPattern("REFUSED \\S+09-missing-column.csv: missing required column"
            + " \\['email'\\]")
        .contains("crm/leads: 12 file(s) found, 8 ingested (13 rows), 4 refused")
        .contains("crm/events: 1 file(s) found, 1 ingested (4 rows), 0 refused");

    Dataset<Row> log = table(lake.path(Table.INGEST_LOG));
    assertThat(log.filter(col("status").equalTo("failed")).count()).isEqualTo(4);
    assertThat(log.filter(col("status").equalTo("failed").and(col("reason").isNull())).count())
        .isZero();
    Dataset<Row> bronze = table(lake.path(Table.BRONZE_LEADS, "crm"));
    assertThat(bronze.count()).isEqualTo(13);
    // Bronze keeps everything raw: the 10 MB value whole, the formula as text, the broken line.
    assertThat(bronze.filter(col("lead_id").equalTo("B2")).select(length(col("company")))
        .head().getInt(0)).isEqualTo(10 * 1024 * 1024);
    assertThat(bronze.filter(col("lead_id").equalTo("C1")).head().<String>getAs("company"))
        .isEqualTo("=HYPERLINK(\"http://evil.example\",\"click\")");
    assertThat(bronze.filter(col(BronzeColumns.CORRUPT_RECORD).isNotNull()).head()
        .<String>getAs(BronzeColumns.CORRUPT_RECORD)).isEqualTo("A3,2025-01-01T10:00:00Z,2025-01-0");
    assertThat(bronze.filter(col("lead_id").equalTo("E1")).head()
        .<scala.collection.Map<String, String>>getAs(BronzeColumns.RESCUED)
        .get("favourite_color").get()).isEqualTo("teal");
    assertThat(landing.resolve("crm/leads/2025-01-03/05-latin1.csv")).exists();

    CliResult validate = runCli("validate", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract());
    assertThat(validate.exitCode()).as(validate.output()).isZero();
    assertThat(validate.stdout())
        .contains("crm/leads passed: rows read 13 = inserted 6 + updated 0 + quarantined 5"
            + " + superseded 2 (2 duplicates in the run, 0 older than silver): reconciled")
        .contains("crm/events passed: rows read 4 = inserted 2 + updated 0 + quarantined 2"
            + " + superseded 0")
        .contains("rule type on budget (error): 1 of 12 rows")
        .contains("rule formula_like on company (warning): 2 of 12 rows");

    Dataset<Row> silver = table(lake.path(Table.SILVER_LEADS, "crm"));
    assertThat(silver.select("lead_id").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactlyInAnyOrder("A1", "A2", "B1", "C1", "E1", "D1");
    Row d1 = silver.filter(col("lead_id").equalTo("D1")).head();
    assertThat(d1.<Double>getAs("budget")).isEqualTo(3.0);
    assertThat(d1.<String>getAs("status")).isEqualTo("won");
    Row c1 = silver.filter(col("lead_id").equalTo("C1")).head();
    assertThat(c1.<String>getAs("company"))
        .isEqualTo("=HYPERLINK(\"http://evil.example\",\"click\")");
    assertThat(c1.<String>getAs("lead_source")).isEqualTo("google");
    assertThat(c1.getList(c1.fieldIndex("_warnings"))).containsExactly("formula_like:company");
    Row e1 = silver.filter(col("lead_id").equalTo("E1")).head();
    assertThat(e1.<String>getAs("timeline")).isNull();
    assertThat(e1.<String>getAs("email_domain_type")).isEqualTo("invalid");
    assertThat(e1.<Object>getAs("phone_hash")).isNull();
    assertThat(e1.<Boolean>getAs("phone_present")).isFalse();

    Dataset<Row> quarantine = table(lake.path(Table.QUARANTINE, "crm"));
    assertThat(quarantine.count()).isEqualTo(7);
    Map<String, List<String>> rulesById = new HashMap<>();
    for (Row q : quarantine.filter(col("dataset").equalTo("leads")).collectAsList()) {
      Map<String, String> raw = q.getJavaMap(q.fieldIndex("raw"));
      List<String> rules = q.<Row>getList(q.fieldIndex("violations")).stream()
          .map(v -> v.getString(0) + (v.isNullAt(1) ? "" : ":" + v.getString(1))).toList();
      rulesById.put(raw.get("lead_id") == null ? "malformed" : raw.get("lead_id"), rules);
      assertThat(q.<String>getAs(BronzeColumns.SOURCE_FILE)).isNotBlank();
    }
    assertThat(rulesById).containsOnlyKeys("A3", "B2", "C2", "G1", "F1");
    assertThat(rulesById.get("A3")).containsExactly("malformed");
    assertThat(rulesById.get("B2")).containsExactly("field_too_long:company");
    assertThat(rulesById.get("C2")).containsExactlyInAnyOrder("formula_like:company",
        "budget_range:budget");
    assertThat(rulesById.get("G1")).containsExactlyInAnyOrder("type:created_at",
        "type:do_not_email", "type:budget");
    assertThat(rulesById.get("F1")).containsExactly("created_not_future:created_at");
    Row b2 = quarantine.filter(col("raw").getItem("lead_id").equalTo("B2")).head();
    assertThat(b2.<String, String>getJavaMap(b2.fieldIndex("raw")).get("company"))
        .hasSizeLessThan(1200).contains("full value is in bronze");

    Row run = table(lake.path(Table.QUALITY_RUNS)).filter(col("dataset").equalTo("leads"))
        .head();
    String html = Files.readString(Path.of(run.<String>getAs("report_html")));
    assertThat(html).contains("=HYPERLINK(&quot;http://evil.example&quot;,&quot;&lt;b&gt;x"
        + "&lt;/b&gt;&quot;)").doesNotContain("<b>x</b>").contains("favourite_color")
        .doesNotContain("cal@umbrella.com").doesNotContain(">Cal<");
  }

  @Test
  void silverAndQuarantineHoldNoClearPersonalData() throws Exception {
    writeDrop();
    assertThat(runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract()).exitCode()).isZero();
    assertThat(runCli("validate", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract()).exitCode()).isZero();

    Dataset<Row> bronze = table(lake.path(Table.BRONZE_LEADS, "crm"));
    List<String> secrets = new java.util.ArrayList<>();
    for (Row r : bronze.select("first_name", "email", "phone").collectAsList()) {
      for (int i = 0; i < 3; i++) {
        if (!r.isNullAt(i) && r.getString(i).length() > 1) {
          secrets.add(r.getString(i));
        }
      }
    }
    // Phones also as bare digits, the way a normalising writer might store them.
    secrets.add("12125550100");
    assertThat(secrets).contains("ann@gmail.com", "+1 212 555 0100", "Ann");
    for (String table : List.of(lake.path(Table.SILVER_LEADS, "crm"),
        lake.path(Table.SILVER_EVENTS, "crm"), lake.path(Table.QUARANTINE, "crm"))) {
      Dataset<Row> all = table(table).select(org.apache.spark.sql.functions.to_json(
          org.apache.spark.sql.functions.struct(col("*"))).as("j"));
      for (String secret : secrets) {
        assertThat(all.filter(col("j").contains(secret)).count())
            .as("'%s' in %s", secret, table).isZero();
      }
      assertThat(all.filter(col("j").rlike("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[a-z]{2,}"))
          .count()).as("e-mail pattern in %s", table).isZero();
    }
    Row a1 = table(lake.path(Table.SILVER_LEADS, "crm")).filter(col("lead_id").equalTo("A1"))
        .head();
    assertThat(a1.<String>getAs("email_hash"))
        .isEqualTo(PiiHashing.hmacHex(KEY, "ann@gmail.com"));
    assertThat(a1.<String>getAs("phone_hash")).isEqualTo(PiiHashing.hmacHex(KEY, "+12125550100"));
    assertThat(a1.<String>getAs("first_name_hash")).isEqualTo(PiiHashing.hmacHex(KEY, "ann"));
    assertThat(a1.<String>getAs("email_domain_type")).isEqualTo("free");
    assertThat(a1.<Boolean>getAs("phone_valid")).isTrue();
    Row a2 = table(lake.path(Table.SILVER_LEADS, "crm")).filter(col("lead_id").equalTo("A2"))
        .head();
    assertThat(a2.<String>getAs("email_domain_type")).isEqualTo("corporate");
    assertThat(a2.<Boolean>getAs("phone_present")).isFalse();
    assertThat(table(lake.path(Table.SILVER_LEADS, "crm")).columns()).doesNotContain("email",
        "phone", "first_name");
  }

  @Test
  void aMissingPiiKeyIsAConfigurationErrorBeforeAnythingRuns() throws Exception {
    Path noKey = dir.resolve("nokey.yaml");
    Files.writeString(noKey, Files.readString(config).replaceAll("(?s)pii:\\n  hashKey: \\S+\\n",
        ""));
    CliResult r = runCli("validate", "--config", noKey.toString(), "--source", "crm",
        "--contract", CrmFixture.contract());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("pii.hashKey is not configured");
    assertThat(dir.resolve("lakehouse")).doesNotExist();
  }

  @Test
  void aMalformedContractStopsBeforeAnyDataIsWritten() throws Exception {
    writeDrop();
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(Path.of(CrmFixture.contract()))
        .replace("column: budget, min: 0", "column: budgett, min: 0"));
    CliResult r = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", bad.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("bad.yaml is invalid")
        .contains("names column 'budgett', which the dataset does not declare");
    assertThat(dir.resolve("lakehouse")).doesNotExist();
  }

  @Test
  void aBlockingCheckFailsTheRunWithoutTouchingSilverAndALaterFixedRunCatchesUp()
      throws Exception {
    writeDrop();
    Path strict = dir.resolve("strict.yaml");
    Files.writeString(strict, Files.readString(Path.of(CrmFixture.contract()))
        .replace("quarantine_rate, max: 0.5", "quarantine_rate, max: 0.1"));
    assertThat(runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", strict.toString()).exitCode()).isZero();
    CliResult blocked = runCli("validate", "--config", config.toString(), "--source", "crm",
        "--contract", strict.toString(), "--dataset", "leads");
    assertThat(blocked.exitCode()).isEqualTo(1);
    assertThat(blocked.stderr()).contains("crm/leads: blocking check failed, silver and"
        + " quarantine unchanged: few_rejects (5 of 13 rows quarantined").contains("report: ");
    assertThat(Path.of(lake.path(Table.SILVER_LEADS, "crm"))).doesNotExist();
    assertThat(Path.of(lake.path(Table.QUARANTINE, "crm"))).doesNotExist();
    Row run = table(lake.path(Table.QUALITY_RUNS)).head();
    assertThat(run.<String>getAs("status")).isEqualTo("blocked");
    assertThat(Path.of(run.<String>getAs("report_html"))).exists();

    CliResult fixed = runCli("validate", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads");
    assertThat(fixed.exitCode()).as(fixed.output()).isZero();
    assertThat(fixed.stdout()).contains("rows read 13 = inserted 6");
  }

  @Test
  void aChangedFileIsANewVersionAndOlderRowsAreSuperseded() throws Exception {
    Path file = write(landing, "crm/leads/2025-01-01/leads.csv", lines(List.of(HEADER,
        good("A1", "Ann", "ann@gmail.com", ""),
        row("A2", "2025-01-01T10:00:00Z", "2025-01-05T10:00:00Z", "Abe", "abe@x.com", "",
            "Acme", "Google", "No", "50", "Q1", "new", ""))));
    runCli("ingest", "--config", config.toString(), "--source", "crm", "--contract",
        CrmFixture.contract(), "--dataset", "leads");
    runCli("validate", "--config", config.toString(), "--source", "crm", "--contract",
        CrmFixture.contract(), "--dataset", "leads");
    // Touched only: same bytes, new modification time → skipped.
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() + 60_000));
    CliResult touched = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads");
    assertThat(touched.stdout()).contains("same content as version 1");
    // Changed: A1 newer, A2 older than silver's, A3 new.
    Files.writeString(file, lines(List.of(HEADER,
        row("A1", "2025-01-01T10:00:00Z", "2025-01-09T10:00:00Z", "Ann", "ann@gmail.com", "",
            "Acme", "Google", "No", "99", "Q2", "won", "2025-01-09T10:00:00Z"),
        row("A2", "2025-01-01T10:00:00Z", "2025-01-03T10:00:00Z", "Abe", "abe@x.com", "",
            "Acme", "Google", "No", "1", "Q1", "new", ""),
        good("A3", "Art", "art@gmail.com", ""))));
    CliResult changed = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads");
    assertThat(changed.stdout()).contains("as version 2: 3 rows");
    CliResult validate = runCli("validate", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads");
    assertThat(validate.stdout()).contains("rows read 3 = inserted 1 + updated 1 + quarantined 0"
        + " + superseded 1 (0 duplicates in the run, 1 older than silver): reconciled");
    Dataset<Row> silver = table(lake.path(Table.SILVER_LEADS, "crm"));
    StructType schema = new StructType().add("lead_id", DataTypes.StringType)
        .add("budget", DataTypes.DoubleType).add("_file_version", DataTypes.IntegerType);
    assertSameData(spark().createDataFrame(List.of(RowFactory.create("A1", 99.0, 2),
            RowFactory.create("A2", 50.0, 1), RowFactory.create("A3", 1000.0, 2)), schema),
        silver.select("lead_id", "budget", "_file_version"));
  }

  @Test
  void rowsOfAnInterruptedIngestAreRemovedAndTheFileComesInOnce() throws Exception {
    write(landing, "crm/leads/2025-01-01/leads.csv", lines(List.of(HEADER,
        good("A1", "Ann", "ann@gmail.com", ""))));
    runCli("ingest", "--config", config.toString(), "--source", "crm", "--contract",
        CrmFixture.contract(), "--dataset", "leads");
    String bronzePath = lake.path(Table.BRONZE_LEADS, "crm");
    // What a run that died after writing bronze but before the ingest log leaves behind.
    table(bronzePath).withColumn(BronzeColumns.BATCH_ID, org.apache.spark.sql.functions.lit(
        "orphan")).write().format("delta").mode("append").save(bronzePath);
    assertThat(table(bronzePath).count()).isEqualTo(2);
    CliResult again = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads");
    assertThat(again.stdout()).contains("removed bronze rows of 1 batch(es)");
    assertThat(table(bronzePath).count()).isEqualTo(1);
  }

  @Test
  void strictIngestExitsOneButStillIngestsTheReadableFiles() throws Exception {
    write(landing, "crm/leads/2025-01-01/good.csv", lines(List.of(HEADER,
        good("A1", "Ann", "ann@gmail.com", ""))));
    write(landing, "crm/leads/2025-01-01/empty.csv", new byte[0]);
    CliResult strict = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads", "--strict");
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.stderr()).contains("1 file(s) refused");
    assertThat(table(lake.path(Table.BRONZE_LEADS, "crm")).count()).isEqualTo(1);
    CliResult again = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract(), "--dataset", "leads");
    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout()).containsPattern("still refused \\(unchanged since .*\\)"
        + " \\S+empty.csv: empty file");
  }

  private Dataset<Row> table(String path) {
    return spark().read().format("delta").load(path);
  }
}
