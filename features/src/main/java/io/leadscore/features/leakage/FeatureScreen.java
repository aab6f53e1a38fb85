package io.leadscore.features.leakage;

import io.leadscore.features.leakage.LevelStatistics.Level;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The screening result of one candidate feature: its statistics against the label, its
 * training/scoring comparison, the flags raised and the decision. Statistics that do not apply
 * (Cramér's V for a numeric, shift without scoring rows, ...) are null.
 *
 * @param kind            categorical, boolean or numeric
 * @param rows            training rows with a label
 * @param fillRate        share of those rows with a value (not null, not blank, not NaN)
 * @param distinctLevels  distinct values (categorical and boolean)
 * @param auc             single-feature AUC: categoricals scored by each level's conversion rate
 *                        (in-sample, rare levels pooled, missing as its own level); numerics by
 *                        value over the filled rows, the better of both directions
 * @param answeredAuc     the same AUC over the filled rows only
 * @param missingAuc      numerics: AUC of "value is missing" against the label (≥ 0.5)
 * @param cramersV        categoricals: Cramér's V of levels × label (pooled levels)
 * @param pointBiserial   numerics: Pearson correlation of value and label over filled rows
 * @param purity          share of rows in pure levels (numerics: in pure value bins)
 * @param fillRateScoring fill rate in the scoring rows
 * @param fillRateShift   fillRateScoring − fillRate
 * @param psi             population stability index, training → scoring
 * @param topLevels       the levels (numerics: value bins) furthest from the base rate
 */
public record FeatureScreen(
    String feature,
    String kind,
    long rows,
    double fillRate,
    Long distinctLevels,
    Double auc,
    Double answeredAuc,
    Double missingAuc,
    Double cramersV,
    Double pointBiserial,
    Double purity,
    Double fillRateScoring,
    Double fillRateShift,
    Double psi,
    List<FlagReason> flags,
    List<String> flagDetails,
    String allowListReason,
    Decision decision,
    List<String> notes,
    List<Level> topLevels) {

  /** What happens to the feature. */
  public enum Decision {
    KEEP, KEEP_ALLOW_LISTED, EXCLUDE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public FeatureScreen {
    flags = List.copyOf(flags);
    flagDetails = List.copyOf(flagDetails);
    notes = List.copyOf(notes);
    topLevels = List.copyOf(topLevels);
  }

  public boolean flagged() {
    return !flags.isEmpty();
  }

  /** Flagged for a leakage reason (not for quality or shift). */
  public boolean flaggedAsLeak() {
    return flags.stream().anyMatch(f -> f.kind() == FlagReason.Kind.LEAKAGE);
  }

  public boolean excluded() {
    return decision == Decision.EXCLUDE;
  }

  /** Schema of {@link #toRow()}: the screening table. */
  public static StructType schema() {
    return new StructType()
        .add("feature", DataTypes.StringType, false)
        .add("kind", DataTypes.StringType, false)
        .add("rows", DataTypes.LongType, false)
        .add("fill_rate", DataTypes.DoubleType, false)
        .add("distinct_levels", DataTypes.LongType, true)
        .add("auc", DataTypes.DoubleType, true)
        .add("answered_auc", DataTypes.DoubleType, true)
        .add("missing_auc", DataTypes.DoubleType, true)
        .add("cramers_v", DataTypes.DoubleType, true)
        .add("point_biserial", DataTypes.DoubleType, true)
        .add("purity", DataTypes.DoubleType, true)
        .add("fill_rate_scoring", DataTypes.DoubleType, true)
        .add("fill_rate_shift", DataTypes.DoubleType, true)
        .add("psi", DataTypes.DoubleType, true)
        .add("flags", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("flag_details", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("allow_list_reason", DataTypes.StringType, true)
        .add("decision", DataTypes.StringType, false)
        .add("notes", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("top_levels", DataTypes.StringType, false);
  }

  public Row toRow() {
    return RowFactory.create(feature, kind, rows, fillRate, distinctLevels, auc, answeredAuc,
        missingAuc, cramersV, pointBiserial, purity, fillRateScoring, fillRateShift, psi,
        flags.stream().map(Enum::name).toArray(String[]::new), flagDetails.toArray(String[]::new),
        allowListReason, decision.label(), notes.toArray(String[]::new), topLevelsText());
  }

  /** e.g. {@code Ringing: 1203 rows, 2.8 %; Closed by Horizzon: 358 rows, 99.4 %}. */
  public String topLevelsText() {
    return topLevels.stream()
        .map(l -> String.format(java.util.Locale.ROOT, "%s: %d rows, %.1f %%", l.value(),
            l.rows(), 100 * l.rate()))
        .collect(Collectors.joining("; "));
  }
}
