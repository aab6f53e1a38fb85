package io.leadscore.models.scoring;

import static io.leadscore.models.scoring.ScoringTestData.ENGAGED;
import static io.leadscore.models.scoring.ScoringTestData.ID;
import static io.leadscore.models.scoring.ScoringTestData.MINUTES;
import static io.leadscore.models.scoring.ScoringTestData.PAGES;
import static io.leadscore.models.scoring.ScoringTestData.REGION;
import static io.leadscore.models.scoring.ScoringTestData.SOURCE;
import static io.leadscore.models.scoring.ScoringTestData.VISITS;
import static io.leadscore.models.scoring.ScoringTestData.assertClose;
import static io.leadscore.models.scoring.ScoringTestData.byId;
import static io.leadscore.models.scoring.ScoringTestData.transformProbability;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.pipeline.FeaturePipelineBuilder;
import io.leadscore.testing.SparkTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row kernel on the pipeline leadscore trains (boolean words, missing indicators, imputed
 * ints and doubles, rare-level grouping with blank and unseen labels, one-hot, logistic
 * regression): the same scores as {@code transform} within 1e-9 and exactly the SQL form's
 * reasons, on data with every kind of bad value.
 */
class RowKernelTest extends SparkTestSupport {

  private static final String ENGAGED_WORD = "engaged_word";
  private Dataset<Row> train;
  private Dataset<Row> scoring;

  @BeforeEach
  void data() {
    train = withWords(ScoringTestData.training(spark(), 1500, 31)).cache();
    scoring = withWords(ScoringTestData.leads(spark(), 1200, 32, true)).cache();
  }

  /** Blank sources, and a boolean as words in mixed case and padding, some not booleans. */
  private static Dataset<Row> withWords(Dataset<Row> leads) {
    Column id = col(ID);
    return leads
        .withColumn(SOURCE, when(id.mod(17).equalTo(0), lit("   ")).otherwise(col(SOURCE)))
        .withColumn(ENGAGED_WORD, when(id.mod(11).equalTo(0), lit("maybe"))
            .when(col(ENGAGED), when(id.mod(2).equalTo(0), lit(" Yes")).otherwise(lit("1")))
            .when(col(ENGAGED).equalTo(false), lit("NO "))
            .otherwise(lit(null).cast("string")));
  }

  private PipelineModel trainersPipeline(PipelineStage model) {
    FeatureSpec spec = new FeatureSpec(ID, "as_of", "label", List.of(SOURCE, REGION),
        List.of(VISITS, MINUTES, PAGES), List.of(ENGAGED, ENGAGED_WORD), null);
    List<PipelineStage> stages = new ArrayList<>(Arrays.asList(
        FeaturePipelineBuilder.from(spec).rareMinCount(40).build().getStages()));
    stages.add(model);
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(train);
  }

  @Test
  void theTrainersPipelineScoresAsTransformAndGivesTheSqlFormsReasons() {
    PipelineModel m = trainersPipeline(new LogisticRegression().setRegParam(0.01));
    ScorerOptions options = ScorerOptions.defaults().withReference(train);
    CompiledScorer kernel = CompiledScorer.compile(m, scoring.schema(), options);
    CompiledScorer sql = CompiledScorer.compile(m, scoring.schema(), options.withoutRowKernel());
    assertThat(kernel.usesRowKernel()).isTrue();
    assertThat(sql.usesRowKernel()).isFalse();
    assertThat(kernel.compiledStages()).anyMatch(s -> s.startsWith("RareLevelGrouperModel"))
        .anyMatch(s -> s.startsWith("BooleanToNumber"))
        .anyMatch(s -> s.startsWith("MissingIndicator"));

    Map<Long, Double> expected = transformProbability(m, scoring, "probability");
    assertThat(expected).hasSize((int) scoring.count());
    assertClose(expected, byId(kernel.score(scoring), col(CompiledScorer.SCORE)), 1e-9);

    // The ranking's score-only pass: the same scores, no reasons, in both forms.
    for (CompiledScorer scorer : List.of(kernel, sql)) {
      Dataset<Row> only = scorer.scoreOnly(scoring);
      assertThat(only.columns()).doesNotContain(CompiledScorer.REASONS_UP,
          CompiledScorer.REASONS_DOWN).contains(CompiledScorer.SCORE);
      assertClose(expected, byId(only, col(CompiledScorer.SCORE)), 1e-9);
    }

    List<Row> byKernel = reasons(kernel);
    List<Row> bySql = CompiledScorer.withScoringCodegen(spark(), () -> reasons(sql));
    assertThat(byKernel).isEqualTo(bySql);
    // Not vacuous: with 7 inputs, many leads have three reasons each way.
    assertThat(byKernel.stream().filter(r -> r.getList(1).size() == 3
        && r.getList(2).size() == 3).count()).isGreaterThan(byKernel.size() / 4);
    assertThat(kernel.score(scoring).schema()).isEqualTo(sql.score(scoring).schema());
  }

  @Test
  void aRowKernelSurvivesSerialisationToTasks() {
    // Two partitions on local[2]: the plan, kernel included, is serialised to each task.
    PipelineModel m = trainersPipeline(new LogisticRegression());
    CompiledScorer kernel = CompiledScorer.compile(m, scoring.schema());
    Dataset<Row> spread = scoring.repartition(4);
    assertClose(transformProbability(m, spread, "probability"),
        byId(kernel.score(spread), col(CompiledScorer.SCORE)), 1e-9);
  }

  @Test
  void pipelinesWithoutAKernelFormScoreInSql() {
    PipelineModel trees = trainersPipeline(new GBTClassifier().setMaxIter(5).setMaxDepth(3));
    CompiledScorer scorer = CompiledScorer.compile(trees, scoring.schema());
    assertThat(scorer.isCompiled()).isTrue();
    assertThat(scorer.usesRowKernel()).isFalse();
    assertClose(transformProbability(trees, scoring, "probability"),
        byId(scorer.score(scoring), col(CompiledScorer.SCORE)), 1e-9);
  }

  @Test
  void aSavedKernelScoresAsTheCompiledOneOnlyForItsInputsAndOptions(@TempDir Path versionDir)
      throws Exception {
    PipelineModel m = trainersPipeline(new LogisticRegression().setRegParam(0.01));
    double[] means = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withReference(train)).slotMeans().orElseThrow();
    ScorerOptions options = ScorerOptions.defaults().withSlotMeans(means);
    CompiledScorer compiled = CompiledScorer.compile(m, scoring.schema(), options);
    var hadoop = spark().sparkContext().hadoopConfiguration();
    String dir = versionDir.toString();
    assertThat(KernelCache.load(dir, scoring.schema(), options, hadoop)).isEmpty();

    KernelCache.save(dir, compiled, hadoop);
    assertThat(KernelCache.saved(dir, hadoop)).hasSize(1);
    CompiledScorer loaded = KernelCache.load(dir, scoring.schema(), options, hadoop)
        .orElseThrow();
    assertThat(loaded.usesRowKernel()).isTrue();
    assertThat(loaded.compiledStages()).isEqualTo(compiled.compiledStages());
    assertThat(loaded.score(scoring).schema()).isEqualTo(compiled.score(scoring).schema());
    assertThat(scored(loaded.score(scoring))).isEqualTo(scored(compiled.score(scoring)))
        .hasSize((int) scoring.count());
    assertThat(scored(loaded.scoreOnly(scoring))).isEqualTo(scored(compiled.scoreOnly(scoring)));
    assertThatThrownBy(loaded::probability).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("saved row kernel");

    // Another reasons' baseline, another input schema or other options: not this kernel.
    double[] otherMeans = means.clone();
    otherMeans[0] += 1.0;
    assertThat(KernelCache.load(dir, scoring.schema(),
        ScorerOptions.defaults().withSlotMeans(otherMeans), hadoop)).isEmpty();
    assertThat(KernelCache.load(dir, scoring.withColumn("extra", lit(1)).schema(), options,
        hadoop)).isEmpty();
    assertThat(KernelCache.load(dir, scoring.schema(), options.withTopReasons(2), hadoop))
        .isEmpty();
    // Scorers that need the SQL form are neither saved nor loaded.
    assertThat(KernelCache.load(dir, scoring.schema(), options.withContributions("all"), hadoop))
        .isEmpty();

    // An unreadable file is ignored (the caller compiles the model again), not an error.
    java.nio.file.Files.writeString(java.nio.file.Path.of(
        KernelCache.saved(dir, hadoop).get(0).toUri()), "not a kernel");
    assertThat(KernelCache.load(dir, scoring.schema(), options, hadoop)).isEmpty();
  }

  @Test
  void columnWiseScoresOfATableScanAreTheRowKernelsAndTheRankingIsTheSame(
      @TempDir Path tables) {
    PipelineModel m = trainersPipeline(new LogisticRegression().setRegParam(0.01));
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withReference(train));
    // Written and read back as the job reads its features: a Delta scan (dictionary-encoded
    // strings, nulls, NaN, blanks), in several files and batches.
    String path = tables.resolve("features").toString();
    scoring.repartition(3).write().format("delta").save(path);
    Dataset<Row> table = spark().read().format("delta").load(path);

    List<Double> byColumns = new ArrayList<>();
    scorer.columnarScores(table).orElseThrow().collect()
        .forEach(batch -> Arrays.stream(batch).forEach(byColumns::add));
    List<Double> byRows = scorer.scoreOnly(table).select(CompiledScorer.SCORE)
        .as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
    assertThat(byColumns).hasSize((int) scoring.count());
    // Bit for bit the same multiset of scores (NaN included).
    assertThat(byColumns.stream().sorted().toList())
        .isEqualTo(byRows.stream().sorted().toList());
    List<Double> cuts = List.of(0.9, 0.7, 0.4);
    BatchScoring.Ranked columnWise = BatchScoring.rank(scorer, table, 50, Long.MAX_VALUE, cuts);
    BatchScoring.Ranked rowWise = CompiledScorer.withScoringCodegen(spark(),
        () -> BatchScoring.rank(scorer.scoreOnly(table), 50, Long.MAX_VALUE, cuts));
    assertThat(columnWise.values()).containsExactly(rowWise.values());
    assertThat(columnWise.rows()).isEqualTo(rowWise.rows());
    assertThat(columnWise.tierCounts()).containsExactly(rowWise.tierCounts());

    // Not a plain scan of the inputs (rows filtered out, not a file scan, whole-stage code
    // generation off), or no kernel: not column-wise.
    assertThat(scorer.columnarScores(table.where(col(VISITS).gt(1)))).isEmpty();
    assertThat(scorer.columnarScores(scoring)).isEmpty();
    assertThat(CompiledScorer.withScoringCodegen(spark(), () -> scorer.columnarScores(table)))
        .isEmpty();
    assertThat(CompiledScorer.compile(m, scoring.schema(), ScorerOptions.defaults()
        .withReference(train).withoutRowKernel()).columnarScores(table)).isEmpty();
  }

  private static List<Row> scored(Dataset<Row> rows) {
    return rows.orderBy(ID).collectAsList();
  }

  private List<Row> reasons(CompiledScorer scorer) {
    return scorer.score(scoring).select(col(ID), col(CompiledScorer.REASONS_UP),
        col(CompiledScorer.REASONS_DOWN)).orderBy(ID).collectAsList();
  }
}
