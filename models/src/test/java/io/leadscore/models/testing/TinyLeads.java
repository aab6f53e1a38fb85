package io.leadscore.models.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small seeded lead data whose label depends strongly on {@code engagement}, weakly on {@code
 * source}, not at all on {@code noise}: models on different inputs differ in quality by design.
 */
public final class TinyLeads {

  public static final StructType SCHEMA = new StructType()
      .add("lead_id", DataTypes.LongType)
      .add("engagement", DataTypes.DoubleType)
      .add("noise", DataTypes.DoubleType)
      .add("source", DataTypes.StringType)
      .add("label", DataTypes.DoubleType);

  private TinyLeads() {}

  public static Dataset<Row> generate(SparkSession spark, int n, long seed) {
    Random random = new Random(seed);
    String[] sources = {"Google", "Referral", "Direct"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double engagement = random.nextGaussian();
      double noise = random.nextGaussian();
      String source = sources[random.nextInt(sources.length)];
      double logit = 2.5 * engagement + ("Referral".equals(source) ? 0.8 : 0.0) - 0.3;
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(seed * 1_000_000L + i, engagement, noise, source, label));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Logistic regression on the given numeric columns plus the one-hot source. */
  public static PipelineModel fit(Dataset<Row> data, String... numericColumns) {
    String[] inputs = new String[numericColumns.length + 1];
    System.arraycopy(numericColumns, 0, inputs, 0, numericColumns.length);
    inputs[numericColumns.length] = "source_oh";
    return new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("source").setOutputCol("source_idx")
            .setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(new String[] {"source_idx"})
            .setOutputCols(new String[] {"source_oh"}),
        new VectorAssembler().setInputCols(inputs).setOutputCol("features"),
        new LogisticRegression().setMaxIter(50)}).fit(data);
  }
}
