package io.leadscore.features.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.activity.ActivityFeatures;
import io.leadscore.features.attributes.AttributeFeatures;
import io.leadscore.transforms.Columns;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold rows from observation points: one row per (lead_id, as_of) with the attribute features,
 * the activity features (events strictly before as_of only) and a hash of all feature values.
 * The same code serves training and scoring.
 */
public final class GoldFeatures {
  private GoldFeatures() {}

  public static Dataset<Row> build(Dataset<Row> spine, Optional<Dataset<Row>> events,
      FeatureSpec spec) {
    return build(spine, events, spec, Optional.empty());
  }

  /**
   * As {@link #build(Dataset, Optional, FeatureSpec)}; activity features read only the events
   * dated at or after the spine's {@code leadStartColumn} (the lead's creation) when given.
   */
  public static Dataset<Row> build(Dataset<Row> spine, Optional<Dataset<Row>> events,
      FeatureSpec spec, Optional<String> leadStartColumn) {
    Columns.require(spine, "gold features", spec.idColumn(), spec.asOfColumn());
    Dataset<Row> withDerived = withDerivedAttributes(spine, spec);
    Set<String> activityColumns = spec.hasActivity()
        ? new HashSet<>(spec.activity().featureColumns()) : Set.of();
    List<String> attributeColumns = spec.featureColumns().stream()
        .filter(c -> !activityColumns.contains(c)).toList();
    List<String> keys = new ArrayList<>(List.of(spec.idColumn(), spec.asOfColumn()));
    if (spec.labelColumn() != null) {
      keys.add(spec.labelColumn());
    }
    List<String> selected = new ArrayList<>(keys);
    selected.addAll(attributeColumns);
    Columns.require(withDerived, "gold features", selected);
    Dataset<Row> gold = withDerived.select(selected.stream().map(c -> col(c)).toArray(Column[]::new));
    if (spec.hasActivity()) {
      Dataset<Row> activity = ActivityFeatures.activityFeatures(withDerived, spec.idColumn(),
          spec.asOfColumn(), leadStartColumn.orElse(null),
          events.orElseThrow(() -> new IllegalArgumentException(
              "the feature spec has activity features but no events were given")),
          spec.activity());
      gold = gold.join(activity, scala.collection.JavaConverters.asScalaBuffer(
          List.of(spec.idColumn(), spec.asOfColumn())).toSeq(), "left");
    }
    Column[] features = spec.featureColumns().stream().map(c -> col(c)).toArray(Column[]::new);
    return gold.withColumn(GoldColumns.FEATURE_HASH, xxhash64(features));
  }

  private static Dataset<Row> withDerivedAttributes(Dataset<Row> spine, FeatureSpec spec) {
    Dataset<Row> out = spine;
    if (spec.categoricalColumns().contains(GoldColumns.JOB_TITLE_SENIORITY)) {
      out = out.transform(AttributeFeatures.withJobTitleSeniority(GoldColumns.JOB_TITLE,
          GoldColumns.JOB_TITLE_SENIORITY));
    }
    if (spec.categoricalColumns().contains(GoldColumns.COMPANY_SIZE_BUCKET)) {
      out = out.transform(AttributeFeatures.withCompanySizeBucket(GoldColumns.COMPANY_SIZE,
          GoldColumns.COMPANY_SIZE_BUCKET));
    }
    return out;
  }
}
