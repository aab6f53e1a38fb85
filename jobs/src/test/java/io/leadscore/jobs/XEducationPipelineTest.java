package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.testing.SharedData;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import io.leadscore.transforms.silver.SilverWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real X Education file through ingest and validate, twice. */
class XEducationPipelineTest extends JobTestSupport {

  @TempDir
  Path dir;

  @Test
  void ingestsAndValidatesAll9240LeadsAndASecondRunChangesNothing() throws Exception {
    Path csv = SharedData.xeducationCsvOrSkip();
    Path landing = dir.resolve("landing/xeducation/leads/2019-01-01");
    Files.createDirectories(landing);
    Files.copy(csv, landing.resolve("Leads.csv"));
    Path config = writeConfig(dir, "");
    String contract = projectRoot().resolve("conf/contracts/xeducation.yaml").toString();
    Lakehouse lake = new Lakehouse(dir.resolve("lakehouse").toString());

    CliResult ingest = runCli("ingest", "--config", config.toString(), "--source", "xeducation",
        "--contract", contract);
    assertThat(ingest.exitCode()).as(ingest.output()).isZero();
    assertThat(ingest.stdout()).contains("9240 rows, 0 malformed");
    Dataset<Row> bronze = table(lake.path(Table.BRONZE_LEADS, "xeducation"));
    assertThat(bronze.count()).isEqualTo(9240);
    assertThat(bronze.filter(col("specialization").equalTo("Select")).count()).isEqualTo(1942);

    CliResult validate = runCli("validate", "--config", config.toString(), "--source",
        "xeducation", "--contract", contract);
    assertThat(validate.exitCode()).as(validate.output()).isZero();
    assertThat(validate.stdout()).contains("rows read 9240 = inserted 9240 + updated 0"
        + " + quarantined 0 + superseded 0").contains("reconciled");

    Dataset<Row> silver = table(lake.path(Table.SILVER_LEADS, "xeducation"));
    assertThat(silver.count()).isEqualTo(9240);
    assertThat(silver.select("prospect_id").distinct().count()).isEqualTo(9240);
    // "Select" (the form's untouched default) and empty cells are both missing now.
    for (String c : List.of("specialization", "heard_about", "lead_profile", "city")) {
      assertThat(silver.filter(col(c).equalTo("Select")).count()).as(c).isZero();
    }
    assertThat(silver.filter(col("specialization").isNull()).count()).isEqualTo(1438 + 1942);
    assertThat(silver.filter(col("city").isNull()).count()).isEqualTo(1420 + 2249);
    assertThat(silver.filter(col("country").isNull()).count()).isEqualTo(2461 + 5);
    assertThat(silver.filter(col("lead_source").equalTo("google")).count()).isZero();
    assertThat(silver.filter(col("lead_source").equalTo("Google")).count()).isEqualTo(2873);
    assertThat(silver.filter(col("tags").contains("  ")).count()).isZero();
    assertThat(silver.filter(col("converted").equalTo(1)).count()).isEqualTo(3561);
    assertThat(silver.schema().apply("converted").dataType().typeName()).isEqualTo("integer");
    assertThat(silver.schema().apply("do_not_email").dataType().typeName()).isEqualTo("boolean");
    assertThat(silver.filter(col("total_visits").isNull()).count()).isEqualTo(137);

    Dataset<Row> runs = table(lake.path(Table.QUALITY_RUNS));
    Row run = runs.filter(col("source").equalTo("xeducation")).head();
    assertThat(run.<Long>getAs("rows_read")).isEqualTo(9240L);
    assertThat(run.<Boolean>getAs("reconciled")).isTrue();
    assertThat(run.<String>getAs("status")).isIn("passed", "warned");
    Path html = Path.of(run.<String>getAs("report_html"));
    Path json = Path.of(run.<String>getAs("report_json"));
    assertThat(html).exists().startsWith(dir.resolve("lakehouse/reports/xeducation"));
    assertThat(Files.readString(html)).contains("Quality report: xeducation / leads")
        .contains("rows read 9240");
    assertThat(Files.readString(json)).contains("\"rows_read\" : 9240");

    // Second run of both jobs: no table changes (versions and contents).
    Map<String, Long> versions = versions(lake);
    Map<String, Dataset<Row>> before = new LinkedHashMap<>();
    versions.forEach((path, v) -> before.put(path, spark().read().format("delta")
        .option("versionAsOf", v).load(path)));
    CliResult ingest2 = runCli("ingest", "--config", config.toString(), "--source", "xeducation",
        "--contract", contract);
    CliResult validate2 = runCli("validate", "--config", config.toString(), "--source",
        "xeducation", "--contract", contract);
    assertThat(ingest2.exitCode()).isZero();
    assertThat(ingest2.stdout()).contains("0 ingested (0 rows), 0 refused, 1 already ingested");
    assertThat(validate2.exitCode()).isZero();
    assertThat(validate2.stdout()).contains("nothing to validate");
    assertThat(versions(lake)).isEqualTo(versions);
    before.forEach((path, df) -> assertSameRows(orderable(df), orderable(table(path))));
  }

  private Map<String, Long> versions(Lakehouse lake) {
    Map<String, Long> v = new LinkedHashMap<>();
    for (String path : List.of(lake.path(Table.BRONZE_LEADS, "xeducation"),
        lake.path(Table.SILVER_LEADS, "xeducation"), lake.path(Table.INGEST_LOG),
        lake.path(Table.QUALITY_RUNS))) {
      v.put(path, SilverWriter.version(spark(), path));
    }
    return v;
  }

  private Dataset<Row> table(String path) {
    return spark().read().format("delta").load(path);
  }

  /** Maps are not comparable in Spark: compare their sorted entries instead. */
  static Dataset<Row> orderable(Dataset<Row> df) {
    Dataset<Row> out = df;
    for (org.apache.spark.sql.types.StructField f : df.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        out = out.withColumn(f.name(), org.apache.spark.sql.functions.array_sort(
            org.apache.spark.sql.functions.map_entries(col(f.name()))));
      }
    }
    return out;
  }
}
