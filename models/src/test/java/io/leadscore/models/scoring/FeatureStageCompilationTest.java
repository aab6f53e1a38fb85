package io.leadscore.models.scoring;

import static io.leadscore.models.scoring.ScoringTestData.CHANNEL;
import static io.leadscore.models.scoring.ScoringTestData.ENGAGED;
import static io.leadscore.models.scoring.ScoringTestData.ID;
import static io.leadscore.models.scoring.ScoringTestData.MINUTES;
import static io.leadscore.models.scoring.ScoringTestData.PAGES;
import static io.leadscore.models.scoring.ScoringTestData.REGION;
import static io.leadscore.models.scoring.ScoringTestData.SOURCE;
import static io.leadscore.models.scoring.ScoringTestData.VISITS;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Each supported feature stage, compiled to SQL, against its own {@code transform} on random
 * data with nulls, NaN and unseen categories: same rows kept, same values (vectors slot by
 * slot), same failures.
 */
class FeatureStageCompilationTest extends SparkTestSupport {

  private Dataset<Row> train;
  private Dataset<Row> dirty;

  @BeforeEach
  void data() {
    train = ScoringTestData.leads(spark(), 600, 11, false).cache();
    dirty = ScoringTestData.leads(spark(), 800, 12, true).cache();
  }

  // ------------------------------------------------------------------ StringIndexer

  @ParameterizedTest
  @CsvSource({"keep,frequencyDesc", "keep,alphabetAsc", "skip,frequencyAsc", "keep,alphabetDesc"})
  void stringIndexerMatchesTransform(String handleInvalid, String order) {
    PipelineModel m = fit(train, new StringIndexer()
        .setInputCols(new String[] {SOURCE, REGION, CHANNEL})
        .setOutputCols(new String[] {"source_idx", "region_idx", "channel_idx"})
        .setHandleInvalid(handleInvalid).setStringOrderType(order));
    for (String out : List.of("source_idx", "region_idx", "channel_idx")) {
      assertColumnMatches(m, dirty, out);
    }
  }

  @Test
  void stringIndexerSkipDropsTheSameRows() {
    PipelineModel m = fit(train, new StringIndexer().setInputCol(REGION).setOutputCol("r")
        .setHandleInvalid("skip"));
    long kept = m.transform(dirty).count();
    assertThat(kept).isLessThan(dirty.count()).isGreaterThan(0);
    assertColumnMatches(m, dirty, "r");
  }

  @Test
  void stringIndexerErrorFailsLikeTransformOnUnseenAndNull() {
    PipelineModel m = fit(train, new StringIndexer().setInputCol(SOURCE).setOutputCol("s"));
    assertColumnMatches(m, train, "s"); // valid data: same indices
    Dataset<Row> unseen = dirty.filter(col(SOURCE).equalTo("tiktok"));
    Dataset<Row> nulls = dirty.filter(col(SOURCE).isNull());
    assertThat(unseen.count()).isPositive();
    assertThat(nulls.count()).isPositive();
    assertBothFail(m, unseen, "s", "Unseen label: tiktok");
    assertBothFail(m, nulls, "s", "StringIndexer encountered NULL value");
  }

  // ------------------------------------------------------------------ OneHotEncoder

  @ParameterizedTest
  @CsvSource({"keep,true", "keep,false", "error,true", "error,false"})
  void oneHotEncoderMatchesTransform(String handleInvalid, boolean dropLast) {
    PipelineModel m = fit(train,
        new StringIndexer().setInputCols(new String[] {SOURCE, REGION})
            .setOutputCols(new String[] {"s_idx", "r_idx"}).setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(new String[] {"s_idx", "r_idx"})
            .setOutputCols(new String[] {"s_vec", "r_vec"})
            .setHandleInvalid(handleInvalid).setDropLast(dropLast));
    // StringIndexer(keep) yields the extra index for unseen values: OHE(error) rejects it.
    Dataset<Row> data = "keep".equals(handleInvalid) ? dirty : train;
    assertColumnMatches(m, data, "s_vec");
    assertColumnMatches(m, data, "r_vec");
  }

  @Test
  void oneHotEncoderOnNullableNumbersKeepsNullVectors() {
    PipelineModel m = fit(train, new OneHotEncoder().setInputCol(CHANNEL).setOutputCol("c_vec")
        .setHandleInvalid("keep"));
    assertThat(dirty.filter(col(CHANNEL).isNull()).count()).isPositive();
    assertThat(dirty.filter(col(CHANNEL).equalTo(7)).count()).isPositive();
    assertColumnMatches(m, dirty, "c_vec");
  }

  @Test
  void oneHotEncoderErrorFailsLikeTransformOnUnseenValues() {
    PipelineModel m = fit(train, new OneHotEncoder().setInputCol(CHANNEL).setOutputCol("c_vec"));
    assertBothFail(m, dirty.filter(col(CHANNEL).equalTo(7)), "c_vec", "Unseen value: 7.0");
  }

  // ------------------------------------------------------------------ Imputer

  @ParameterizedTest
  @ValueSource(strings = {"mean", "median", "mode"})
  void imputerMatchesTransform(String strategy) {
    PipelineModel m = fit(dirty, new Imputer().setStrategy(strategy)
        .setInputCols(new String[] {VISITS, MINUTES, PAGES})
        .setOutputCols(new String[] {"v_imp", "m_imp", "p_imp"}));
    for (String out : List.of("v_imp", "m_imp", "p_imp")) {
      assertColumnMatches(m, dirty, out);
    }
  }

  @Test
  void imputerWithACustomMissingValue() {
    Dataset<Row> data = dirty.withColumn(MINUTES,
        functions.when(col(MINUTES).lt(20), -1.0).otherwise(col(MINUTES)));
    PipelineModel m = fit(data, new Imputer().setInputCol(MINUTES).setOutputCol("m_imp")
        .setMissingValue(-1.0));
    assertColumnMatches(m, data, "m_imp");
  }

  // ------------------------------------------------------------------ VectorAssembler

  @ParameterizedTest
  @ValueSource(strings = {"keep", "skip"})
  void vectorAssemblerMatchesTransform(String handleInvalid) {
    PipelineModel m = fit(train,
        new OneHotEncoder().setInputCol(CHANNEL).setOutputCol("c_vec").setHandleInvalid("keep"),
        new StringIndexer().setInputCol(SOURCE).setOutputCol("s_idx").setHandleInvalid("keep"),
        new OneHotEncoder().setInputCol("s_idx").setOutputCol("s_vec").setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(new String[] {VISITS, "c_vec", PAGES, ENGAGED,
            "s_vec", "s_idx", MINUTES}).setOutputCol("features").setHandleInvalid(handleInvalid));
    assertColumnMatches(m, dirty, "features");
  }

  @Test
  void vectorAssemblerErrorFailsLikeTransformOnNulls() {
    PipelineModel m = fit(train,
        new VectorAssembler().setInputCols(new String[] {VISITS, PAGES}).setOutputCol("f"));
    assertColumnMatches(m, train, "f");
    assertBothFail(m, dirty.filter(col(PAGES).isNull()).drop(VISITS).withColumn(VISITS,
        functions.lit(1.0)), "f", "Encountered null while assembling a row");
  }

  // ------------------------------------------------------------------ StandardScaler

  @ParameterizedTest
  @CsvSource({"true,true", "true,false", "false,true", "false,false"})
  void standardScalerMatchesTransform(boolean withMean, boolean withStd) {
    PipelineModel m = fit(train,
        new StringIndexer().setInputCol(SOURCE).setOutputCol("s_idx").setHandleInvalid("keep"),
        new OneHotEncoder().setInputCol("s_idx").setOutputCol("s_vec").setHandleInvalid("keep"),
        new Imputer().setInputCol(VISITS).setOutputCol("v_imp"),
        new VectorAssembler().setInputCols(new String[] {"v_imp", MINUTES, "s_vec"})
            .setOutputCol("raw").setHandleInvalid("keep"),
        new StandardScaler().setInputCol("raw").setOutputCol("scaled").setWithMean(withMean)
            .setWithStd(withStd));
    assertColumnMatches(m, dirty, "scaled");
  }

  // ------------------------------------------------------------------ Bucketizer

  @ParameterizedTest
  @ValueSource(strings = {"keep", "skip"})
  void bucketizerMatchesTransform(String handleInvalid) {
    double inf = Double.POSITIVE_INFINITY;
    PipelineModel m = fit(train, new Bucketizer()
        .setInputCols(new String[] {VISITS, MINUTES, PAGES})
        .setOutputCols(new String[] {"v_b", "m_b", "p_b"})
        .setSplitsArray(new double[][] {
            {-inf, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, inf},
            {-inf, 20, 30, 40, inf},
            {-inf, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, inf}})
        .setHandleInvalid(handleInvalid));
    for (String out : List.of("v_b", "m_b", "p_b")) {
      assertColumnMatches(m, dirty, out);
    }
  }

  @Test
  void bucketizerBoundsAndNaNFailLikeTransform() {
    PipelineModel m = fit(train, new Bucketizer().setInputCol(MINUTES).setOutputCol("m_b")
        .setSplits(new double[] {0, 20, 30, 40, 1000}));
    Dataset<Row> inBounds = dirty.filter(col(MINUTES).between(0, 1000));
    assertColumnMatches(m, inBounds, "m_b");
    Dataset<Row> exactEdges = inBounds.limit(3).withColumn(MINUTES, functions.lit(1000.0))
        .union(inBounds.limit(3).withColumn(MINUTES, functions.lit(20.0)));
    assertColumnMatches(m, exactEdges, "m_b");
    assertBothFail(m, dirty.filter(col(MINUTES).lt(0)).limit(1)
        .union(dirty.filter(col(MINUTES).lt(0)).limit(1)), "m_b", "out of Bucketizer bounds");
    PipelineModel onVisits = fit(train, new Bucketizer().setInputCol(VISITS).setOutputCol("v_b")
        .setSplits(new double[] {Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY}));
    assertBothFail(onVisits, dirty.filter(functions.isnan(col(VISITS))), "v_b",
        "Bucketizer encountered NaN value");
  }

  // ------------------------------------------------------------------ helpers

  private static PipelineModel fit(Dataset<Row> data, PipelineStage... stages) {
    return new Pipeline().setStages(stages).fit(data);
  }

  private PipelineCompiler compileFeatures(PipelineModel m, Dataset<Row> data) {
    PipelineCompiler pc = new PipelineCompiler(spark(), data.schema());
    for (Transformer stage : PipelineCompiler.flatten(m)) {
      pc.compileFeatureStage(stage);
    }
    pc.layers().nextLayer();
    return pc;
  }

  /** The compiled column, layered and inline, equals transform's on every kept row. */
  private void assertColumnMatches(PipelineModel m, Dataset<Row> data, String column) {
    PipelineCompiler pc = compileFeatures(m, data);
    Sym sym = pc.sym(column);
    Column filter = pc.rowFilter();
    Dataset<Row> kept = filter == null ? data : data.filter(filter);
    Column value;
    if (sym instanceof Sym.Scalar s) {
      value = functions.array(s.expr().cast(DataTypes.DoubleType));
    } else {
      Sym.Vec v = (Sym.Vec) sym;
      value = functions.array(v.slots().stream().map(Sym.Slot::value).toArray(Column[]::new));
      if (v.nullWhen() != null) {
        value = functions.when(v.nullWhen(), functions.lit(null)).otherwise(value);
      }
    }
    Column expectedValue = m.transform(data).schema().apply(column).dataType()
        instanceof org.apache.spark.ml.linalg.VectorUDT
        ? functions.when(col(column).isNull(), functions.lit(null)).otherwise(
            org.apache.spark.ml.functions.vector_to_array(col(column), "float64"))
        : functions.array(col(column).cast(DataTypes.DoubleType));
    Map<Long, double[]> expected = arrays(m.transform(data), expectedValue);
    Map<Long, double[]> layered = arrays(pc.layers().addHiddenColumns(kept), value);
    Map<Long, double[]> inline = arrays(kept, pc.layers().inline(value));
    assertThat(expected).as("rows of %s", column).isNotEmpty();
    assertSameArrays(expected, layered, column + " (layered)");
    assertSameArrays(expected, inline, column + " (inline)");
  }

  private static Map<Long, double[]> arrays(Dataset<Row> df, Column value) {
    Map<Long, double[]> out = new HashMap<>();
    for (Row row : df.select(col(ID), value).collectAsList()) {
      if (row.isNullAt(1)) {
        out.put(row.getLong(0), null);
        continue;
      }
      List<Object> list = row.getList(1);
      double[] d = new double[list.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = list.get(i) == null ? Double.MIN_VALUE : ((Number) list.get(i)).doubleValue();
      }
      out.put(row.getLong(0), d);
    }
    return out;
  }

  private static void assertSameArrays(Map<Long, double[]> expected, Map<Long, double[]> actual,
      String what) {
    assertThat(actual.keySet()).as("ids of %s", what).isEqualTo(expected.keySet());
    List<String> diffs = new ArrayList<>();
    expected.forEach((id, want) -> {
      double[] got = actual.get(id);
      if (want == null || got == null) {
        if (want != got) {
          diffs.add(id + ": " + java.util.Arrays.toString(want) + " vs "
              + java.util.Arrays.toString(got));
        }
        return;
      }
      boolean same = want.length == got.length;
      for (int i = 0; same && i < want.length; i++) {
        same = Double.compare(want[i], got[i]) == 0 || Math.abs(want[i] - got[i]) <= 1e-12;
      }
      if (!same) {
        diffs.add(id + ": " + java.util.Arrays.toString(want) + " vs "
            + java.util.Arrays.toString(got));
      }
    });
    assertThat(diffs).as("%s differs from transform", what).isEmpty();
  }

  /** Both transform and the compiled column fail, the compiled one saying {@code message}. */
  private void assertBothFail(PipelineModel m, Dataset<Row> data, String column, String message) {
    assertThat(data.count()).as("rows that must fail").isPositive();
    assertThatThrownBy(() -> m.transform(data).select(col(column)).collectAsList())
        .as("transform").isInstanceOf(Exception.class);
    PipelineCompiler pc = compileFeatures(m, data);
    Sym sym = pc.sym(column);
    Column value = sym instanceof Sym.Scalar s ? s.expr()
        : functions.array(((Sym.Vec) sym).slots().stream().map(Sym.Slot::value)
            .toArray(Column[]::new));
    assertThatThrownBy(() -> pc.layers().addHiddenColumns(data).select(value).collectAsList())
        .as("compiled").hasStackTraceContaining(message);
  }
}
