package io.leadscore.features.attributes;

import static io.leadscore.features.attributes.AttributeFeatures.withBooleansAsNumbers;
import static io.leadscore.features.attributes.AttributeFeatures.withCompanySizeBucket;
import static io.leadscore.features.attributes.AttributeFeatures.withEmailDomainType;
import static io.leadscore.features.attributes.AttributeFeatures.withJobTitleSeniority;
import static io.leadscore.features.attributes.AttributeFeatures.withMissingIndicators;
import static io.leadscore.features.attributes.AttributeFeatures.withRareLevelsGrouped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AttributeFeaturesTest extends SparkTestSupport {

  /** input → expected output of a one-column transform, checked row by row. */
  void assertMapping(scala.Function1<Dataset<Row>, Dataset<Row>> transform,
      Map<String, String> expected) {
    List<String> inputs = new ArrayList<>(expected.keySet());
    Dataset<Row> in = spark().createDataset(inputs, Encoders.STRING()).toDF("in");
    Map<String, String> actual = new LinkedHashMap<>();
    for (Row r : in.transform(transform).collectAsList()) {
      actual.put(r.getString(0), r.getString(1));
    }
    assertThat(actual).isEqualTo(expected);
  }

  static Map<String, String> pairs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void emailDomainTypes() {
    assertMapping(withEmailDomainType("in", "out"), pairs(
        "anna@gmail.com", "free",
        " Bob@Yahoo.co.in ", "free",
        "c@hotmail.fr", "free",
        "dora@acme-industries.com", "corporate",
        "acme.io", "corporate",
        "gmail.com", "free",
        "x@mail.university.edu", "corporate",
        "someone@Yahoo.FR", "free",
        "not an email", "invalid",
        "a@@b.com", "invalid",
        "@acme.com", "invalid",
        "a@localhost", "invalid",
        "   ", null,
        null, null));
  }

  @Test
  void jobTitleSeniority() {
    assertMapping(withJobTitleSeniority("in", "out"), pairs(
        "CEO", "c_level",
        "Chief Revenue Officer", "c_level",
        "Co-Founder & CTO", "c_level",
        "President", "c_level",
        "Managing Director", "c_level",
        "Vice President, Sales", "vp",
        "Senior Vice President Marketing", "vp",
        "SVP Engineering", "vp",
        "Director of Engineering", "director",
        "Senior Director, Product", "director",
        "Head of Growth", "director",
        "Sr. Sales-Manager", "manager",
        "Team Lead Support", "manager",
        "Senior Software Engineer", "senior",
        "Principal Consultant", "senior",
        "Sr Analyst", "senior",
        "Software Engineer", "individual",
        "Account Executive", "individual",
        "Executive Assistant to the CEO", "individual",
        "Marketing Intern", "intern",
        "Graduate Trainee", "intern",
        "Directory Admin", "individual",     // "director" must match a whole word
        "", "unknown",
        null, "unknown"));
  }

  @Test
  void companySizeBucketsFromTextAndNumbers() {
    assertMapping(withCompanySizeBucket("in", "out"), pairs(
        "1", "1-10",
        "10", "1-10",
        "11-50", "11-50",
        "51-200", "51-200",
        "250", "201-1000",
        "1,000", "201-1000",
        "1001-5000", "1001-5000",
        "5000+", "1001-5000",
        "5001+", "5001+",
        "10k+", "5001+",
        "1.5K", "1001-5000",
        "0", "unknown",
        "n/a", "unknown",
        null, "unknown"));
    StructType schema = new StructType().add("employees", DataTypes.IntegerType);
    List<Row> rows = spark().createDataFrame(List.of(RowFactory.create(7),
            RowFactory.create(120), RowFactory.create(99999), RowFactory.create((Object) null)),
            schema)
        .transform(withCompanySizeBucket("employees", "size", List.of(100, 1000)))
        .collectAsList();
    assertThat(rows.stream().map(r -> r.getString(1)).toList())
        .containsExactly("1-100", "101-1000", "1001+", "unknown");
    assertThatThrownBy(() -> withCompanySizeBucket("a", "b", List.of(10, 5)))
        .hasMessageContaining("ascending");
  }

  @Test
  void booleansMissingIndicatorsAndRareLevels() {
    StructType schema = new StructType().add("yes_no", DataTypes.StringType)
        .add("flag", DataTypes.BooleanType).add("n", DataTypes.DoubleType)
        .add("cat", DataTypes.StringType);
    Dataset<Row> df = spark().createDataFrame(Arrays.asList(
        RowFactory.create("Yes", true, 1.0, "a"),
        RowFactory.create(" no ", false, null, "a"),
        RowFactory.create("maybe", null, Double.NaN, "b"),
        RowFactory.create(null, true, 2.0, null)), schema);
    List<Row> out = df.transform(withBooleansAsNumbers("yes_no", "flag"))
        .transform(withMissingIndicators("n"))
        .transform(withRareLevelsGrouped(df, 2, "cat"))
        .select("yes_no__num", "flag__num", "n__missing", "cat__grp").collectAsList();
    assertThat(out).containsExactly(
        RowFactory.create(1.0, 1.0, 0.0, "a"),
        RowFactory.create(0.0, 0.0, 1.0, "a"),
        RowFactory.create(null, null, 1.0, "__other__"),
        RowFactory.create(null, 1.0, 0.0, "__missing__"));
  }

  @Test
  void missingInputColumnsAreNamed() {
    Dataset<Row> df = spark().createDataset(List.of("x"), Encoders.STRING()).toDF("in");
    assertThatThrownBy(() -> df.transform(withJobTitleSeniority("job_title", "s")))
        .hasMessageContaining("withJobTitleSeniority lacks column(s) job_title");
    assertThatThrownBy(() -> df.transform(withEmailDomainType("email", "t")))
        .hasMessageContaining("withEmailDomainType lacks column(s) email");
    assertThatThrownBy(() -> df.transform(withBooleansAsNumbers("in", "flag")))
        .hasMessageContaining("lacks column(s) flag");
  }
}
