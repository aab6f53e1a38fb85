package io.leadscore.features.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.testing.SparkTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour and persistence of the custom MLlib stages. The round trips follow Spark's
 * JavaDefaultReadWriteSuite: save, load with the class's static load/read, compare uid and
 * every param, and check that the loaded stage transforms identically; plus a round trip
 * inside a saved PipelineModel, which is how the stages travel in a trained model.
 */
class CustomStagesTest extends SparkTestSupport {

  static final StructType SCHEMA = new StructType()
      .add("city", DataTypes.StringType)
      .add("code", DataTypes.IntegerType)
      .add("amount", DataTypes.DoubleType)
      .add("flag", DataTypes.BooleanType);

  @TempDir
  Path tmp;

  Dataset<Row> training() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(RowFactory.create("Berlin", 1, 1.0 * i, true));
    }
    for (int i = 0; i < 3; i++) {
      rows.add(RowFactory.create("Paris", 2, null, false));
    }
    rows.add(RowFactory.create("Oslo", 3, Double.NaN, null));
    rows.add(RowFactory.create(null, null, 2.0, true));
    rows.add(RowFactory.create("  ", 2, 3.0, true));
    return spark().createDataFrame(rows, SCHEMA);
  }

  Dataset<Row> scoring() {
    return spark().createDataFrame(List.of(
        RowFactory.create("Berlin", 1, 1.0, true),
        RowFactory.create("Oslo", 3, null, null),
        RowFactory.create("Tokyo", 99, Double.NaN, false),
        RowFactory.create(null, null, null, null)), SCHEMA);
  }

  // ------------------------------------------------------------------ MissingIndicator

  @Test
  void missingIndicatorFlagsNullAndNaN() {
    Dataset<Row> out = new MissingIndicator().setInputCols("city", "code", "amount", "flag")
        .transform(scoring());
    assertThat(out.columns()).endsWith("city__missing", "code__missing", "amount__missing",
        "flag__missing");
    List<Row> rows = out.select("city__missing", "code__missing", "amount__missing",
        "flag__missing").collectAsList();
    assertThat(rows).containsExactly(
        RowFactory.create(0.0, 0.0, 0.0, 0.0),
        RowFactory.create(0.0, 0.0, 1.0, 1.0),
        RowFactory.create(0.0, 0.0, 1.0, 0.0),
        RowFactory.create(1.0, 1.0, 1.0, 1.0));
    assertThat(out.schema().apply("amount__missing").nullable()).isFalse();
  }

  @Test
  void missingIndicatorRejectsBadColumnsByName() {
    assertThatThrownBy(() -> new MissingIndicator().setInputCols("city", "nope")
        .transform(scoring()))
        .hasMessageContaining("MissingIndicator input lacks column(s) nope");
    assertThatThrownBy(() -> new MissingIndicator().setInputCols("city")
        .setOutputCols("code").transform(scoring()))
        .hasMessageContaining("output column code already exists");
    assertThatThrownBy(() -> new MissingIndicator().setInputCols("city", "code")
        .setOutputCols("a").transformSchema(SCHEMA))
        .hasMessageContaining("1 outputs for 2 inputs");
  }

  @Test
  void missingIndicatorSaveLoadRoundTrip() throws Exception {
    MissingIndicator stage = new MissingIndicator("mi-uid").setInputCols("amount", "flag")
        .setOutputCols("a_missing", "f_missing");
    String path = tmp.resolve("mi").toString();
    stage.save(path);
    MissingIndicator loaded = MissingIndicator.load(path);
    assertThat(loaded.uid()).isEqualTo("mi-uid");
    assertThat(loaded.getInputCols()).containsExactly("amount", "flag");
    assertThat(loaded.getOutputCols()).containsExactly("a_missing", "f_missing");
    assertSameParams(stage, loaded);
    assertSameData(stage.transform(scoring()), loaded.transform(scoring()));
    assertThat(MissingIndicator.read().load(path).uid()).isEqualTo("mi-uid");
  }

  // ------------------------------------------------------------------ BooleanToNumber

  @Test
  void booleanToNumberMapsBooleansAndYesNoText() {
    Dataset<Row> data = scoring().withColumn("yn", org.apache.spark.sql.functions.expr(
        "CASE WHEN code = 1 THEN ' Yes' WHEN code = 3 THEN 'no' WHEN code = 99 THEN 'maybe' END"));
    List<Row> rows = new BooleanToNumber().setInputCols("flag", "yn", "code").transform(data)
        .select("flag__num", "yn__num", "code__num").collectAsList();
    assertThat(rows).containsExactly(
        RowFactory.create(1.0, 1.0, 1.0),
        RowFactory.create(null, 0.0, null),
        RowFactory.create(0.0, null, null),
        RowFactory.create(null, null, null));
  }

  @Test
  void booleanToNumberSaveLoadRoundTrip() throws Exception {
    BooleanToNumber stage = new BooleanToNumber("b2n-uid").setInputCols("flag");
    String path = tmp.resolve("b2n").toString();
    stage.write().overwrite().save(path);
    BooleanToNumber loaded = BooleanToNumber.load(path);
    assertThat(loaded.uid()).isEqualTo("b2n-uid");
    assertThat(loaded.getOutputCols()).containsExactly("flag__num");
    assertSameParams(stage, loaded);
    assertSameData(stage.transform(scoring()), loaded.transform(scoring()));
  }

  // ------------------------------------------------------------------ RareLevelGrouper

  @Test
  void rareLevelsUnseenAndNullAreGrouped() {
    RareLevelGrouperModel model = new RareLevelGrouper().setInputCols("city", "code")
        .setMinCount(3).fit(training());
    // Berlin 5, Paris 3 kept; Oslo 1 rare; null and blank are never levels
    assertThat(model.levelsByColumn()).isEqualTo(Map.of(
        "city", List.of("Berlin", "Paris"), "code", List.of("1", "2")));
    List<Row> rows = model.transform(scoring()).select("city__grp", "code__grp").collectAsList();
    assertThat(rows).containsExactly(
        RowFactory.create("Berlin", "1"),
        RowFactory.create("__other__", "__other__"),      // rare in training
        RowFactory.create("__other__", "__other__"),      // never seen
        RowFactory.create("__missing__", "__missing__"));
    assertThat(model.transform(training()).where("city__grp = '__missing__'").count())
        .as("null and blank").isEqualTo(2);
  }

  @Test
  void minFrequencyAndMaxLevelsLimitTheKeptLevels() {
    // 11 rows: Berlin 5/11 = 0.45, Paris 3/11 = 0.27, Oslo 0.09
    assertThat(new RareLevelGrouper().setInputCols("city").setMinFrequency(0.3)
        .fit(training()).getLevels()[0]).containsExactly("Berlin");
    assertThat(new RareLevelGrouper().setInputCols("city").setMaxLevels(2)
        .fit(training()).getLevels()[0]).containsExactly("Berlin", "Paris");
    assertThat(new RareLevelGrouper().setInputCols("city").fit(training()).getLevels()[0])
        .containsExactly("Berlin", "Paris", "Oslo");
    assertThatThrownBy(() -> new RareLevelGrouper().setMinCount(0))
        .hasMessageContaining("minCount");
    assertThatThrownBy(() -> new RareLevelGrouper().setMinFrequency(1.5))
        .hasMessageContaining("minFrequency");
  }

  @Test
  void rareLevelGrouperRejectsBadColumnsByName() {
    assertThatThrownBy(() -> new RareLevelGrouper().setInputCols("town").fit(training()))
        .hasMessageContaining("RareLevelGrouper input lacks column(s) town");
    Dataset<Row> withArray = training().withColumn("arr",
        org.apache.spark.sql.functions.array(org.apache.spark.sql.functions.col("city")));
    assertThatThrownBy(() -> new RareLevelGrouper().setInputCols("arr").fit(withArray))
        .hasMessageContaining("column arr must be a string, number or boolean");
  }

  @Test
  void rareLevelGrouperAndModelSaveLoadRoundTrip() throws Exception {
    RareLevelGrouper estimator = new RareLevelGrouper("rlg-uid").setInputCols("city", "flag")
        .setOutputCols("c", "f").setMinCount(2).setMinFrequency(0.01).setMaxLevels(7)
        .setOtherToken("OTHER").setMissingToken("NONE");
    String estimatorPath = tmp.resolve("rlg").toString();
    estimator.save(estimatorPath);
    RareLevelGrouper loadedEstimator = RareLevelGrouper.load(estimatorPath);
    assertThat(loadedEstimator.uid()).isEqualTo("rlg-uid");
    assertThat(loadedEstimator.getMinCount()).isEqualTo(2);
    assertThat(loadedEstimator.getMaxLevels()).isEqualTo(7);
    assertThat(loadedEstimator.getOtherToken()).isEqualTo("OTHER");
    assertSameParams(estimator, loadedEstimator);

    RareLevelGrouperModel model = estimator.fit(training());
    String modelPath = tmp.resolve("rlg-model").toString();
    model.save(modelPath);
    RareLevelGrouperModel loaded = RareLevelGrouperModel.load(modelPath);
    assertThat(loaded.uid()).isEqualTo("rlg-uid");
    assertThat(loaded.levelsByColumn()).isEqualTo(model.levelsByColumn());
    assertThat(loaded.getMissingToken()).isEqualTo("NONE");
    assertSameParams(model, loaded);
    assertSameData(model.transform(scoring()), loaded.transform(scoring()));
  }

  @Test
  void levelsAcceptTheListsPySparkSendsBack() {
    RareLevelGrouperModel model = new RareLevelGrouper().setInputCols("city", "code")
        .setMinCount(3).fit(training());
    // PySpark wrappers send params back as java.util.List of lists or of arrays
    RareLevelGrouperModel copy = model.copy(ParamMap.empty().put(model.levels().w(
        List.of(List.of("Paris"), new Object[] {"1", "2"}))));
    assertThat(copy.levelsByColumn()).isEqualTo(Map.of(
        "city", List.of("Paris"), "code", List.of("1", "2")));
    assertThatThrownBy(() -> model.levels().w(List.of("flat")))
        .hasMessageContaining("needs a list of string lists");
  }

  @Test
  void stagesRoundTripInsideASavedPipelineModel() throws Exception {
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new RareLevelGrouper().setInputCols("city").setMinCount(3),
        new MissingIndicator().setInputCols("amount")});
    PipelineModel fitted = pipeline.fit(training());
    String path = tmp.resolve("pipeline").toString();
    fitted.save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.stages()[0]).isInstanceOf(RareLevelGrouperModel.class);
    assertThat(loaded.stages()[1]).isInstanceOf(MissingIndicator.class);
    assertSameData(fitted.transform(scoring()), loaded.transform(scoring()));

    String unfittedPath = tmp.resolve("pipeline-unfitted").toString();
    pipeline.save(unfittedPath);
    assertThat(Pipeline.load(unfittedPath).getStages()[0]).isInstanceOf(RareLevelGrouper.class);
  }

  @Test
  void copyKeepsUidAndParamsAndAppliesExtras() {
    RareLevelGrouper estimator = new RareLevelGrouper().setInputCols("city").setMinCount(4);
    RareLevelGrouper copy = estimator.copy(ParamMap.empty().put(estimator.minCount(), 2));
    assertThat(copy.uid()).isEqualTo(estimator.uid());
    assertThat(copy.getMinCount()).isEqualTo(2);
    assertThat(estimator.getMinCount()).isEqualTo(4);
    RareLevelGrouperModel model = estimator.fit(training());
    RareLevelGrouperModel modelCopy = model.copy(ParamMap.empty());
    assertThat(modelCopy.levelsByColumn()).isEqualTo(model.levelsByColumn());
    assertThat(modelCopy.parent()).isSameAs(estimator);
  }

  @Test
  void compiledSqlEqualsTransformAndReasonsNameTheInput() {
    Dataset<Row> data = scoring().union(training())
        .withColumn("text", org.apache.spark.sql.functions.expr(
            "CASE WHEN code = 2 THEN 'NaN' WHEN code = 1 THEN 'x' END"))
        .withColumn("day", org.apache.spark.sql.functions.expr(
            "CASE WHEN code = 1 THEN DATE'2025-01-01' END"));
    RareLevelGrouperModel grouper = new RareLevelGrouper().setInputCols("city", "code", "flag")
        .setMinCount(3).fit(training());
    MissingIndicator indicator = new MissingIndicator()
        .setInputCols("city", "code", "amount", "flag", "text", "day");
    BooleanToNumber booleans = new BooleanToNumber().setInputCols("city", "flag", "text");
    for (org.apache.spark.ml.Transformer stage : List.of(grouper, indicator, booleans)) {
      Map<String, org.apache.spark.sql.Column> inputs = new java.util.LinkedHashMap<>();
      for (String c : data.columns()) {
        // the scorer hands expressions, not column references: an alias over an expression
        inputs.put(c, org.apache.spark.sql.functions.coalesce(
            org.apache.spark.sql.functions.col(c)));
      }
      Map<String, org.apache.spark.sql.Column> compiled =
          ((io.leadscore.transforms.ml.SqlCompilable) stage).compileSql(inputs);
      List<org.apache.spark.sql.Column> select = new ArrayList<>();
      select.add(org.apache.spark.sql.functions.col("*"));
      compiled.forEach((name, expr) -> select.add(expr.as(name)));
      Dataset<Row> viaSql = data.select(select.toArray(new org.apache.spark.sql.Column[0]));
      Dataset<Row> viaTransform = stage.transform(data);
      assertThat(viaSql.columns()).containsExactly(viaTransform.columns());
      for (String name : compiled.keySet()) {
        assertThat(viaSql.schema().apply(name).dataType())
            .isEqualTo(viaTransform.schema().apply(name).dataType());
      }
      assertSameData(viaTransform, viaSql);
      assertThat(((io.leadscore.transforms.ml.SqlCompilable) stage)
          .reasonOrigin(compiled.keySet().iterator().next())).contains("city");
    }
    // text "NaN" counts as missing, a date never does unless null
    List<Row> flags = indicator.transform(data).where("code = 2")
        .select("text__missing", "day__missing").distinct().collectAsList();
    assertThat(flags).containsExactly(RowFactory.create(1.0, 1.0));
    assertThat(indicator.transform(data).where("code = 1").select("day__missing").distinct()
        .collectAsList()).containsExactly(RowFactory.create(0.0));
  }

  /** Every param of {@code a} is set or defaulted the same way in {@code b}. */
  static void assertSameParams(org.apache.spark.ml.param.Params a,
      org.apache.spark.ml.param.Params b) {
    assertThat(b.params().length).isEqualTo(a.params().length);
    for (org.apache.spark.ml.param.Param<?> p : a.params()) {
      org.apache.spark.ml.param.Param<Object> q =
          (org.apache.spark.ml.param.Param<Object>) b.getParam(p.name());
      assertThat(b.isDefined(q)).as(p.name()).isEqualTo(a.isDefined(p));
      assertThat(b.isSet(q)).as(p.name()).isEqualTo(a.isSet(p));
      if (a.isDefined(p)) {
        assertThat(b.getOrDefault(q)).as(p.name()).isEqualTo(a.getOrDefault(p));
      }
    }
  }
}
