package io.leadscore.models.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.leadscore.transforms.Columns;
import java.util.Map;
import java.util.LinkedHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model's test AUC next to the oracle's on exactly the same rows: the oracle scores each
 * row with its true conversion probability (known only for generated data), so its AUC is the
 * best any model can reach from the information available at the observation point. A model
 * above it has seen the future.
 *
 * <p>The test predictions are joined to the truth by lead id; both AUCs are exact
 * ({@link BinaryClassifierEvaluator}) over the joined rows, against the test rows' own label.
 *
 * @param rows test rows with a truth (the rows both AUCs are computed on)
 * @param rowsWithoutTruth test rows whose lead id the truth does not know (left out)
 * @param labelDisagreements joined rows whose label differs from the truth's drawn outcome
 *     (0 when the truth belongs to the data)
 * @param modelAuc the model's exact ROC AUC on those rows
 * @param oracleAuc the true probabilities' exact ROC AUC on those rows
 */
public record OracleComparison(long rows, long rowsWithoutTruth, long labelDisagreements,
    double modelAuc, double oracleAuc) {

  /** The model's AUC over the oracle's: ≤ 1 for a model without leakage (up to noise). */
  public double ratio() {
    return modelAuc / oracleAuc;
  }

  /** {@code <prefix>oracle_auc}, {@code <prefix>auc_to_oracle_ratio} and the row counts. */
  public Map<String, Double> toMetricMap(String prefix) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + "oracle_auc", oracleAuc);
    m.put(prefix + "auc_to_oracle_ratio", ratio());
    m.put(prefix + "oracle_rows", (double) rows);
    m.put(prefix + "oracle_rows_without_truth", (double) rowsWithoutTruth);
    m.put(prefix + "oracle_label_disagreements", (double) labelDisagreements);
    return m;
  }

  /** One line: model and oracle side by side. */
  public String summary() {
    return String.format("test ROC AUC %.4f vs oracle AUC %.4f on the same %d rows: ratio %.4f"
        + " (%s)%s", modelAuc, oracleAuc, rows, ratio(), modelAuc <= oracleAuc
        ? "at or below the oracle" : "ABOVE the oracle: the model saw information from after"
        + " the observation point", rowsWithoutTruth + labelDisagreements == 0 ? ""
        : String.format("; %d test rows without truth left out, %d labels differ from the"
            + " truth's outcome", rowsWithoutTruth, labelDisagreements));
  }

  /**
   * @param scored the model's test predictions: id, label and probability columns
   * @param truth one row per lead: id, true probability and the drawn 0/1 outcome
   * @throws IllegalArgumentException naming missing columns, or when no test row has a truth
   *     (the truth belongs to other data)
   */
  public static OracleComparison of(Dataset<Row> scored, String idColumn, String labelColumn,
      String probabilityColumn, Dataset<Row> truth, String truthIdColumn,
      String truthProbabilityColumn, String truthOutcomeColumn) {
    Columns.require(scored, "oracle comparison (predictions)", idColumn, labelColumn,
        probabilityColumn);
    Columns.require(truth, "oracle comparison (truth)", truthIdColumn, truthProbabilityColumn,
        truthOutcomeColumn);
    String oracle = "__oracle_p";
    String outcome = "__oracle_outcome";
    Dataset<Row> joined = scored
        .join(truth.select(col(truthIdColumn).as("__oracle_id"),
                col(truthProbabilityColumn).cast("double").as(oracle),
                col(truthOutcomeColumn).cast("int").as(outcome)),
            col(idColumn).equalTo(col("__oracle_id")), "left")
        .cache();
    try {
      Row counts = joined.agg(count(lit(1)),
          sum(when(col("__oracle_id").isNull(), 1L).otherwise(0L)),
          sum(when(col("__oracle_id").isNotNull()
              .and(col(outcome).notEqual(col(labelColumn).cast("int"))), 1L).otherwise(0L)))
          .head();
      long total = counts.getLong(0);
      long without = counts.isNullAt(1) ? 0 : counts.getLong(1);
      long disagreements = counts.isNullAt(2) ? 0 : counts.getLong(2);
      if (total - without == 0) {
        throw new IllegalArgumentException(String.format(
            "none of the %d test rows has a truth row with the same %s: the truth belongs to"
                + " other data", total, idColumn));
      }
      Dataset<Row> matched = joined.where(col("__oracle_id").isNotNull());
      // Only the AUCs are read: one lift group, so that any number of rows will do.
      EvaluationOptions options = EvaluationOptions.defaults().withLiftGroups(1);
      double model = BinaryClassifierEvaluator.evaluate(matched, labelColumn, probabilityColumn,
          options).rocAuc();
      double best = BinaryClassifierEvaluator.evaluate(matched, labelColumn, oracle, options)
          .rocAuc();
      return new OracleComparison(total - without, without, disagreements, model, best);
    } finally {
      joined.unpersist();
    }
  }
}
