package io.leadscore.features;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which columns of a gold/silver-like table play which role in the features: written against
 * explicit names so that the features code does not depend on one silver schema. The features
 * job builds it from the data contract (column kinds; excluded, leaky and key columns left out)
 * and config (event types).
 *
 * @param idColumn            lead id (key, never a feature)
 * @param asOfColumn          observation point (key, never a feature; timestamp or date)
 * @param labelColumn         0/1 outcome, or null for scoring-only tables
 * @param categoricalColumns  string-like features: rare levels grouped, indexed, one-hot encoded
 * @param numericColumns      numeric features: imputed (median) plus a missing indicator
 * @param booleanColumns      boolean features (true/false or Yes/No/1/0 text) as 1/0, imputed,
 *                            plus a missing indicator
 * @param activity            the events side, or null when the source has no events
 */
public record FeatureSpec(
    String idColumn,
    String asOfColumn,
    String labelColumn,
    List<String> categoricalColumns,
    List<String> numericColumns,
    List<String> booleanColumns,
    ActivitySpec activity) {

  public FeatureSpec {
    requireName(idColumn, "idColumn");
    requireName(asOfColumn, "asOfColumn");
    if (labelColumn != null && labelColumn.isBlank()) {
      throw new IllegalArgumentException("labelColumn must be null or name a column, cannot be"
          + " blank");
    }
    categoricalColumns = copy(categoricalColumns, "categoricalColumns");
    numericColumns = copy(numericColumns, "numericColumns");
    booleanColumns = copy(booleanColumns, "booleanColumns");
    Set<String> seen = new HashSet<>();
    Set<String> keys = new HashSet<>(List.of(idColumn, asOfColumn));
    if (labelColumn != null) {
      keys.add(labelColumn);
    }
    for (List<String> group : List.of(categoricalColumns, numericColumns, booleanColumns)) {
      for (String c : group) {
        if (keys.contains(c)) {
          throw new IllegalArgumentException(
              "a key or label column cannot also be a feature, cannot be: " + c);
        }
        if (!seen.add(c)) {
          throw new IllegalArgumentException("feature column listed twice: " + c);
        }
      }
    }
  }

  public static Builder builder(String idColumn, String asOfColumn) {
    return new Builder(idColumn, asOfColumn);
  }

  /** Categorical, numeric and boolean feature columns, in that order. */
  public List<String> featureColumns() {
    List<String> all = new ArrayList<>(categoricalColumns);
    all.addAll(numericColumns);
    all.addAll(booleanColumns);
    return all;
  }

  public boolean hasActivity() {
    return activity != null;
  }

  /** The same spec without the given feature columns (e.g. the ones the leakage detector excluded). */
  public FeatureSpec without(Collection<String> columns) {
    Set<String> drop = new HashSet<>(columns);
    return new FeatureSpec(idColumn, asOfColumn, labelColumn,
        categoricalColumns.stream().filter(c -> !drop.contains(c)).toList(),
        numericColumns.stream().filter(c -> !drop.contains(c)).toList(),
        booleanColumns.stream().filter(c -> !drop.contains(c)).toList(), activity);
  }

  /** The same spec with the activity feature columns added as numeric features. */
  public FeatureSpec withActivityFeaturesAsNumeric() {
    if (activity == null) {
      return this;
    }
    Set<String> numeric = new LinkedHashSet<>(numericColumns);
    numeric.addAll(activity.featureColumns());
    return new FeatureSpec(idColumn, asOfColumn, labelColumn, categoricalColumns,
        List.copyOf(numeric), booleanColumns, activity);
  }

  private static List<String> copy(List<String> columns, String what) {
    if (columns == null) {
      return List.of();
    }
    for (String c : columns) {
      requireName(c, what + " entry");
    }
    return List.copyOf(columns);
  }

  private static void requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must name a column, cannot be: " + value);
    }
  }

  /** Fluent construction: {@code FeatureSpec.builder("lead_id", "as_of").categorical(...)...}. */
  public static final class Builder {
    private final String idColumn;
    private final String asOfColumn;
    private String labelColumn;
    private final List<String> categorical = new ArrayList<>();
    private final List<String> numeric = new ArrayList<>();
    private final List<String> bool = new ArrayList<>();
    private ActivitySpec activity;

    private Builder(String idColumn, String asOfColumn) {
      this.idColumn = idColumn;
      this.asOfColumn = asOfColumn;
    }

    public Builder label(String column) {
      this.labelColumn = column;
      return this;
    }

    public Builder categorical(String... columns) {
      categorical.addAll(List.of(columns));
      return this;
    }

    public Builder categorical(Collection<String> columns) {
      categorical.addAll(columns);
      return this;
    }

    public Builder numeric(String... columns) {
      numeric.addAll(List.of(columns));
      return this;
    }

    public Builder numeric(Collection<String> columns) {
      numeric.addAll(columns);
      return this;
    }

    public Builder bool(String... columns) {
      bool.addAll(List.of(columns));
      return this;
    }

    public Builder bool(Collection<String> columns) {
      bool.addAll(columns);
      return this;
    }

    public Builder activity(ActivitySpec spec) {
      this.activity = Objects.requireNonNull(spec, "activity");
      return this;
    }

    public FeatureSpec build() {
      return new FeatureSpec(idColumn, asOfColumn, labelColumn, categorical, numeric, bool,
          activity);
    }
  }
}
