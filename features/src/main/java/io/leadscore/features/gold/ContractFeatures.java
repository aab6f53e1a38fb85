package io.leadscore.features.gold;

import io.leadscore.features.ActivitySpec;
import io.leadscore.features.FeatureSpec;
import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.silver.SilverColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The feature spec of a source, read off its contract: every feature candidate by kind
 * (excluded, leaky, key, label and PII columns never become features), the non-PII columns
 * silver derives from PII (e-mail domain type, phone present/valid), the derived attributes
 * (job-title seniority, company-size bucket) and the activity features of its events.
 */
public final class ContractFeatures {
  private ContractFeatures() {}

  public static FeatureSpec spec(DatasetContract leads, Optional<DatasetContract> events,
      List<String> eventTypes, boolean withLabel) {
    List<String> categorical = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    List<String> bool = new ArrayList<>();
    for (ColumnSpec c : leads.featureCandidates()) {
      switch (c.kind()) {
        case CATEGORICAL -> categorical.add(c.name());
        case NUMERIC -> numeric.add(c.name());
        case BOOLEAN -> bool.add(c.name());
        default -> { } // timestamps and free text are not features as they are
      }
      if (c.name().equals(GoldColumns.JOB_TITLE) && c.kind() == ColumnSpec.Kind.CATEGORICAL) {
        categorical.add(GoldColumns.JOB_TITLE_SENIORITY);
      }
      if (c.name().equals(GoldColumns.COMPANY_SIZE)) {
        categorical.add(GoldColumns.COMPANY_SIZE_BUCKET);
      }
    }
    for (ColumnSpec c : leads.piiColumns()) {
      if (c.exclude() != null || c.leaky() != null) {
        continue;
      }
      switch (c.pii()) {
        case EMAIL -> categorical.add(c.name() + SilverColumns.DOMAIN_TYPE_SUFFIX);
        case PHONE -> {
          bool.add(c.name() + SilverColumns.PRESENT_SUFFIX);
          bool.add(c.name() + SilverColumns.VALID_SUFFIX);
        }
        default -> { } // names and free text: hash only
      }
    }
    FeatureSpec.Builder builder = FeatureSpec.builder(GoldColumns.LEAD_ID, GoldColumns.AS_OF)
        .categorical(categorical).numeric(numeric).bool(bool);
    if (withLabel) {
      builder.label(GoldColumns.LABEL);
    }
    if (events.isPresent() && !eventTypes.isEmpty()) {
      DatasetContract ev = events.get();
      builder.activity(new ActivitySpec(
          role(ev, ColumnSpec.Role.LEAD_REF), role(ev, ColumnSpec.Role.EVENT_TYPE),
          role(ev, ColumnSpec.Role.EVENT_TIME), eventTypes, ActivitySpec.DEFAULT_WINDOWS_DAYS,
          7, 30));
    }
    return builder.build().withActivityFeaturesAsNumeric();
  }

  private static String role(DatasetContract events, ColumnSpec.Role role) {
    return events.columnWithRole(role).map(ColumnSpec::name).orElseThrow(() ->
        new IllegalArgumentException(String.format(
            "the events dataset needs a column with role %s for activity features",
            role.name().toLowerCase(java.util.Locale.ROOT))));
  }
}
