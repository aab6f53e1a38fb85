import io.leadscore.features.ActivitySpec;
import io.leadscore.features.activity.ActivityFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import static org.apache.spark.sql.functions.*;

/**
 * Times the point-in-time activity features: LEADS leads (one as_of each) and EVENTS_PER_LEAD
 * events per lead (7 types, 6 of them configured; ~20 % of events after as_of), generated and
 * written to Parquet first, then read → activity features → written to Parquet.
 *
 * Args: workDir leads eventsPerLead
 */
public final class ActivityFeaturesBench {
  public static void main(String[] args) throws Exception {
    String dir = args[0];
    long leads = Long.parseLong(args[1]);
    int perLead = Integer.parseInt(args[2]);
    SparkSession spark = SparkSession.builder().appName("activity-features-bench").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String spinePath = dir + "/spine";
    String eventsPath = dir + "/events";
    List<String> types = List.of("page_view", "pricing_view", "email_open", "email_click",
        "content_download", "webinar", "demo_request");

    long t0 = System.nanoTime();
    Dataset<Row> ids = spark.range(0, leads).withColumnRenamed("id", "n");
    Dataset<Row> spine = ids.select(format_string("lead-%08d", col("n")).as("lead_id"),
        timestamp_seconds(lit(1767225600L).plus(col("n").mod(90).multiply(86400))
            .plus(col("n").mod(86400))).as("as_of"));
    spine.write().mode(SaveMode.Overwrite).parquet(spinePath);
    Dataset<Row> events = ids.select(col("n"), explode(sequence(lit(1), lit(perLead))).as("k"))
        .select(format_string("lead-%08d", col("n")).as("lead_ref"),
            element_at(array(types.stream().map(t -> lit(t)).toArray(org.apache.spark.sql.Column[]::new)),
                pmod(xxhash64(col("n"), col("k")), lit(types.size())).cast("int").plus(1))
                .as("event_type"),
            timestamp_micros(lit(1767225600L * 1_000_000L)
                .plus(col("n").mod(90).multiply(86_400_000_000L))
                .plus(col("n").mod(86400).multiply(1_000_000L))
                .minus(pmod(xxhash64(col("k"), col("n")), lit(150L * 86_400_000_000L)))
                .plus(lit(30L * 86_400_000_000L))).as("occurred_at"));
    events.write().mode(SaveMode.Overwrite).parquet(eventsPath);
    double genSeconds = (System.nanoTime() - t0) / 1e9;

    ActivitySpec spec = ActivitySpec.of("lead_ref", "event_type", "occurred_at",
        types.subList(0, 6));
    for (int run = 1; run <= 2; run++) {
      long t1 = System.nanoTime();
      Dataset<Row> out = ActivityFeatures.activityFeatures(spark.read().parquet(spinePath),
          "lead_id", "as_of", spark.read().parquet(eventsPath), spec);
      if (run == 1 && System.getenv("BENCH_EXPLAIN") != null) {
        out.explain("formatted");
      }
      out.write().mode(SaveMode.Overwrite).parquet(dir + "/features");
      double seconds = (System.nanoTime() - t1) / 1e9;
      long rows = spark.read().parquet(dir + "/features").count();
      System.out.printf("RESULT run %d: %d leads x %d events (%d feature columns): %.1f s,"
          + " %.0f leads/s, %.0f events/s%n", run, rows, perLead,
          spec.featureColumns().size(), seconds, rows / seconds, rows * perLead / seconds);
    }
    long after = spark.read().parquet(eventsPath).join(spark.read().parquet(spinePath),
        col("lead_ref").equalTo(col("lead_id")).and(col("occurred_at").geq(col("as_of"))))
        .count();
    System.out.printf("RESULT data: generation+write %.1f s; %d events at/after as_of (%.1f %%)%n",
        genSeconds, after, 100.0 * after / (leads * perLead));
    spark.stop();
  }
}
