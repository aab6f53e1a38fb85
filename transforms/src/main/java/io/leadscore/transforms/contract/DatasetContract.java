package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One kind of file of a source (leads or events): how to read it, its columns and rules. */
public record DatasetContract(
    @JsonIgnore String name,
    @JsonProperty(value = "format", required = true) Format format,
    @JsonProperty("options") ReaderOptions options,
    @JsonProperty(value = "landing", required = true) String landing,
    @JsonProperty(value = "columns", required = true) List<ColumnSpec> columns,
    @JsonProperty("missingTokens") List<String> missingTokens,
    @JsonProperty("booleans") BooleanValues booleans,
    @JsonProperty("normalise") Normalisation normalise,
    @JsonProperty("maxFieldLength") Integer maxFieldLength,
    @JsonProperty("formulaCells") FormulaPolicy formulaCells,
    @JsonProperty("typeErrors") RuleSpec.Severity typeErrors,
    @JsonProperty("timing") Timing timing,
    @JsonProperty("rules") List<RuleSpec> rules,
    @JsonProperty("checks") List<CheckSpec> checks) {

  public static final String LEADS = "leads";
  public static final String EVENTS = "events";
  public static final int DEFAULT_MAX_FIELD_LENGTH = 10_000;

  /** File formats a dataset can land in. */
  public enum Format {
    CSV, JSON, PARQUET;

    @JsonCreator
    public static Format of(String value) {
      return Names.parse(Format.class, "format", value);
    }
  }

  /** What to do with cells that look like spreadsheet formulas. */
  public enum FormulaPolicy {
    ERROR, WARNING, IGNORE;

    @JsonCreator
    public static FormulaPolicy of(String value) {
      return Names.parse(FormulaPolicy.class, "formulaCells", value);
    }
  }

  public DatasetContract {
    options = options == null ? ReaderOptions.DEFAULT : options;
    columns = columns == null ? List.of() : List.copyOf(columns);
    missingTokens = missingTokens == null ? List.of("") : List.copyOf(missingTokens);
    booleans = booleans == null ? BooleanValues.DEFAULT : booleans;
    normalise = normalise == null ? Normalisation.DEFAULT : normalise.over(Normalisation.DEFAULT);
    maxFieldLength = maxFieldLength == null ? DEFAULT_MAX_FIELD_LENGTH : maxFieldLength;
    formulaCells = formulaCells == null ? FormulaPolicy.WARNING : formulaCells;
    typeErrors = typeErrors == null ? RuleSpec.Severity.ERROR : typeErrors;
    timing = timing == null ? Timing.DEFAULT : timing;
    rules = rules == null ? List.of() : List.copyOf(rules);
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  DatasetContract withName(String datasetName) {
    return new DatasetContract(datasetName, format, options, landing, columns, missingTokens,
        booleans, normalise, maxFieldLength, formulaCells, typeErrors, timing, rules, checks);
  }

  public Optional<ColumnSpec> column(String canonicalName) {
    return columns.stream().filter(c -> c.name().equals(canonicalName)).findFirst();
  }

  public Optional<ColumnSpec> columnWithRole(ColumnSpec.Role role) {
    return columns.stream().filter(c -> c.role() == role).findFirst();
  }

  /** The dedup key; the loader guarantees there is exactly one. */
  public ColumnSpec idColumn() {
    return columnWithRole(ColumnSpec.Role.ID).orElseThrow();
  }

  public Optional<ColumnSpec> updatedAtColumn() {
    return columnWithRole(ColumnSpec.Role.UPDATED_AT);
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  public List<ColumnSpec> piiColumns() {
    return columns.stream().filter(ColumnSpec::isPii).toList();
  }

  public boolean hasPii() {
    return columns.stream().anyMatch(ColumnSpec::isPii);
  }

  /** Columns later stages may use as model features (see ColumnSpec#isFeatureCandidate). */
  public List<ColumnSpec> featureCandidates() {
    return columns.stream().filter(ColumnSpec::isFeatureCandidate).toList();
  }

  /** Missing-value tokens of one column: the dataset's plus the column's own. */
  public List<String> missingTokensOf(ColumnSpec column) {
    Set<String> tokens = new LinkedHashSet<>(missingTokens);
    tokens.addAll(column.missingTokens());
    return new ArrayList<>(tokens);
  }

  public Normalisation normalisationOf(ColumnSpec column) {
    return column.normalise() == null ? normalise : column.normalise().over(normalise);
  }

  public BooleanValues booleansOf(ColumnSpec column) {
    return column.booleans() == null ? booleans : column.booleans();
  }
}
