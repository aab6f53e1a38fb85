package io.leadscore.models.scoring;

import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Settings of a {@link CompiledScorer}; immutable, each {@code with…} returns a copy.
 *
 * <p>Logistic-regression reasons are measured from a baseline lead: {@link #withReference}
 * (the training data or a sample of it; the scorer averages each model input over it) or
 * {@link #withSlotMeans} (those averages saved earlier, see {@link CompiledScorer#slotMeans()}).
 * Without either the baseline is all-zero inputs, which suits standardised features only.
 * Tree reasons need no reference: the trees carry their training means.
 */
public final class ScorerOptions {

  private final Dataset<Row> reference;
  private final double[] slotMeans;
  private final String scoreColumn;
  private final String reasonsUpColumn;
  private final String reasonsDownColumn;
  private final int topReasons;
  private final boolean reasons;
  private final String contributionsColumn;
  private final boolean rowKernel;

  private ScorerOptions(Dataset<Row> reference, double[] slotMeans, String scoreColumn,
      String reasonsUpColumn, String reasonsDownColumn, int topReasons, boolean reasons,
      String contributionsColumn, boolean rowKernel) {
    this.reference = reference;
    this.slotMeans = slotMeans;
    this.scoreColumn = scoreColumn;
    this.reasonsUpColumn = reasonsUpColumn;
    this.reasonsDownColumn = reasonsDownColumn;
    this.topReasons = topReasons;
    this.reasons = reasons;
    this.contributionsColumn = contributionsColumn;
    this.rowKernel = rowKernel;
  }

  /** Output columns {@value CompiledScorer#SCORE}, {@value CompiledScorer#REASONS_UP},
   * {@value CompiledScorer#REASONS_DOWN}; three reasons each way; no reference. */
  public static ScorerOptions defaults() {
    return new ScorerOptions(null, null, CompiledScorer.SCORE, CompiledScorer.REASONS_UP,
        CompiledScorer.REASONS_DOWN, 3, true, null, true);
  }

  /** Baseline for logistic-regression reasons: the mean of each model input over this data. */
  public ScorerOptions withReference(Dataset<Row> referenceData) {
    return new ScorerOptions(Objects.requireNonNull(referenceData, "referenceData"), null,
        scoreColumn, reasonsUpColumn, reasonsDownColumn, topReasons, reasons,
        contributionsColumn, rowKernel);
  }

  /** Baseline for logistic-regression reasons: one mean per slot of the model's features. */
  public ScorerOptions withSlotMeans(double[] means) {
    return new ScorerOptions(null, Objects.requireNonNull(means, "means").clone(), scoreColumn,
        reasonsUpColumn, reasonsDownColumn, topReasons, reasons, contributionsColumn, rowKernel);
  }

  public ScorerOptions withScoreColumn(String name) {
    return new ScorerOptions(reference, slotMeans, requireName(name), reasonsUpColumn,
        reasonsDownColumn, topReasons, reasons, contributionsColumn, rowKernel);
  }

  public ScorerOptions withReasonColumns(String up, String down) {
    return new ScorerOptions(reference, slotMeans, scoreColumn, requireName(up),
        requireName(down), topReasons, reasons, contributionsColumn, rowKernel);
  }

  /** How many factors to list each way (default 3). */
  public ScorerOptions withTopReasons(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("topReasons must be ≥ 1, cannot be: " + k);
    }
    return new ScorerOptions(reference, slotMeans, scoreColumn, reasonsUpColumn,
        reasonsDownColumn, k, reasons, contributionsColumn, rowKernel);
  }

  /** Scores only: {@link CompiledScorer#score} adds no reason columns. */
  public ScorerOptions withoutReasons() {
    return new ScorerOptions(reference, slotMeans, scoreColumn, reasonsUpColumn,
        reasonsDownColumn, topReasons, false, contributionsColumn, rowKernel);
  }

  /**
   * {@link CompiledScorer#score} also adds every input column's contribution, as
   * {@code array<struct<feature, contribution>>} in model order, under {@code name}.
   */
  public ScorerOptions withContributions(String name) {
    return new ScorerOptions(reference, slotMeans, scoreColumn, reasonsUpColumn,
        reasonsDownColumn, topReasons, reasons, requireName(name), rowKernel);
  }

  /**
   * Scores in the SQL form even where the row kernel applies (for comparing the two; the
   * kernel is the faster one and computes the same, see {@link RowKernel}).
   */
  public ScorerOptions withoutRowKernel() {
    return new ScorerOptions(reference, slotMeans, scoreColumn, reasonsUpColumn,
        reasonsDownColumn, topReasons, reasons, contributionsColumn, false);
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("column name must not be blank, cannot be: '" + name
          + "'");
    }
    return name;
  }

  Dataset<Row> reference() {
    return reference;
  }

  double[] slotMeans() {
    return slotMeans == null ? null : slotMeans.clone();
  }

  String scoreColumn() {
    return scoreColumn;
  }

  String reasonsUpColumn() {
    return reasonsUpColumn;
  }

  String reasonsDownColumn() {
    return reasonsDownColumn;
  }

  int topReasons() {
    return topReasons;
  }

  boolean reasons() {
    return reasons;
  }

  String contributionsColumn() {
    return contributionsColumn;
  }

  boolean rowKernel() {
    return rowKernel;
  }

}
