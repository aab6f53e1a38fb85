package io.leadscore.models.scoring;

import static io.leadscore.models.scoring.ScoringTestData.CHANNEL;
import static io.leadscore.models.scoring.ScoringTestData.ENGAGED;
import static io.leadscore.models.scoring.ScoringTestData.MINUTES;
import static io.leadscore.models.scoring.ScoringTestData.PAGES;
import static io.leadscore.models.scoring.ScoringTestData.REGION;
import static io.leadscore.models.scoring.ScoringTestData.SOURCE;
import static io.leadscore.models.scoring.ScoringTestData.VISITS;
import static io.leadscore.models.scoring.ScoringTestData.assertClose;
import static io.leadscore.models.scoring.ScoringTestData.byId;
import static io.leadscore.models.scoring.ScoringTestData.transformProbability;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.testing.SparkTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole pipelines, compiled, against {@code PipelineModel.transform} on random scoring data
 * with nulls, NaN and categories the training data never had: the score equals
 * {@code probability[1]} within 1e-9 for every row, and unsupported stages fall back.
 */
class CompiledScorerTest extends SparkTestSupport {

  private static final double TOLERANCE = 1e-9;
  private static final String[] CATEGORICALS = {SOURCE, REGION, CHANNEL};
  private static final String[] INDICES = {"source_idx", "region_idx", "channel_idx"};
  private static final String[] ONE_HOTS = {"source_vec", "region_vec", "channel_vec"};
  private static final String[] NUMERICS = {VISITS, MINUTES, PAGES};
  private static final String[] IMPUTED = {"visits_imp", "minutes_imp", "pages_imp"};

  private Dataset<Row> train;
  private Dataset<Row> scoring;

  @BeforeEach
  void data() {
    train = ScoringTestData.training(spark(), 1500, 21).cache();
    scoring = ScoringTestData.leads(spark(), 1200, 22, true).cache();
  }

  private static StringIndexer indexer() {
    return new StringIndexer().setInputCols(CATEGORICALS).setOutputCols(INDICES)
        .setHandleInvalid("keep");
  }

  private static Imputer imputer() {
    return new Imputer().setInputCols(NUMERICS).setOutputCols(IMPUTED).setStrategy("median");
  }

  private static String[] concat(String[]... parts) {
    List<String> out = new ArrayList<>();
    for (String[] p : parts) {
      out.addAll(List.of(p));
    }
    return out.toArray(String[]::new);
  }

  /** indexers → one-hot → imputer → assembler → scaler → logistic regression. */
  static PipelineStage[] logisticStages(boolean withMean) {
    return new PipelineStage[] {
        indexer(),
        new OneHotEncoder().setInputCols(INDICES).setOutputCols(ONE_HOTS).setHandleInvalid("keep"),
        imputer(),
        new VectorAssembler().setInputCols(concat(ONE_HOTS, IMPUTED, new String[] {ENGAGED}))
            .setOutputCol("raw").setHandleInvalid("keep"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(withMean),
        new LogisticRegression().setRegParam(0.01).setElasticNetParam(0.3)};
  }

  @Test
  void logisticRegressionWithOneHotAndScalingMatchesTransform() {
    // The row kernel scores these (integer labels, scaled one-hot blocks included).
    assertThat(assertMatchesTransform(fit(logisticStages(false))).usesRowKernel()).isTrue();
    assertThat(assertMatchesTransform(fit(logisticStages(true))).usesRowKernel()).isTrue();
  }

  @Test
  void logisticRegressionOnRawInputsWithNaNMatchesTransform() {
    // No imputer: null and NaN reach the model as NaN, and so does the score.
    PipelineModel m = fit(indexer(),
        new OneHotEncoder().setInputCols(INDICES).setOutputCols(ONE_HOTS).setDropLast(false)
            .setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(concat(ONE_HOTS, new String[] {MINUTES, VISITS}))
            .setOutputCol("features").setHandleInvalid("keep"),
        new LogisticRegression());
    Map<Long, Double> expected = transformProbability(m, scoring, "probability");
    assertThat(expected.values()).anyMatch(p -> p.isNaN());
    assertThat(assertMatchesTransform(m).usesRowKernel()).isTrue();
  }

  /** indexers (as categorical features) + imputed numerics + bucketized visits → trees. */
  static PipelineStage[] treeStages(PipelineStage model) {
    return new PipelineStage[] {
        indexer(), imputer(),
        new Bucketizer().setInputCol(MINUTES).setOutputCol("minutes_bucket").setHandleInvalid("keep")
            .setSplits(new double[] {Double.NEGATIVE_INFINITY, 20, 25, 30, 35, 40,
                Double.POSITIVE_INFINITY}),
        new VectorAssembler().setInputCols(concat(INDICES, IMPUTED,
            new String[] {"minutes_bucket", VISITS})).setOutputCol("features")
            .setHandleInvalid("keep"),
        model};
  }

  @Test
  void gradientBoostedTreesWithCategoricalSplitsMatchTransform() {
    PipelineModel m = fit(treeStages(new GBTClassifier().setMaxIter(25).setMaxDepth(4)
        .setMaxBins(32).setSeed(3)));
    assertMatchesTransform(m);
    CompiledScorer.withScoringCodegen(spark(), () -> assertMatchesTransform(m));
    assertMatchesTransform(m, ScorerOptions.defaults().withoutReasons());
  }

  @Test
  void gradientBoostedTreesOnOneHotVectorsMatchTransform() {
    PipelineStage[] stages = logisticStages(false);
    stages[stages.length - 1] = new GBTClassifier().setMaxIter(15).setMaxDepth(5).setSeed(4);
    stages[stages.length - 2] = new StandardScaler().setInputCol("raw").setOutputCol("features")
        .setWithMean(true);
    assertMatchesTransform(fit(stages));
  }

  @Test
  void randomForestMatchesTransform() {
    PipelineModel m = fit(treeStages(new RandomForestClassifier().setNumTrees(20).setMaxDepth(5)
        .setMaxBins(32).setSeed(5)));
    assertMatchesTransform(m);
    CompiledScorer.withScoringCodegen(spark(), () -> assertMatchesTransform(m));
  }

  @Test
  void decisionTreeMatchesTransform() {
    assertMatchesTransform(fit(treeStages(new DecisionTreeClassifier().setMaxDepth(7)
        .setMaxBins(32).setSeed(6))));
  }

  @Test
  void savedAndLoadedModelsCompileToTheSameScores(@TempDir Path dir) throws Exception {
    PipelineModel gbt = fit(treeStages(new GBTClassifier().setMaxIter(10).setMaxDepth(3)));
    gbt.write().save(dir.resolve("gbt").toString());
    assertMatchesTransform(PipelineModel.load(dir.resolve("gbt").toString()));
    PipelineModel rf = fit(treeStages(new RandomForestClassifier().setNumTrees(8)
        .setMaxBins(32)));
    rf.write().save(dir.resolve("rf").toString());
    PipelineModel loaded = PipelineModel.load(dir.resolve("rf").toString());
    assertMatchesTransform(loaded);
    // Reasons of the loaded forest: the internal nodes' class counts survive the round trip.
    assertThat(byId(CompiledScorer.compile(loaded, scoring.schema()).score(scoring),
        org.apache.spark.sql.functions.size(col(CompiledScorer.REASONS_UP))).values())
        .anyMatch(n -> n > 0);
  }

  @Test
  void savedProfileGivesTheReferencesReasons(@TempDir Path dir) throws Exception {
    PipelineModel lr = fit(logisticStages(false));
    CompiledScorer fromReference = CompiledScorer.compile(lr, scoring.schema(),
        ScorerOptions.defaults().withReference(train));
    double[] means = fromReference.slotMeans().orElseThrow();
    ReferenceProfile profile = ReferenceProfile.of(fromReference.scoreOnly(train),
        List.of(SOURCE, VISITS), CompiledScorer.SCORE, means, "test");
    var conf = spark().sparkContext().hadoopConfiguration();
    String cache = dir.toString();
    List<String> problems = new ArrayList<>();
    ModelResolver.saveProfile("lead-model", "3", profile, cache, conf);
    ReferenceProfile read = ModelResolver.savedProfile("lead-model", "3", cache, conf,
        problems::add).orElseThrow();
    assertThat(read.slotMeans()).containsExactly(means);
    assertThat(ModelResolver.savedProfile("lead-model", "4", cache, conf, problems::add))
        .isEmpty();
    assertThat(problems).isEmpty();

    CompiledScorer fromSaved = CompiledScorer.compile(lr, scoring.schema(),
        ScorerOptions.defaults().withSlotMeans(read.slotMeans()));
    List<Row> expected = reasons(fromReference);
    assertThat(reasons(fromSaved)).isEqualTo(expected);
    // Not equal by accident: without a baseline the reasons differ.
    assertThat(reasons(CompiledScorer.compile(lr, scoring.schema()))).isNotEqualTo(expected);

    assertThatThrownBy(() -> CompiledScorer.compile(lr, scoring.schema(),
        ScorerOptions.defaults().withSlotMeans(new double[] {0.5})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotMeans");
    java.nio.file.Path garbled = dir.resolve("lead-model").resolve("5")
        .resolve(ReferenceProfile.FILE);
    java.nio.file.Files.createDirectories(garbled.getParent());
    java.nio.file.Files.writeString(garbled, profile.toJson().replace("\"shares\"", "\"s\""));
    assertThat(ModelResolver.savedProfile("lead-model", "5", cache, conf, problems::add))
        .isEmpty();
    assertThat(problems).singleElement().asString().contains(garbled.getFileName().toString())
        .contains("shares of");
  }

  private List<Row> reasons(CompiledScorer scorer) {
    return scorer.score(scoring).select(col(ScoringTestData.ID), col(CompiledScorer.REASONS_UP),
        col(CompiledScorer.REASONS_DOWN)).orderBy(ScoringTestData.ID).collectAsList();
  }

  @Test
  void stagesThatSkipRowsDropTheSameRows() {
    PipelineModel m = fit(new StringIndexer().setInputCol(REGION).setOutputCol("region_idx")
            .setHandleInvalid("skip"),
        new VectorAssembler().setInputCols(new String[] {"region_idx", VISITS, MINUTES})
            .setOutputCol("features").setHandleInvalid("skip"),
        new LogisticRegression());
    assertThat(m.transform(scoring).count()).isLessThan(scoring.count());
    assertMatchesTransform(m);
  }

  @Test
  void customSqlCompilableStagesAreCompiled() {
    PipelineModel m = fit(indexer(),
        new CappedLog().setInputCol(VISITS).setOutputCol("visits_log"),
        new Imputer().setInputCol("visits_log").setOutputCol("visits_log_imp"),
        new VectorAssembler().setInputCols(new String[] {"visits_log_imp", "source_idx", MINUTES})
            .setOutputCol("features").setHandleInvalid("keep"),
        new GBTClassifier().setMaxIter(8).setMaxDepth(3));
    CompiledScorer scorer = assertMatchesTransform(m);
    assertThat(scorer.compiledStages()).anyMatch(s -> s.startsWith("CappedLog"));
    // Its output is reported under the input it re-encodes.
    assertThat(scorer.reasonFeatures()).contains(VISITS).doesNotContain("visits_log");
  }

  @Test
  void unsupportedStagesFallBackToTransformForTheWholePipeline() {
    PipelineModel m = fit(indexer(),
        new SQLTransformer().setStatement("SELECT *, minutes * 2 AS minutes2 FROM __THIS__"),
        new VectorAssembler().setInputCols(new String[] {"source_idx", "minutes2"})
            .setOutputCol("features").setHandleInvalid("keep"),
        new LogisticRegression());
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema());
    assertThat(scorer.isCompiled()).isFalse();
    assertThat(scorer.fallbackReason()).get().asString().contains("SQLTransformer");
    Dataset<Row> scored = scorer.score(scoring);
    assertThat(scored.columns()).contains(CompiledScorer.SCORE, CompiledScorer.REASONS_UP,
        CompiledScorer.REASONS_DOWN).contains(scoring.columns());
    assertClose(transformProbability(m, scoring, "probability"),
        byId(scored, col(CompiledScorer.SCORE)), 0.0);
    assertThat(scored.filter(col(CompiledScorer.REASONS_UP).isNotNull()).count()).isZero();
    assertThatThrownBy(scorer::probability).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQLTransformer");
  }

  @Test
  void multinomialLogisticRegressionFallsBack() {
    PipelineModel m = fit(indexer(), new VectorAssembler().setInputCols(INDICES)
        .setOutputCol("features"), new LogisticRegression().setFamily("multinomial"));
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema());
    assertThat(scorer.fallbackReason()).get().asString().contains("multinomial");
    assertClose(transformProbability(m, scoring, "probability"),
        byId(scorer.score(scoring), col(CompiledScorer.SCORE)), 0.0);
  }

  @Test
  void scoringChecksTheInputColumns() {
    CompiledScorer scorer = CompiledScorer.compile(fit(logisticStages(false)), scoring.schema());
    assertThatThrownBy(() -> scorer.score(scoring.drop(REGION)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region is missing");
    assertThatThrownBy(() -> scorer.score(scoring.withColumn(PAGES,
        col(PAGES).cast(DataTypes.StringType))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pages is string, compiled for int");
    assertThatThrownBy(() -> scorer.score(scoring.withColumn(CompiledScorer.SCORE,
        col(MINUTES)))).hasMessageContaining("score already exists");
  }

  @Test
  void aPipelineThatDoesNotEndInAClassifierIsRejected() {
    PipelineModel m = fit(indexer());
    assertThatThrownBy(() -> CompiledScorer.compile(m, scoring.schema()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must end in a probabilistic classifier");
  }

  // ------------------------------------------------------------------ helpers

  private PipelineModel fit(PipelineStage... stages) {
    return new Pipeline().setStages(stages).fit(train);
  }

  private CompiledScorer assertMatchesTransform(PipelineModel m) {
    return assertMatchesTransform(m, ScorerOptions.defaults());
  }

  /** score() and the stand-alone probability() both equal transform's probability[1]. */
  private CompiledScorer assertMatchesTransform(PipelineModel m, ScorerOptions options) {
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(), options);
    assertThat(scorer.isCompiled()).as("compiled: %s", scorer.fallbackReason()).isTrue();
    Map<Long, Double> expected = transformProbability(m, scoring, "probability");
    assertThat(expected).hasSizeGreaterThan(100);
    Dataset<Row> scored = scorer.score(scoring);
    assertThat(scored.columns()).startsWith(scoring.columns());
    assertClose(expected, byId(scored, col(CompiledScorer.SCORE)), TOLERANCE);
    if (!(PipelineCompiler.flatten(m).get(PipelineCompiler.flatten(m).size() - 1)
        instanceof org.apache.spark.ml.tree.TreeEnsembleModel<?>)) {
      // The stand-alone expression inlines every intermediate into every use: fine for a
      // linear model or one tree, too big to generate code for quickly for an ensemble.
      assertClose(expected, byId(scoring.filter(scorer.rowFilter()), scorer.probability()),
          TOLERANCE);
    }
    assertThat(scored.filter(col(CompiledScorer.SCORE).isNull()).count()).isZero();
    if (scorer.usesRowKernel()) {
      // The SQL form, which the kernel replaces in score(), must hold too.
      CompiledScorer sql = CompiledScorer.compile(m, scoring.schema(),
          options.withoutRowKernel());
      assertClose(expected, byId(sql.score(scoring), col(CompiledScorer.SCORE)), TOLERANCE);
    }
    return scorer;
  }
}
