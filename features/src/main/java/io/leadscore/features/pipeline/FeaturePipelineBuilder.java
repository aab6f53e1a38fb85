package io.leadscore.features.pipeline;

import io.leadscore.features.FeatureNames;
import io.leadscore.features.FeatureSpec;
import io.leadscore.features.ml.BooleanToNumber;
import io.leadscore.features.ml.MissingIndicator;
import io.leadscore.features.ml.RareLevelGrouper;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;

/**
 * Builds the MLlib {@link Pipeline} that turns gold feature rows into the model's feature
 * vector. Fitted on the training rows, it is saved inside the trained model, so scoring applies
 * exactly the training transformation. Nothing in it fails on values it did not see:
 *
 * <ol>
 *   <li>booleans → {@link BooleanToNumber} ({@code <b>__num}: 1/0/null);</li>
 *   <li>numerics and those booleans → {@link MissingIndicator} ({@code <x>__missing}) and
 *       {@link Imputer} ({@code <x>__imp}, training median; for a 0/1 column the median is its
 *       majority value);</li>
 *   <li>categoricals → {@link RareLevelGrouper} ({@code <c>__grp}: rare and unseen levels
 *       {@code __other__}, null/blank {@code __missing__}) → {@link StringIndexer}
 *       ({@code <c>__idx}, handleInvalid=keep, most frequent first) → {@link OneHotEncoder}
 *       ({@code <c>__ohe}, handleInvalid=keep, last category dropped), or with
 *       {@link CategoricalEncoding#INDEX} the indices themselves (nominal metadata, for trees);</li>
 *   <li>{@link VectorAssembler} (handleInvalid=keep) of all of it → {@code features}.</li>
 * </ol>
 *
 * <p>An all-null numeric column in the training rows makes the imputer fail at fit time
 * ("surrogate cannot be computed"); the leakage detector flags such columns (EMPTY) so that the
 * features job drops them first.
 */
public final class FeaturePipelineBuilder {

  /** How categorical levels reach the vector. */
  public enum CategoricalEncoding {
    /** One 0/1 slot per level (linear models; trees cope). */
    ONE_HOT,
    /** One slot holding the level index, with nominal metadata (tree models only). */
    INDEX
  }

  private final FeatureSpec spec;
  private int rareMinCount = 20;
  private double rareMinFrequency = 0.0;
  private int maxLevels = 100;
  private String imputerStrategy = "median";
  private boolean missingIndicators = true;
  private CategoricalEncoding encoding = CategoricalEncoding.ONE_HOT;
  private String featuresCol = FeatureNames.FEATURES;

  private FeaturePipelineBuilder(FeatureSpec spec) {
    this.spec = spec;
  }

  /** A builder for the spec's categorical, numeric and boolean feature columns. */
  public static FeaturePipelineBuilder from(FeatureSpec spec) {
    if (spec.featureColumns().isEmpty()) {
      throw new IllegalArgumentException("the feature spec names no feature column");
    }
    return new FeaturePipelineBuilder(spec);
  }

  /** Levels with fewer training rows become {@code __other__} (default 20). */
  public FeaturePipelineBuilder rareMinCount(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("rareMinCount must be >= 1, cannot be: " + count);
    }
    this.rareMinCount = count;
    return this;
  }

  /** Levels with a smaller share of the training rows become {@code __other__} (default 0). */
  public FeaturePipelineBuilder rareMinFrequency(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("rareMinFrequency must be within 0..1, cannot be: "
          + share);
    }
    this.rareMinFrequency = share;
    return this;
  }

  /** At most this many levels per categorical column, most frequent first (default 100; 0 = no limit). */
  public FeaturePipelineBuilder maxLevels(int levels) {
    if (levels < 0) {
      throw new IllegalArgumentException("maxLevels must be >= 0, cannot be: " + levels);
    }
    this.maxLevels = levels;
    return this;
  }

  /** {@code median} (default), {@code mean} or {@code mode}. */
  public FeaturePipelineBuilder imputerStrategy(String strategy) {
    if (!List.of("median", "mean", "mode").contains(strategy)) {
      throw new IllegalArgumentException(
          "imputerStrategy must be median, mean or mode, cannot be: " + strategy);
    }
    this.imputerStrategy = strategy;
    return this;
  }

  /** Whether numerics and booleans get a {@code __missing} indicator (default true). */
  public FeaturePipelineBuilder missingIndicators(boolean enabled) {
    this.missingIndicators = enabled;
    return this;
  }

  public FeaturePipelineBuilder categoricalEncoding(CategoricalEncoding value) {
    this.encoding = java.util.Objects.requireNonNull(value, "categoricalEncoding");
    return this;
  }

  public FeaturePipelineBuilder featuresCol(String column) {
    if (column == null || column.isBlank()) {
      throw new IllegalArgumentException("featuresCol must name a column, cannot be: " + column);
    }
    this.featuresCol = column;
    return this;
  }

  public String featuresCol() {
    return featuresCol;
  }

  /** The unfitted pipeline; fit it on the training rows. */
  public Pipeline build() {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> numericInputs = new ArrayList<>(spec.numericColumns());
    List<String> booleans = spec.booleanColumns();
    if (!booleans.isEmpty()) {
      BooleanToNumber toNumber = new BooleanToNumber().setInputCols(array(booleans));
      stages.add(toNumber);
      numericInputs.addAll(List.of(toNumber.getOutputCols()));
    }
    if (!numericInputs.isEmpty()) {
      if (missingIndicators) {
        stages.add(new MissingIndicator().setInputCols(array(numericInputs)));
      }
      stages.add(new Imputer().setStrategy(imputerStrategy)
          .setInputCols(array(numericInputs))
          .setOutputCols(numericInputs.stream().map(FeatureNames::imputed)
              .toArray(String[]::new)));
    }
    List<String> categorical = spec.categoricalColumns();
    if (!categorical.isEmpty()) {
      stages.add(new RareLevelGrouper().setInputCols(array(categorical))
          .setMinCount(rareMinCount).setMinFrequency(rareMinFrequency).setMaxLevels(maxLevels));
      stages.add(new StringIndexer()
          .setInputCols(categorical.stream().map(FeatureNames::grouped).toArray(String[]::new))
          .setOutputCols(categorical.stream().map(FeatureNames::indexed).toArray(String[]::new))
          .setHandleInvalid("keep")
          .setStringOrderType("frequencyDesc"));
      if (encoding == CategoricalEncoding.ONE_HOT) {
        stages.add(new OneHotEncoder()
            .setInputCols(categorical.stream().map(FeatureNames::indexed).toArray(String[]::new))
            .setOutputCols(categorical.stream().map(FeatureNames::oneHot).toArray(String[]::new))
            .setHandleInvalid("keep")
            .setDropLast(true));
      }
    }
    stages.add(new VectorAssembler()
        .setInputCols(array(assembledColumns()))
        .setOutputCol(featuresCol)
        .setHandleInvalid("keep"));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  /** The columns the assembler puts into the vector, in order. */
  public List<String> assembledColumns() {
    List<String> out = new ArrayList<>();
    for (String c : spec.categoricalColumns()) {
      out.add(encoding == CategoricalEncoding.ONE_HOT ? FeatureNames.oneHot(c)
          : FeatureNames.indexed(c));
    }
    List<String> numericInputs = new ArrayList<>(spec.numericColumns());
    spec.booleanColumns().forEach(b -> numericInputs.add(FeatureNames.asNumber(b)));
    numericInputs.forEach(c -> out.add(FeatureNames.imputed(c)));
    if (missingIndicators) {
      numericInputs.forEach(c -> out.add(FeatureNames.missingIndicator(c)));
    }
    return out;
  }

  private static String[] array(List<String> columns) {
    return columns.toArray(new String[0]);
  }
}
