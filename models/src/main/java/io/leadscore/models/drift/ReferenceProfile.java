package io.leadscore.models.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What drift and reasons need from a model's training data, kept with the model instead of the
 * data: the profile of each feature column and of the model's own scores on those rows
 * ({@link DriftMonitor#profile}), and the logistic-regression reasons' baseline (one training
 * mean per model slot, {@code CompiledScorer.slotMeans()}). Training logs it as {@value #FILE}
 * in the model's MLflow folder, so it is downloaded with the model and stays that model's
 * reference when the training table is rebuilt. JSON, readable from a notebook.
 *
 * @param origin where the numbers come from, e.g. the training run and table version
 * @param rows the reference rows profiled
 * @param slotMeans the reasons' baseline, null for models without one (trees)
 */
public record ReferenceProfile(int format, String origin, long rows, List<Column> columns,
    Column score, double[] slotMeans) {

  /** The file name, in the model's folder (MLflow artifact {@code model/}{@value}). */
  public static final String FILE = "reference_profile.json";
  /** The feature name of the score's profile and drift row. */
  public static final String SCORE = "__score__";
  static final int FORMAT = 1;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /**
   * One column's bins and the reference's shares in them.
   *
   * @param kind {@code numeric} (bins: at most each cut, then above the last) or {@code
   *     categorical} (bins: each level, then every other value)
   * @param shares per bin, the share of the non-null rows (they sum to 1 unless all are null)
   */
  public record Column(String feature, String kind, double[] cuts, List<String> levels,
      double[] shares, double fillRate) {

    static Column numeric(String feature, double[] cuts) {
      return new Column(feature, "numeric", cuts, List.of(), null, Double.NaN);
    }

    static Column categorical(String feature, List<String> levels) {
      return new Column(feature, "categorical", new double[0], List.copyOf(levels), null,
          Double.NaN);
    }

    Column withShares(double[] binShares, double fill) {
      return new Column(feature, kind, cuts, levels, binShares, fill);
    }

    /** Bins of this column: the cuts or levels, plus one. */
    int binCount() {
      return ("numeric".equals(kind) ? cuts.length : levels.size()) + 1;
    }

    void check() {
      if (feature == null || feature.isBlank()) {
        throw new IllegalArgumentException("a column has no feature name");
      }
      if (!"numeric".equals(kind) && !"categorical".equals(kind)) {
        throw new IllegalArgumentException("kind of " + feature
            + " must be numeric or categorical, cannot be: " + kind);
      }
      if (cuts == null || levels == null || shares == null || shares.length != binCount()) {
        throw new IllegalArgumentException("shares of " + feature + " must have one value per"
            + " bin (" + (cuts == null || levels == null ? "?" : binCount()) + "), cannot be: "
            + (shares == null ? "missing" : shares.length + " values"));
      }
    }
  }

  public ReferenceProfile {
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(score, "score");
    columns = List.copyOf(columns);
  }

  /**
   * Profiles the reference rows (the training rows) with the model's scores on them:
   * {@code columns} and the score column as {@link DriftMonitor#profile} does, in its passes.
   *
   * @param scored the reference rows with the model's score in {@code scoreColumn}
   * @param slotMeans the model's reasons' baseline on those rows, or null
   */
  public static ReferenceProfile of(Dataset<Row> scored, List<String> columns,
      String scoreColumn, double[] slotMeans, String origin) {
    if (columns.contains(SCORE)) {
      throw new IllegalArgumentException("columns must not include the score's name " + SCORE
          + ", cannot be: " + columns);
    }
    List<String> all = new java.util.ArrayList<>(columns);
    all.add(SCORE);
    List<Column> profiled = DriftMonitor.profile(
        scored.withColumnRenamed(scoreColumn, SCORE), all);
    return new ReferenceProfile(FORMAT, origin, scored.count(),
        profiled.subList(0, profiled.size() - 1), profiled.get(profiled.size() - 1),
        slotMeans);
  }

  /** Every column's profile, the score's last (its feature is {@value #SCORE}). */
  public List<Column> columnsAndScore() {
    List<Column> all = new java.util.ArrayList<>(columns);
    all.add(score);
    return all;
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the reference profile as JSON", e);
    }
  }

  /**
   * Reads {@link #toJson()}'s output.
   *
   * @throws IllegalArgumentException if it is not a complete profile of a known format
   */
  public static ReferenceProfile fromJson(String json) {
    ReferenceProfile p;
    try {
      p = JSON.readValue(json, ReferenceProfile.class);
    } catch (JsonProcessingException | NullPointerException e) {
      throw new IllegalArgumentException("not a reference profile: " + e.getMessage(), e);
    }
    if (p.format() != FORMAT) {
      throw new IllegalArgumentException("reference profile format must be " + FORMAT
          + ", cannot be: " + p.format());
    }
    p.columns().forEach(Column::check);
    p.score().check();
    return p;
  }
}
