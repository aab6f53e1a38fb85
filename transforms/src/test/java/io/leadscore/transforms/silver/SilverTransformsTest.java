package io.leadscore.transforms.silver;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.testing.SparkTestSupport;
import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.bronze.BronzeReader;
import io.leadscore.transforms.contract.ContractLoader;
import io.leadscore.transforms.contract.DatasetContract;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SilverTransformsTest extends SparkTestSupport {
  static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
  static final String KEY = "k";

  static final DatasetContract D = ContractLoader.parse("t.yaml", String.join("\n",
      "contract: 1",
      "source: demo",
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: demo/*.csv",
      "    missingTokens: ['', Select]",
      "    normalise: { collapseSpaces: true }",
      "    columns:",
      "      - { source: id, name: lead_id, role: id, nullable: false }",
      "      - { source: updated, name: updated_at, type: timestamp, role: updated_at }",
      "      - { source: src, name: lead_source, normalise: { variants: { google: Google } } }",
      "      - { source: city, name: city, normalise: { case: title } }",
      "      - { source: n, name: visits, type: integer }",
      "      - { source: flag, name: opted_out, type: boolean }",
      "      - { source: mail, name: email, pii: email }",
      "      - { source: won, name: converted, type: integer, role: label }",
      "    rules:",
      "      - { name: visits_range, check: range, column: visits, min: 0, max: 100 }",
      "      - { name: city_known, check: allowed, column: city, values: [Paris, Rome],"
          + " severity: warning }",
      "")).leads();

  /** A bronze-shaped frame from raw values of the declared columns, one row per array. */
  private Dataset<Row> bronze(String[]... rows) {
    StructType schema = BronzeReader.schema(D);
    List<Row> out = new ArrayList<>();
    long n = 2;
    for (String[] r : rows) {
      Object[] v = new Object[schema.size()];
      System.arraycopy(r, 0, v, 0, r.length);
      int base = D.columns().size();
      v[base] = null;                       // _rescued
      v[base + 1] = r.length > base ? r[base] : null; // _corrupt_record
      v[base + 2] = "file:/f.csv";
      v[base + 3] = n++;
      v[base + 4] = "h";
      v[base + 5] = 1;
      v[base + 6] = "b";
      v[base + 7] = "r";
      v[base + 8] = Timestamp.from(NOW);
      out.add(RowFactory.create(v));
    }
    return spark().createDataFrame(out, schema);
  }

  private Dataset<Row> checked(Dataset<Row> bronze) {
    return bronze.transform(b -> SilverTransforms.normalised(b, D))
        .transform(b -> SilverTransforms.typed(b, D))
        .transform(b -> SilverTransforms.withRuleViolations(b, D, NOW));
  }

  @Test
  void normalisesTypesAndNullsMissingTokens() {
    Dataset<Row> in = bronze(
        new String[] {"L1", "2025-01-01T10:00:00Z", " google ", "  new   york ", "7", "Yes",
            "A@B.com", "1"},
        new String[] {"L2", "2025-01-01 10:00:00", "Select", "", " ", "No", null, "0"});
    Dataset<Row> typed = checked(in).select("lead_id", "updated_at", "lead_source", "city",
        "visits", "opted_out", "converted");
    StructType schema = new StructType().add("lead_id", DataTypes.StringType)
        .add("updated_at", DataTypes.TimestampType).add("lead_source", DataTypes.StringType)
        .add("city", DataTypes.StringType).add("visits", DataTypes.IntegerType)
        .add("opted_out", DataTypes.BooleanType).add("converted", DataTypes.IntegerType);
    Timestamp t = Timestamp.from(Instant.parse("2025-01-01T10:00:00Z"));
    assertSameData(spark().createDataFrame(List.of(
        RowFactory.create("L1", t, "Google", "New York", 7, true, 1),
        RowFactory.create("L2", t, null, null, null, false, 0)), schema), typed);
  }

  @Test
  void recordsEveryBrokenRuleAndSplitsErrorsFromWarnings() {
    Dataset<Row> in = bronze(
        new String[] {"L1", "2025-01-01T10:00:00Z", "web", "Oslo", "500", "Yes", null, "1"},
        new String[] {"L2", "soon", "web", "Paris", "x7", "maybe", null, "2"},
        new String[] {null, null, null, null, null, null, null, null, "L3,broken"},
        new String[] {"L4", null, "=cmd|' /C calc'!A0", "Rome", "5", "No", null, "0"});
    Dataset<Row> checked = checked(in);
    List<Row> rows = checked.orderBy(BronzeColumns.RECORD_NUMBER).collectAsList();
    assertThat(rules(rows.get(0))).containsExactlyInAnyOrder("visits_range:visits:error",
        "city_known:city:warning");
    assertThat(rules(rows.get(1))).containsExactlyInAnyOrder("type:updated_at:error",
        "type:visits:error", "type:opted_out:error", "converted_is_0_or_1:converted:error");
    assertThat(rules(rows.get(2))).containsExactly("malformed:null:error");
    assertThat(rules(rows.get(3))).containsExactly("formula_like:lead_source:warning");
    Row bad = rows.get(1);
    String message = bad.<Row>getList(bad.fieldIndex(SilverColumns.VIOLATIONS)).stream()
        .filter(v -> "visits".equals(v.getString(1))).findFirst().orElseThrow().getString(3);
    assertThat(message).isEqualTo("'x7' is not a valid integer");

    assertThat(SilverTransforms.rejected(checked).count()).isEqualTo(3);
    Dataset<Row> accepted = SilverTransforms.accepted(checked);
    assertThat(accepted.count()).isEqualTo(1);
    assertThat(accepted.head().getList(accepted.head().fieldIndex(SilverColumns.WARNINGS)))
        .containsExactly("formula_like:lead_source");
  }

  @Test
  void keepsTheLatestRowPerIdAndHashesPii() {
    Dataset<Row> in = bronze(
        new String[] {"L1", "2025-01-02T00:00:00Z", "a", null, "1", "No", " Ann@Gmail.com ", "0"},
        new String[] {"L1", "2025-01-03T00:00:00Z", "b", null, "2", "No", "ann@gmail.com", "1"},
        new String[] {"L1", "2025-01-01T00:00:00Z", "c", null, "3", "No", "ann@gmail.com", "0"},
        new String[] {"L2", "2025-01-01T00:00:00Z", "d", null, "4", "No", "bob@@x", "0"});
    Dataset<Row> silver = SilverTransforms.accepted(checked(in))
        .transform(a -> SilverTransforms.withPiiHashed(a, D, KEY))
        .transform(a -> SilverTransforms.latestPerId(a, D))
        .transform(a -> SilverTransforms.silverShape(a, D, "run", NOW));
    assertThat(silver.columns()).doesNotContain("email", SilverColumns.RAW)
        .contains("email_hash", "email_domain_type", "_validate_run_id");
    StructType schema = new StructType().add("lead_id", DataTypes.StringType)
        .add("visits", DataTypes.IntegerType).add("email_hash", DataTypes.StringType)
        .add("email_domain_type", DataTypes.StringType);
    assertSameData(spark().createDataFrame(List.of(
            RowFactory.create("L1", 2, PiiHashing.hmacHex(KEY, "ann@gmail.com"), "free"),
            RowFactory.create("L2", 4, PiiHashing.hmacHex(KEY, "bob@@x"), "invalid")), schema),
        silver.select("lead_id", "visits", "email_hash", "email_domain_type"));
  }

  @Test
  void quarantineKeepsTheRawRecordWithPiiHashed() {
    Dataset<Row> in = bronze(
        new String[] {"L9", "2025-01-01T00:00:00Z", "a", null, "-1", "No", "eve@corp.io", "0"});
    Row q = SilverTransforms.quarantineShape(SilverTransforms.rejected(checked(in)), D, KEY,
        "run", NOW).head();
    java.util.Map<String, String> raw = q.getJavaMap(q.fieldIndex(SilverColumns.Q_RAW));
    assertThat(raw).containsEntry("id", "L9").containsEntry("n", "-1")
        .containsEntry("mail", "hmac:" + PiiHashing.hmacHex(KEY, "eve@corp.io"));
    assertThat(q.<Long>getAs(BronzeColumns.RECORD_NUMBER)).isEqualTo(2L);
  }

  @Test
  void transformsNameTheColumnsTheyMiss() {
    Dataset<Row> wrong = spark().range(1).toDF("x");
    assertThatThrownBy(() -> SilverTransforms.normalised(wrong, D))
        .hasMessageContaining("normalised needs the columns [lead_id, updated_at");
    assertThatThrownBy(() -> SilverTransforms.latestPerId(wrong, D))
        .hasMessageContaining("latestPerId needs the columns");
  }

  @Test
  void emailAndPhoneFeatures() {
    Dataset<Row> df = spark().createDataFrame(Arrays.asList(
        RowFactory.create("a@gmail.com", "+44 (20) 7946-0958"),
        RowFactory.create("ceo@acme.co.uk", "12"),
        RowFactory.create("nope", "call me"),
        RowFactory.create(null, null)), new StructType().add("e", DataTypes.StringType)
        .add("p", DataTypes.StringType));
    List<Row> r = df.select(PiiHashing.emailDomainType(col("e")), PiiHashing.phoneValid(col("p")))
        .collectAsList();
    assertThat(r).extracting(x -> x.get(0)).containsExactly("free", "corporate", "invalid", null);
    assertThat(r).extracting(x -> x.get(1)).containsExactly(true, false, false, false);
  }

  private static List<String> rules(Row r) {
    return r.<Row>getList(r.fieldIndex(SilverColumns.VIOLATIONS)).stream()
        .map(v -> v.getString(0) + ":" + v.getString(1) + ":" + v.getString(2)).toList();
  }
}
