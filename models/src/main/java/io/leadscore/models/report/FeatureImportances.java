package io.leadscore.models.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Feature importances of a fitted pipeline's classifier, named after the slots of its features
 * vector (the ML attribute metadata that VectorAssembler and OneHotEncoder write, so a one-hot
 * slot reads {@code lead_source_Google}).
 */
public final class FeatureImportances {

  /** What the numbers mean, for the plot's axis title. */
  public enum Kind {
    /** Tree ensembles' impurity-based importance (sums to 1). */
    IMPURITY("impurity importance"),
    /** Logistic regression: |coefficient| (meaningful across features only if standardized). */
    ABS_COEFFICIENT("|coefficient|");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Importances sorted from most to least important, with their kind. */
  public record Result(Kind kind, List<FeatureImportance> importances) {
    public Result {
      importances = List.copyOf(importances);
    }
  }

  private FeatureImportances() {}

  /**
   * @param model a fitted pipeline whose last classifier stage is a random forest, GBT, decision
   *     tree or logistic regression
   * @param sample a few rows of the pipeline's input (names are read from the features column's
   *     metadata after transforming them; nothing is collected)
   */
  public static Result of(PipelineModel model, Dataset<Row> sample) {
    Transformer classifier = null;
    for (Transformer stage : model.stages()) {
      if (stage instanceof RandomForestClassificationModel
          || stage instanceof GBTClassificationModel
          || stage instanceof DecisionTreeClassificationModel
          || stage instanceof LogisticRegressionModel) {
        classifier = stage;
      }
    }
    if (classifier == null) {
      throw new IllegalArgumentException(
          "no random forest, GBT, decision tree or logistic regression stage in pipeline "
              + model.uid());
    }
    Vector values;
    Kind kind;
    String featuresCol;
    if (classifier instanceof RandomForestClassificationModel rf) {
      values = rf.featureImportances();
      kind = Kind.IMPURITY;
      featuresCol = rf.getFeaturesCol();
    } else if (classifier instanceof GBTClassificationModel gbt) {
      values = gbt.featureImportances();
      kind = Kind.IMPURITY;
      featuresCol = gbt.getFeaturesCol();
    } else if (classifier instanceof DecisionTreeClassificationModel dt) {
      values = dt.featureImportances();
      kind = Kind.IMPURITY;
      featuresCol = dt.getFeaturesCol();
    } else {
      LogisticRegressionModel lr = (LogisticRegressionModel) classifier;
      values = lr.coefficients();
      kind = Kind.ABS_COEFFICIENT;
      featuresCol = lr.getFeaturesCol();
    }
    List<String> names = slotNames(model.transform(sample).schema().apply(featuresCol),
        values.size());
    List<FeatureImportance> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      double v = kind == Kind.ABS_COEFFICIENT ? Math.abs(values.apply(i)) : values.apply(i);
      out.add(new FeatureImportance(names.get(i), v));
    }
    out.sort(Comparator.comparingDouble(FeatureImportance::importance).reversed());
    return new Result(kind, out);
  }

  private static List<String> slotNames(
      org.apache.spark.sql.types.StructField field, int size) {
    List<String> names = new ArrayList<>();
    AttributeGroup group = AttributeGroup.fromStructField(field);
    Attribute[] attributes =
        group.attributes().isDefined() ? group.attributes().get() : new Attribute[0];
    for (int i = 0; i < size; i++) {
      String name = null;
      if (i < attributes.length && attributes[i].name().isDefined()) {
        name = attributes[i].name().get();
      }
      names.add(name == null || name.isBlank() ? "feature_" + i : name);
    }
    return names;
  }
}
