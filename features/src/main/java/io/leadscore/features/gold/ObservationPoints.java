package io.leadscore.features.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.leadscore.transforms.Columns;
import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.contract.Timing;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Where each lead is observed ({@code as_of}) and, for training, what happened after: the
 * contract's timing decides. A training row exists only once its label has matured (the whole
 * label window lies before the cutoff) and only for leads not yet converted at {@code as_of}.
 */
public final class ObservationPoints {
  private ObservationPoints() {}

  /**
   * Training rows: the leads with {@code lead_id}, {@code as_of} and {@code label} added.
   *
   * @param cutoff the run's "now": label windows must end before it
   */
  public static Dataset<Row> trainingSpine(Dataset<Row> leads, DatasetContract contract,
      Instant cutoff) {
    Timing timing = contract.timing() == null ? Timing.DEFAULT : contract.timing();
    Dataset<Row> withId = withLeadId(leads, contract);
    Column cutoffTs = lit(Timestamp.from(cutoff));
    if (timing.asOf() == Timing.AsOf.SNAPSHOT) {
      ColumnSpec label = contract.columnWithRole(ColumnSpec.Role.LABEL).orElseThrow(() ->
          new IllegalArgumentException(String.format(
              "source contract's %s dataset has a snapshot timing but no role: label column,"
                  + " so it cannot give training rows", contract.name())));
      Column asOf = timing.snapshotDate() != null
          ? lit(Timestamp.valueOf(timing.snapshotLocalDate().atStartOfDay()))
          : cutoffTs;
      return withId.where(col(label.name()).isNotNull())
          .withColumn(GoldColumns.AS_OF, asOf)
          .withColumn(GoldColumns.LABEL, col(label.name()).cast(DataTypes.IntegerType));
    }
    ColumnSpec created = requireRole(contract, ColumnSpec.Role.CREATED_AT);
    Column asOf = addDuration(col(created.name()), timing.delayDuration());
    Dataset<Row> observed = withId.withColumn(GoldColumns.AS_OF, asOf)
        .where(col(GoldColumns.AS_OF).isNotNull());
    ColumnSpec event = contract.columnWithRole(ColumnSpec.Role.LABEL_EVENT).orElse(null);
    if (event == null) {
      ColumnSpec label = requireRole(contract, ColumnSpec.Role.LABEL);
      return observed.where(col(GoldColumns.AS_OF).lt(cutoffTs))
          .withColumn(GoldColumns.LABEL, col(label.name()).cast(DataTypes.IntegerType))
          .where(col(GoldColumns.LABEL).isNotNull());
    }
    Column windowEnd = addDuration(col(GoldColumns.AS_OF), timing.labelWindowDuration());
    Column happened = col(event.name());
    return observed
        // Already converted when observed: nothing left to predict.
        .where(happened.isNull().or(happened.gt(col(GoldColumns.AS_OF))))
        // The label window must be over, or a late conversion would be read as a 0.
        .where(windowEnd.leq(cutoffTs))
        .withColumn(GoldColumns.LABEL,
            when(happened.isNotNull().and(happened.leq(windowEnd)), lit(1)).otherwise(lit(0)));
  }

  /**
   * Scoring rows: every lead that exists at {@code asOf} and has not converted by then, with
   * {@code lead_id} and {@code as_of} added.
   */
  public static Dataset<Row> scoringSpine(Dataset<Row> leads, DatasetContract contract,
      Instant asOf) {
    Dataset<Row> withId = withLeadId(leads, contract)
        .withColumn(GoldColumns.AS_OF, lit(Timestamp.from(asOf)));
    Column keep = lit(true);
    var created = contract.columnWithRole(ColumnSpec.Role.CREATED_AT);
    if (created.isPresent()) {
      keep = keep.and(col(created.get().name()).lt(col(GoldColumns.AS_OF)));
    }
    var event = contract.columnWithRole(ColumnSpec.Role.LABEL_EVENT);
    if (event.isPresent()) {
      Column happened = col(event.get().name());
      keep = keep.and(happened.isNull().or(happened.geq(col(GoldColumns.AS_OF))));
    }
    return withId.where(keep);
  }

  private static Dataset<Row> withLeadId(Dataset<Row> leads, DatasetContract contract) {
    String id = contract.idColumn().name();
    Columns.require(leads, "observation points", id);
    if (!id.equals(GoldColumns.LEAD_ID) && java.util.Arrays.asList(leads.columns())
        .contains(GoldColumns.LEAD_ID)) {
      throw new IllegalArgumentException(String.format(
          "the leads have a column %s that is not their id (%s): rename it in the contract",
          GoldColumns.LEAD_ID, id));
    }
    return leads.withColumn(GoldColumns.LEAD_ID, col(id).cast(DataTypes.StringType));
  }

  private static ColumnSpec requireRole(DatasetContract contract, ColumnSpec.Role role) {
    return contract.columnWithRole(role).orElseThrow(() -> new IllegalArgumentException(
        String.format("the %s dataset's timing needs a column with role %s", contract.name(),
            role.name().toLowerCase(java.util.Locale.ROOT))));
  }

  private static Column addDuration(Column timestamp, java.time.Duration duration) {
    long micros = duration.toNanos() / 1_000;
    return functions.timestamp_micros(functions.unix_micros(timestamp.cast(DataTypes.TimestampType))
        .plus(lit(micros)));
  }
}
