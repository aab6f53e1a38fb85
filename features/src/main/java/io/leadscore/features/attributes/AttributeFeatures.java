package io.leadscore.features.attributes;

import static io.leadscore.features.Columns.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.leadscore.features.Columns;
import io.leadscore.features.FeatureNames;
import io.leadscore.features.ml.BooleanToNumber;
import io.leadscore.features.ml.MissingIndicator;
import io.leadscore.features.ml.RareLevelGrouper;
import io.leadscore.features.ml.RareLevelGrouperModel;
import io.leadscore.transforms.silver.PiiHashing;
import io.leadscore.transforms.silver.SilverColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

/**
 * Attribute features as {@code Dataset.transform} functions: each checks its input column
 * first and adds one output column, e.g.
 * {@code leads.transform(withJobTitleSeniority("job_title", "seniority"))}.
 */
public final class AttributeFeatures {
  private AttributeFeatures() {}

  // ------------------------------------------------------------------ e-mail domain type

  /** Domain types: silver's words for {@code <email>_domain_type}. */
  public static final String DOMAIN_FREE = SilverColumns.DOMAIN_FREE;
  public static final String DOMAIN_CORPORATE = SilverColumns.DOMAIN_CORPORATE;
  public static final String DOMAIN_INVALID = SilverColumns.DOMAIN_INVALID;

  /**
   * Adds {@code outputCol}: {@code free}, {@code corporate} or {@code invalid} for an e-mail
   * address or a bare domain in {@code inputCol}; null when the input is null or blank. The
   * classification is silver's ({@code PiiHashing.emailDomainType}: one free-mail list, one
   * address pattern); silver already derives it for {@code pii: email} columns before hashing,
   * so use this for a domain column of a source that has no e-mail address.
   */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withEmailDomainType(
      String inputCol, String outputCol) {
    return data -> {
      Columns.require(data, "withEmailDomainType", inputCol);
      Column s = trim(col(inputCol).cast(DataTypes.StringType));
      Column address = when(s.contains("@"), s).otherwise(concat(lit("x@"), s));
      Column type = when(s.isNull().or(s.equalTo("")), lit(null).cast(DataTypes.StringType))
          .otherwise(PiiHashing.emailDomainType(address));
      return data.withColumn(outputCol, type);
    };
  }

  // ------------------------------------------------------------------ job-title seniority

  public static final String SENIORITY_C_LEVEL = "c_level";
  public static final String SENIORITY_VP = "vp";
  public static final String SENIORITY_DIRECTOR = "director";
  public static final String SENIORITY_MANAGER = "manager";
  public static final String SENIORITY_SENIOR = "senior";
  public static final String SENIORITY_INDIVIDUAL = "individual";
  public static final String SENIORITY_INTERN = "intern";
  public static final String SENIORITY_UNKNOWN = "unknown";

  /**
   * Rules in order; the first that matches a whole word (or phrase) of the normalised title
   * wins. The order resolves mixed titles: "Senior Vice President" is vp (not senior), "Vice
   * President" is vp (not president), "Executive Assistant to the CEO" is individual.
   */
  private static final List<String[]> SENIORITY_RULES = List.of(
      new String[] {SENIORITY_INDIVIDUAL, "assistant to", "executive assistant",
          "personal assistant", "secretary"},
      new String[] {SENIORITY_INTERN, "intern", "interns", "internship", "trainee", "apprentice",
          "student", "working student", "werkstudent", "praktikant", "stagiaire"},
      new String[] {SENIORITY_VP, "vice president", "vicepresident", "vp", "svp", "evp", "avp",
          "vp of"},
      new String[] {SENIORITY_C_LEVEL, "chief", "ceo", "cto", "cfo", "coo", "cmo", "cio", "ciso",
          "cdo", "cpo", "cro", "cso", "president", "founder", "cofounder", "co founder", "owner",
          "managing director", "managing partner", "chairman", "chairwoman", "chairperson",
          "executive director", "general partner"},
      new String[] {SENIORITY_DIRECTOR, "director", "head", "general manager", "dir"},
      new String[] {SENIORITY_MANAGER, "manager", "mgr", "team lead", "team leader",
          "supervisor", "superintendent", "foreman"},
      new String[] {SENIORITY_SENIOR, "senior", "sr", "principal", "staff", "lead", "expert"});

  /**
   * Adds {@code outputCol}: c_level, vp, director, manager, senior, individual, intern, or
   * unknown (null or blank title). Any other non-blank title is individual. Matching is on
   * whole words, case-insensitive, after every run of non-letters/digits becomes a space
   * ("Sr. Sales-Manager" → "sr sales manager" → manager).
   */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withJobTitleSeniority(
      String inputCol, String outputCol) {
    return data -> {
      Columns.require(data, "withJobTitleSeniority", inputCol);
      Column norm = trim(regexp_replace(lower(col(inputCol).cast(DataTypes.StringType)),
          "[^a-z0-9]+", " "));
      Column level = when(norm.isNull().or(norm.equalTo("")), lit(SENIORITY_UNKNOWN));
      for (String[] rule : SENIORITY_RULES) {
        List<String> words = new ArrayList<>();
        for (int i = 1; i < rule.length; i++) {
          words.add(rule[i].replace(" ", " +"));
        }
        String pattern = "(^| )(" + String.join("|", words) + ")( |$)";
        level = level.when(norm.rlike(pattern), lit(rule[0]));
      }
      return data.withColumn(outputCol, level.otherwise(lit(SENIORITY_INDIVIDUAL)));
    };
  }

  // ------------------------------------------------------------------ company size

  /** Default upper bounds (employees) of the size buckets: 1-10, 11-50, ..., 5001+. */
  public static final List<Integer> DEFAULT_COMPANY_SIZE_BOUNDS = List.of(10, 50, 200, 1000, 5000);
  public static final String SIZE_UNKNOWN = "unknown";

  /** {@link #withCompanySizeBucket(String, String, List)} with the default bounds. */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withCompanySizeBucket(
      String inputCol, String outputCol) {
    return withCompanySizeBucket(inputCol, outputCol, DEFAULT_COMPANY_SIZE_BOUNDS);
  }

  /**
   * Adds {@code outputCol}: the employee-count bucket, e.g. {@code 11-50} or {@code 5001+}, for a
   * numeric column or text such as {@code 250}, {@code 1,000}, {@code 51-200}, {@code 10k+} or
   * {@code 5000+} (a range counts by its lower bound); {@code unknown} for null, text without a
   * number, or a count below 1.
   *
   * @param upperBounds ascending inclusive upper bounds of all buckets but the last
   */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withCompanySizeBucket(
      String inputCol, String outputCol, List<Integer> upperBounds) {
    checkAscending(upperBounds);
    return data -> {
      Columns.require(data, "withCompanySizeBucket", inputCol);
      DataType type = data.schema().apply(inputCol).dataType();
      Column employees;
      if (type instanceof NumericType) {
        employees = col(inputCol).cast(DataTypes.DoubleType);
      } else {
        Column s = regexp_replace(lower(col(inputCol).cast(DataTypes.StringType)), "[,_ ]", "");
        Column digits = regexp_extract(s, "^[^0-9]*([0-9]+(\\.[0-9]+)?)", 1);
        Column thousands = regexp_extract(s, "^[^0-9]*[0-9]+(\\.[0-9]+)?(k)", 2);
        employees = when(digits.equalTo(""), lit(null).cast(DataTypes.DoubleType))
            .otherwise(digits.cast(DataTypes.DoubleType)
                .multiply(when(thousands.equalTo("k"), lit(1000.0)).otherwise(lit(1.0))));
      }
      Column bucket = when(employees.isNull().or(employees.lt(1)), lit(SIZE_UNKNOWN));
      int lower = 1;
      for (int upper : upperBounds) {
        bucket = bucket.when(employees.leq(upper), lit(lower + "-" + upper));
        lower = upper + 1;
      }
      return data.withColumn(outputCol, bucket.otherwise(lit(lower + "+")));
    };
  }

  // ------------------------------------------------------------------ booleans, missing, rare

  /**
   * Adds {@code <col>__num} for each column: 1.0 for true / yes / y / 1 / t, 0.0 for false / no
   * / n / 0 / f (text compared trimmed, case-insensitive; boolean and numeric columns as their
   * text), null otherwise. Inside a model use the {@link BooleanToNumber} stage.
   */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withBooleansAsNumbers(
      String... columns) {
    return data -> {
      Columns.require(data, "withBooleansAsNumbers", columns);
      Dataset<Row> out = data;
      for (String c : columns) {
        out = out.withColumn(FeatureNames.asNumber(c), booleanAsNumber(c));
      }
      return out;
    };
  }

  /** The expression behind {@link #withBooleansAsNumbers} (the BooleanToNumber stage's). */
  public static Column booleanAsNumber(String column) {
    return BooleanToNumber.asNumber(col(column));
  }

  /** Adds {@code <col>__missing} (1.0 when null or NaN, else 0.0) for each column. */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withMissingIndicators(
      String... columns) {
    return data -> new MissingIndicator().setInputCols(columns).transform(data);
  }

  /**
   * Fits a {@link RareLevelGrouper} on {@code reference} (the training rows) and returns the
   * transform that adds {@code <col>__grp} to any dataset with those columns; levels with fewer
   * than {@code minCount} training rows and unseen levels become {@code __other__}, null and
   * blank {@code __missing__}. Inside a model use the stage itself (FeaturePipelineBuilder).
   */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withRareLevelsGrouped(
      Dataset<Row> reference, int minCount, String... columns) {
    RareLevelGrouperModel model = new RareLevelGrouper().setInputCols(columns)
        .setMinCount(minCount).fit(reference);
    return model::transform;
  }

  private static void checkAscending(List<Integer> bounds) {
    int previous = 0;
    for (Integer b : bounds) {
      if (b == null || b <= previous) {
        throw new IllegalArgumentException(
            "company size bounds must be ascending and >= 1, cannot be: " + bounds);
      }
      previous = b;
    }
    if (bounds.isEmpty()) {
      throw new IllegalArgumentException("company size bounds must hold at least one bound");
    }
  }
}
