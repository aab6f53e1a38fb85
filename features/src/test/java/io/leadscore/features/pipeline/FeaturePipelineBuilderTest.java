package io.leadscore.features.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.XEducationData;
import io.leadscore.features.ml.BooleanToNumber;
import io.leadscore.features.ml.MissingIndicator;
import io.leadscore.features.ml.RareLevelGrouperModel;
import io.leadscore.features.pipeline.FeaturePipelineBuilder.CategoricalEncoding;
import io.leadscore.testing.SparkTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturePipelineBuilderTest extends SparkTestSupport {

  static final StructType SCHEMA = new StructType()
      .add("lead_id", DataTypes.StringType)
      .add("as_of", DataTypes.TimestampType)
      .add("source", DataTypes.StringType)
      .add("region", DataTypes.IntegerType)
      .add("visits", DataTypes.IntegerType)
      .add("time_spent", DataTypes.DoubleType)
      .add("opted_in", DataTypes.BooleanType)
      .add("do_not_email", DataTypes.StringType)
      .add("converted", DataTypes.IntegerType);

  static final FeatureSpec SPEC = FeatureSpec.builder("lead_id", "as_of").label("converted")
      .categorical("source", "region").numeric("visits", "time_spent")
      .bool("opted_in", "do_not_email").build();

  @TempDir
  Path tmp;

  /** 300 rows: source web 150 / ads 100 / referral 40 / partner 5 (rare) / null 5. */
  Dataset<Row> training() {
    Random rnd = new Random(7);
    List<Row> rows = new ArrayList<>();
    String[] sources = new String[300];
    for (int i = 0; i < 300; i++) {
      sources[i] = i < 150 ? "web" : i < 250 ? "ads" : i < 290 ? "referral" : i < 295
          ? "partner" : null;
    }
    for (int i = 0; i < 300; i++) {
      Integer visits = i % 17 == 0 ? null : rnd.nextInt(20);
      Double time = i % 13 == 0 ? null : i % 29 == 0 ? Double.NaN : rnd.nextDouble() * 900;
      Boolean opted = i % 11 == 0 ? null : rnd.nextBoolean();
      String dne = i % 7 == 0 ? null : rnd.nextInt(5) == 0 ? "Yes" : "No";
      int converted = (visits != null && visits > 10) || "referral".equals(sources[i]) ? 1 : 0;
      rows.add(RowFactory.create("L" + i, null, sources[i], 1 + i % 3, visits, time, opted, dne,
          converted));
    }
    return spark().createDataFrame(rows, SCHEMA);
  }

  /** Unseen levels, nulls in every column, NaN, blank text, and a boolean that is neither. */
  Dataset<Row> scoring() {
    return spark().createDataFrame(List.of(
        RowFactory.create("S1", null, "web", 1, 5, 100.0, true, "No", null),
        RowFactory.create("S2", null, "tiktok", 99, null, Double.NaN, null, "maybe", null),
        RowFactory.create("S3", null, null, null, null, null, null, null, null),
        RowFactory.create("S4", null, "  ", 2, 50, -3.0, false, "YES", null),
        RowFactory.create("S5", null, "partner", 3, 0, 0.0, true, "no", null)), SCHEMA);
  }

  @Test
  void pipelineHasTheDocumentedStagesAndSettings() {
    var stages = FeaturePipelineBuilder.from(SPEC).build().getStages();
    assertThat(stages).extracting(s -> s.getClass().getSimpleName()).containsExactly(
        "BooleanToNumber", "MissingIndicator", "Imputer", "RareLevelGrouper", "StringIndexer",
        "OneHotEncoder", "VectorAssembler");
    assertThat(((StringIndexer) stages[4]).getHandleInvalid()).isEqualTo("keep");
    assertThat(((OneHotEncoder) stages[5]).getHandleInvalid()).isEqualTo("keep");
    assertThat(((VectorAssembler) stages[6]).getHandleInvalid()).isEqualTo("keep");
    assertThat(((Imputer) stages[2]).getInputCols())
        .containsExactly("visits", "time_spent", "opted_in__num", "do_not_email__num");
    assertThat(FeaturePipelineBuilder.from(SPEC).assembledColumns()).containsExactly(
        "source__ohe", "region__ohe", "visits__imp", "time_spent__imp", "opted_in__num__imp",
        "do_not_email__num__imp", "visits__missing", "time_spent__missing",
        "opted_in__num__missing", "do_not_email__num__missing");
    assertThatThrownBy(() -> FeaturePipelineBuilder.from(SPEC).rareMinCount(0))
        .hasMessageContaining("rareMinCount must be >= 1, cannot be: 0");
    assertThatThrownBy(() -> FeaturePipelineBuilder.from(SPEC).imputerStrategy("max"))
        .hasMessageContaining("cannot be: max");
  }

  @Test
  void fittedOnTrainingItScoresUnseenLevelsAndNullsWithoutFailing() throws Exception {
    Dataset<Row> train = training();
    PipelineModel model = FeaturePipelineBuilder.from(SPEC).build().fit(train);

    Dataset<Row> scored = model.transform(scoring());
    List<Row> rows = scored.select("lead_id", "source__grp", "region__grp", "region__idx",
        "visits__imp", "time_spent__missing", "opted_in__num", "do_not_email__num", "features")
        .orderBy("lead_id").collectAsList();
    assertThat(rows).hasSize(5);

    // source levels: web, ads, referral, then __other__ (partner, 5 rows) and __missing__ (5),
    // plus the indexer's keep bucket = 6 one-hot slots (the encoder's own invalid slot is the
    // dropped last one); region 1/2/3 + keep = 4; 4 numeric-like columns imputed + 4
    // indicators → 18
    for (Row r : rows) {
      Vector v = r.getAs("features");
      assertThat(v.size()).as("vector size of %s", r.getString(0)).isEqualTo(18);
      for (double x : v.toArray()) {
        assertThat(Double.isNaN(x)).as("NaN in %s: %s", r.getString(0), v).isFalse();
      }
    }
    Row s2 = rows.get(1);
    assertThat(s2.<String>getAs("source__grp")).isEqualTo("__other__");
    assertThat(s2.<String>getAs("region__grp")).isEqualTo("__other__");
    // region never had __other__ in training: the indexer's keep bucket (index 3), a slot that
    // was always 0 in training
    assertThat(s2.<Double>getAs("region__idx")).isEqualTo(3.0);
    assertThat(s2.<Double>getAs("time_spent__missing")).isEqualTo(1.0);
    assertThat(s2.<Double>getAs("do_not_email__num")).isNull();
    Row s3 = rows.get(2);
    assertThat(s3.<String>getAs("source__grp")).isEqualTo("__missing__");
    double medianVisits = train.stat().approxQuantile("visits", new double[] {0.5}, 0.001)[0];
    assertThat(s3.<Integer>getAs("visits__imp")).isEqualTo((int) medianVisits);
    Row s4 = rows.get(3);
    assertThat(s4.<String>getAs("source__grp")).as("blank").isEqualTo("__missing__");
    assertThat(s4.<Double>getAs("do_not_email__num")).isEqualTo(1.0);
    assertThat(rows.get(4).<String>getAs("source__grp")).as("rare").isEqualTo("__other__");

    // the fitted pipeline persists with the custom stages and scores identically after loading
    String path = tmp.resolve("features-model").toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.stages()).hasAtLeastOneElementOfType(RareLevelGrouperModel.class)
        .hasAtLeastOneElementOfType(MissingIndicator.class)
        .hasAtLeastOneElementOfType(BooleanToNumber.class);
    assertSameData(model.transform(scoring()), loaded.transform(scoring()));

    // and a model trains on the vectors and scores the odd rows
    Dataset<Row> trainVectors = model.transform(train);
    var lr = new LogisticRegression().setLabelCol("converted").setMaxIter(20)
        .fit(trainVectors.withColumn("converted", trainVectors.col("converted").cast("double")));
    assertThat(lr.transform(scored).where("probability IS NOT NULL").count()).isEqualTo(5);
  }

  @Test
  void indexEncodingGivesNominalSlotsThatTreesTrainOn() {
    PipelineModel model = FeaturePipelineBuilder.from(SPEC)
        .categoricalEncoding(CategoricalEncoding.INDEX).missingIndicators(false)
        .build().fit(training());
    Dataset<Row> train = model.transform(training());
    AttributeGroup group = AttributeGroup.fromStructField(train.schema().apply("features"));
    assertThat(group.size()).isEqualTo(2 + 4);
    Attribute source = group.getAttr(0);
    assertThat(source).isInstanceOf(NominalAttribute.class);
    assertThat(source.name().get()).isEqualTo("source__idx");
    var gbt = new GBTClassifier().setLabelCol("converted").setMaxIter(3).setMaxDepth(3)
        .fit(train.withColumn("converted", train.col("converted").cast("double")));
    assertThat(gbt.transform(model.transform(scoring())).count()).isEqualTo(5);
  }

  @Test
  void onTheRealXEducationFileALogisticRegressionScoresHeldOutLeads() {
    Dataset<Row> data = XEducationData.read(spark()).cache();
    FeatureSpec spec = XEducationData.spec(data).build()
        .without(List.of("Tags", "Lead Quality", "Lead Profile"));
    Dataset<Row> train = data.where(XEducationData.inSample(0.8));
    Dataset<Row> test = data.where(functionsNot(XEducationData.inSample(0.8)));
    PipelineModel features = FeaturePipelineBuilder.from(spec).build().fit(train);
    var lr = new LogisticRegression().setLabelCol(XEducationData.LABEL).setMaxIter(50)
        .setRegParam(0.001);
    Dataset<Row> trainVectors = features.transform(train)
        .withColumn(XEducationData.LABEL, org.apache.spark.sql.functions
            .col(XEducationData.LABEL).cast("double"));
    var model = lr.fit(trainVectors);
    Dataset<Row> testVectors = features.transform(test)
        .withColumn(XEducationData.LABEL, org.apache.spark.sql.functions
            .col(XEducationData.LABEL).cast("double"));
    double auc = new BinaryClassificationEvaluator().setLabelCol(XEducationData.LABEL)
        .setNumBins(0).evaluate(model.transform(testVectors));
    System.out.printf("X Education, logistic regression on the feature pipeline, held-out"
        + " AUC %.3f (%d test rows)%n", auc, test.count());
    assertThat(auc).isGreaterThan(0.85);
    data.unpersist();
  }

  static org.apache.spark.sql.Column functionsNot(org.apache.spark.sql.Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
