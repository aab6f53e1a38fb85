package io.leadscore.transforms.silver;

import static io.leadscore.transforms.bronze.BronzeColumns.BATCH_ID;
import static io.leadscore.transforms.bronze.BronzeColumns.CORRUPT_RECORD;
import static io.leadscore.transforms.bronze.BronzeColumns.FILE_HASH;
import static io.leadscore.transforms.bronze.BronzeColumns.FILE_VERSION;
import static io.leadscore.transforms.bronze.BronzeColumns.INGESTED_AT;
import static io.leadscore.transforms.bronze.BronzeColumns.INGEST_RUN_ID;
import static io.leadscore.transforms.bronze.BronzeColumns.RECORD_NUMBER;
import static io.leadscore.transforms.bronze.BronzeColumns.SOURCE_FILE;
import static io.leadscore.transforms.silver.SilverColumns.RAW;
import static io.leadscore.transforms.silver.SilverColumns.VIOLATIONS;
import static io.leadscore.transforms.silver.SilverColumns.WARNINGS;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.initcap;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.leadscore.transforms.Columns;
import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.contract.BooleanValues;
import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.ColumnSpec.Type;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.contract.Normalisation;
import io.leadscore.transforms.contract.RuleSpec;
import io.leadscore.transforms.contract.RuleSpec.Severity;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Bronze → silver, one static step each, composed with {@code .transform}:
 * {@link #normalised} → {@link #typed} → {@link #withRuleViolations} → split into
 * {@link #accepted} / {@link #rejected}; accepted rows → {@link #withPiiHashed} →
 * {@link #latestPerId} → {@link #silverShape}; rejected rows → {@link #quarantineShape}.
 */
public final class SilverTransforms {
  /** Values shown in messages and quarantine are cut here; the full value stays in bronze. */
  public static final int SHOWN_VALUE_CHARS = 60;
  public static final int KEPT_RAW_CHARS = 1000;
  private static final String SPACE = "[\\s\\u00A0]";
  private static final String WHITE_SPACE = " \t\n\r\u000B\f\u00A0";
  private static final String FORMULA = "^(=|[+\\-@]\\s*[A-Za-z(])";
  private static final List<String> FORMULA_STARTS = List.of("=", "+", "-", "@");

  private SilverTransforms() {}

  /**
   * Trims, collapses, nulls missing tokens, folds case and maps spelling variants in every
   * declared column (still strings); keeps the untouched values in {@code _raw}.
   */
  public static Dataset<Row> normalised(Dataset<Row> bronze, DatasetContract d) {
    List<String> needed = new ArrayList<>(d.columnNames());
    needed.add(CORRUPT_RECORD);
    Columns.require(bronze, "normalised", needed);
    List<Column> out = new ArrayList<>();
    List<Column> raw = new ArrayList<>();
    for (String name : bronze.columns()) {
      ColumnSpec c = d.column(name).orElse(null);
      if (c == null) {
        out.add(col(name));
      } else {
        out.add(normalise(col(name), d.normalisationOf(c), d.missingTokensOf(c)).as(name));
        raw.add(col(name));
      }
    }
    out.add(struct(raw.toArray(Column[]::new)).as(RAW));
    return bronze.select(out.toArray(Column[]::new));
  }

  static Column normalise(Column v, Normalisation n, List<String> missingTokens) {
    Column s = v;
    if (Boolean.TRUE.equals(n.trim())) {
      // trim with a character set runs on the UTF-8 bytes; a regular expression costs ~5x.
      s = org.apache.spark.sql.functions.trim(s, WHITE_SPACE);
    }
    if (Boolean.TRUE.equals(n.collapseSpaces())) {
      s = regexp_replace(s, SPACE + "+", " ");
    }
    if (!missingTokens.isEmpty()) {
      s = when(s.isin(missingTokens.toArray()), lit(null).cast(DataTypes.StringType))
          .otherwise(s);
    }
    s = switch (n.caseFold()) {
      case LOWER -> lower(s);
      case UPPER -> upper(s);
      case TITLE -> initcap(s);
      default -> s;
    };
    if (n.variants() != null && !n.variants().isEmpty()) {
      Column mapped = null;
      for (Map.Entry<String, String> e : n.variants().entrySet()) {
        mapped = mapped == null ? when(s.equalTo(e.getKey()), lit(e.getValue()))
            : mapped.when(s.equalTo(e.getKey()), lit(e.getValue()));
      }
      s = mapped.otherwise(s);
    }
    return s;
  }

  /**
   * Parses every declared column into its type and starts {@code _violations} with the
   * built-in rules: malformed record (then nothing else is checked), not-null (on the text:
   * a value that does not parse is a type error, not missing), type, field too long,
   * formula-like text.
   */
  public static Dataset<Row> typed(Dataset<Row> normalised, DatasetContract d) {
    List<String> needed = new ArrayList<>(d.columnNames());
    needed.add(CORRUPT_RECORD);
    needed.add(RAW);
    Columns.require(normalised, "typed", needed);
    Column malformed = col(CORRUPT_RECORD).isNotNull();
    List<Column> checks = new ArrayList<>();
    checks.add(ifBroken(malformed, violation(Rules.MALFORMED, null, Severity.ERROR,
        lit("the record could not be split into the file's columns (wrong number of fields or"
            + " an unclosed quote); its raw text is kept"))));
    List<Column> out = new ArrayList<>();
    for (String name : normalised.columns()) {
      ColumnSpec c = d.column(name).orElse(null);
      if (c == null) {
        out.add(col(name));
        continue;
      }
      Column text = col(name);
      Column parsed = parse(name, c, d.booleansOf(c));
      out.add(parsed.as(name));
      Column raw = col(RAW + "." + name);
      if (!c.nullable()) {
        checks.add(ifBroken(not(malformed).and(text.isNull()), violation(c.name() + "_not_null",
            name, Severity.ERROR, lit(name + " is missing"))));
      }
      if (c.type() != Type.STRING) {
        checks.add(ifBroken(not(malformed).and(text.isNotNull()).and(parsed.isNull()),
            violation(Rules.TYPE, name, d.typeErrors(), concat(shown(raw, c),
                lit(" is not a valid " + c.type().name().toLowerCase(Locale.ROOT)
                    + typeHint(c, d.booleansOf(c)))))));
      }
      // Bytes ≥ characters: the O(1) byte length rules out almost every value first.
      checks.add(ifBroken(not(malformed).and(octet_length(raw).gt(d.maxFieldLength()))
              .and(length(raw).gt(d.maxFieldLength())),
          violation(Rules.FIELD_TOO_LONG, name, Severity.ERROR, concat(lit("the value has "),
              length(raw).cast(DataTypes.StringType),
              lit(" characters, more than maxFieldLength " + d.maxFieldLength())))));
      if (c.type() == Type.STRING && d.formulaCells() != DatasetContract.FormulaPolicy.IGNORE) {
        Severity s = d.formulaCells() == DatasetContract.FormulaPolicy.ERROR ? Severity.ERROR
            : Severity.WARNING;
        checks.add(ifBroken(not(malformed)
                .and(substring(text, 1, 1).isin(FORMULA_STARTS.toArray()))
                .and(text.rlike(FORMULA)),
            violation(Rules.FORMULA_LIKE, name, s, concat(shown(raw, c),
                lit(" looks like a spreadsheet formula; it is stored as inert text")))));
      }
    }
    out.add(nonNull(checks).as(VIOLATIONS));
    return normalised.select(out.toArray(Column[]::new));
  }

  /** Adds the value rules (label 0/1, the contract's rules) to {@code _violations}. */
  public static Dataset<Row> withRuleViolations(Dataset<Row> typed, DatasetContract d,
      Instant now) {
    List<String> needed = new ArrayList<>(d.columnNames());
    needed.add(VIOLATIONS);
    needed.add(CORRUPT_RECORD);
    Columns.require(typed, "withRuleViolations", needed);
    Column wellFormed = col(CORRUPT_RECORD).isNull();
    List<Column> checks = new ArrayList<>();
    for (RuleSpec r : Rules.valueRules(d)) {
      Column broken = broken(r, d, now);
      ColumnSpec about = r.column() == null ? null : d.column(r.column()).orElseThrow();
      Column message = lit(r.message() != null ? r.message() : defaultMessage(r));
      if (about != null && r.check() != RuleSpec.Check.NOT_NULL) {
        message = concat(message, lit(" (value: "),
            shown(col(RAW + "." + about.name()), about), lit(")"));
      }
      String column = r.column() != null ? r.column() : r.left() + "," + r.right();
      checks.add(ifBroken(wellFormed.and(broken), violation(r.name(), column, r.severity(), message)));
    }
    return typed.withColumn(VIOLATIONS, concat(col(VIOLATIONS), nonNull(checks)));
  }

  /** Rows that broke no error rule; {@code _warnings} names the warning rules they broke. */
  public static Dataset<Row> accepted(Dataset<Row> checked) {
    Columns.require(checked, "accepted", VIOLATIONS);
    return checked.filter(not(hasError()))
        .withColumn(WARNINGS, transform(col(VIOLATIONS), v -> when(v.getField("column").isNull(),
            v.getField("rule")).otherwise(concat(v.getField("rule"), lit(":"),
            v.getField("column")))));
  }

  /** Rows that broke at least one error rule. */
  public static Dataset<Row> rejected(Dataset<Row> checked) {
    Columns.require(checked, "rejected", VIOLATIONS);
    return checked.filter(hasError());
  }

  private static Column hasError() {
    return exists(col(VIOLATIONS),
        v -> v.getField(SilverColumns.SEVERITY).equalTo(Severity.ERROR.spelling()));
  }

  /**
   * Replaces every PII column by {@code <name>_hash} (keyed HMAC of the canonical value) and
   * adds the derived features (e-mail domain type; phone present/valid). Afterwards no clear
   * PII is left in the declared columns; {@code _raw} still has it and must be dropped
   * ({@link #silverShape}) or hashed ({@link #quarantineShape}).
   */
  public static Dataset<Row> withPiiHashed(Dataset<Row> accepted, DatasetContract d,
      String key) {
    Columns.require(accepted, "withPiiHashed",
        d.piiColumns().stream().map(ColumnSpec::name).toList());
    Dataset<Row> out = accepted;
    for (ColumnSpec c : d.piiColumns()) {
      Column v = col(c.name());
      out = out.withColumn(c.name() + SilverColumns.HASH_SUFFIX,
          PiiHashing.hmac(PiiHashing.canonical(v, c.pii()), key));
      switch (c.pii()) {
        case EMAIL -> out = out.withColumn(c.name() + SilverColumns.DOMAIN_TYPE_SUFFIX,
            PiiHashing.emailDomainType(v));
        case PHONE -> out = out
            .withColumn(c.name() + SilverColumns.PRESENT_SUFFIX, v.isNotNull())
            .withColumn(c.name() + SilverColumns.VALID_SUFFIX, PiiHashing.phoneValid(v));
        default -> { }
      }
      out = out.drop(c.name());
    }
    return out;
  }

  /** Names of the silver columns a PII column becomes. */
  public static List<String> piiOutputColumns(ColumnSpec c) {
    List<String> names = new ArrayList<>(List.of(c.name() + SilverColumns.HASH_SUFFIX));
    switch (c.pii()) {
      case EMAIL -> names.add(c.name() + SilverColumns.DOMAIN_TYPE_SUFFIX);
      case PHONE -> {
        names.add(c.name() + SilverColumns.PRESENT_SUFFIX);
        names.add(c.name() + SilverColumns.VALID_SUFFIX);
      }
      default -> { }
    }
    return names;
  }

  /**
   * One row per id: the latest by updated-at (without one: the latest ingested), then the
   * later file and record.
   */
  public static Dataset<Row> latestPerId(Dataset<Row> rows, DatasetContract d) {
    String id = d.idColumn().name();
    Columns.require(rows, "latestPerId", id, INGESTED_AT, SOURCE_FILE, RECORD_NUMBER);
    List<Column> order = new ArrayList<>();
    d.updatedAtColumn().ifPresent(u -> order.add(col(u.name()).desc_nulls_last()));
    order.add(col(INGESTED_AT).desc());
    order.add(col(FILE_VERSION).desc());
    order.add(col(SOURCE_FILE).desc());
    order.add(col(RECORD_NUMBER).desc());
    return rows.withColumn("_rank", row_number().over(Window.partitionBy(col(id))
            .orderBy(order.toArray(Column[]::new))))
        .filter(col("_rank").equalTo(1)).drop("_rank");
  }

  /** The silver columns, in order: declared (PII as derived), warnings, lineage, run. */
  public static Dataset<Row> silverShape(Dataset<Row> rows, DatasetContract d, String runId,
      Instant now) {
    List<String> names = silverColumnNames(d);
    List<String> fromInput = names.subList(0, names.size() - 2);
    Columns.require(rows, "silverShape", fromInput);
    List<Column> out = new ArrayList<>();
    fromInput.forEach(n -> out.add(col(n)));
    out.add(lit(runId).as(SilverColumns.VALIDATE_RUN_ID));
    out.add(lit(Timestamp.from(now)).as(SilverColumns.VALIDATED_AT));
    return rows.select(out.toArray(Column[]::new));
  }

  public static List<String> silverColumnNames(DatasetContract d) {
    List<String> names = new ArrayList<>();
    for (ColumnSpec c : d.columns()) {
      if (c.isPii()) {
        names.addAll(piiOutputColumns(c));
      } else {
        names.add(c.name());
      }
    }
    names.addAll(List.of(WARNINGS, BATCH_ID, SOURCE_FILE, RECORD_NUMBER, FILE_VERSION,
        INGESTED_AT, SilverColumns.VALIDATE_RUN_ID, SilverColumns.VALIDATED_AT));
    return names;
  }

  /**
   * A rejected row as quarantine keeps it: the raw record by source column name (PII as
   * {@code hmac:<hex>}, long values cut with a note), the raw text of a malformed line (e-mail
   * addresses and phone-like numbers masked when the dataset declares PII), every broken
   * rule, and the lineage back to bronze.
   */
  public static Dataset<Row> quarantineShape(Dataset<Row> rejected, DatasetContract d,
      String key, String runId, Instant now) {
    List<String> needed = new ArrayList<>(List.of(RAW, VIOLATIONS, CORRUPT_RECORD));
    needed.addAll(BronzeColumns.LINEAGE);
    Columns.require(rejected, "quarantineShape", needed);
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    for (ColumnSpec c : d.columns()) {
      Column raw = col(RAW + "." + c.name());
      keys.add(lit(c.source()));
      values.add(c.isPii()
          ? when(raw.isNotNull(), concat(lit("hmac:"),
              PiiHashing.hmac(PiiHashing.canonical(raw, c.pii()), key)))
          : cut(raw, KEPT_RAW_CHARS));
    }
    Column rawText = col(CORRUPT_RECORD);
    if (d.hasPii()) {
      rawText = regexp_replace(regexp_replace(rawText,
          "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "[email]"),
          "\\+?[0-9][0-9 ()./-]{5,}[0-9]", "[number]");
    }
    return rejected.select(
        lit(d.name()).as(SilverColumns.Q_DATASET),
        map_from_arrays(array(keys.toArray(Column[]::new)), array(values.toArray(Column[]::new)))
            .as(SilverColumns.Q_RAW),
        cut(rawText, d.maxFieldLength()).as(SilverColumns.Q_RAW_TEXT),
        col(VIOLATIONS).as(SilverColumns.Q_VIOLATIONS),
        col(SOURCE_FILE), col(RECORD_NUMBER), col(FILE_HASH), col(FILE_VERSION), col(BATCH_ID),
        col(INGEST_RUN_ID), col(INGESTED_AT),
        lit(runId).as(SilverColumns.Q_VALIDATE_RUN_ID),
        lit(Timestamp.from(now)).as(SilverColumns.Q_QUARANTINED_AT));
  }

  /** Keys of a quarantine row: the same bronze record is quarantined once. */
  public static final List<String> QUARANTINE_KEY =
      List.of(SilverColumns.Q_DATASET, BATCH_ID, RECORD_NUMBER);

  // ---- helpers ----

  private static Column parse(String name, ColumnSpec c, BooleanValues b) {
    Column s = col(name);
    String q = "`" + name + "`";
    return switch (c.type()) {
      case STRING -> s;
      case INTEGER -> when(s.rlike("^[+-]?[0-9]{1,10}$"), expr("try_cast(" + q + " AS INT)"));
      case LONG -> when(s.rlike("^[+-]?[0-9]{1,19}$"), expr("try_cast(" + q + " AS BIGINT)"));
      case DOUBLE -> when(s.rlike("^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"),
          expr("try_cast(" + q + " AS DOUBLE)"));
      case BOOLEAN -> when(s.isin(b.trueValues().toArray()), lit(true))
          .when(s.isin(b.falseValues().toArray()), lit(false));
      case DATE -> c.format() == null ? expr("try_cast(" + q + " AS DATE)")
          : expr("to_date(try_to_timestamp(" + q + ", '" + c.format().replace("'", "\\'")
              + "'))");
      case TIMESTAMP -> c.format() == null ? expr("try_cast(" + q + " AS TIMESTAMP)")
          : expr("try_to_timestamp(" + q + ", '" + c.format().replace("'", "\\'") + "')");
    };
  }

  private static String typeHint(ColumnSpec c, BooleanValues b) {
    return switch (c.type()) {
      case BOOLEAN -> " (expected one of " + b.trueValues() + " / " + b.falseValues() + ")";
      case DATE, TIMESTAMP -> c.format() == null ? " (expected ISO-8601, e.g. 2026-01-05T10:00:00Z)"
          : " (expected " + c.format() + ")";
      default -> "";
    };
  }

  private static Column broken(RuleSpec r, DatasetContract d, Instant now) {
    if (r.check() == RuleSpec.Check.COMPARE) {
      Column left = col(r.left());
      Column right = col(r.right());
      Column ok = switch (r.op()) {
        case ">=" -> left.geq(right);
        case ">" -> left.gt(right);
        case "<=" -> left.leq(right);
        case "<" -> left.lt(right);
        case "==" -> left.equalTo(right);
        default -> left.notEqual(right);
      };
      return left.isNotNull().and(right.isNotNull()).and(not(ok));
    }
    ColumnSpec c = d.column(r.column()).orElseThrow();
    Column v = col(c.name());
    Column present = v.isNotNull();
    return switch (r.check()) {
      case NOT_NULL -> v.isNull();
      case RANGE -> {
        Column out = lit(false);
        if (r.min() != null) {
          out = out.or(v.lt(bound(c.type(), r.min())));
        }
        if (r.max() != null) {
          out = out.or(v.gt(bound(c.type(), r.max())));
        }
        yield present.and(out);
      }
      case REGEX -> present.and(not(v.rlike("^(?:" + r.pattern() + ")$")));
      case ALLOWED -> present.and(not(c.type().isNumeric()
          ? v.cast(DataTypes.DoubleType).isin(r.values().stream().map(Double::parseDouble)
              .toArray())
          : v.cast(DataTypes.StringType).isin(r.values().toArray())));
      case NOT_IN_FUTURE -> {
        Instant limit = now.plus(r.toleranceDuration());
        yield present.and(c.type() == Type.DATE
            ? v.gt(lit(Date.valueOf(LocalDate.ofInstant(limit, ZoneOffset.UTC))))
            : v.gt(lit(Timestamp.from(limit))));
      }
      case MAX_LENGTH -> present.and(length(v.cast(DataTypes.StringType))
          .gt(Integer.parseInt(r.max())));
      default -> throw new IllegalStateException("unexpected rule check " + r.check());
    };
  }

  private static Column bound(Type type, String value) {
    return switch (type) {
      case DATE -> lit(Date.valueOf(LocalDate.parse(value.substring(0, 10))));
      case TIMESTAMP -> lit(Timestamp.from(value.length() <= 10
          ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(value)));
      default -> lit(Double.parseDouble(value));
    };
  }

  private static String defaultMessage(RuleSpec r) {
    return switch (r.check()) {
      case NOT_NULL -> r.column() + " is missing";
      case RANGE -> String.format("%s is outside [%s, %s]", r.column(),
          r.min() == null ? "-∞" : r.min(), r.max() == null ? "∞" : r.max());
      case REGEX -> r.column() + " does not match " + r.pattern();
      case ALLOWED -> r.column() + " is not one of " + r.values();
      case NOT_IN_FUTURE -> r.column() + " is in the future";
      case COMPARE -> String.format("%s %s %s does not hold", r.left(), r.op(), r.right());
      case MAX_LENGTH -> r.column() + " is longer than " + r.max() + " characters";
    };
  }

  /** The value as shown in messages: quoted and cut, or withheld for PII. */
  private static Column shown(Column raw, ColumnSpec c) {
    if (c.isPii()) {
      return lit("(value withheld: " + c.pii().name().toLowerCase(Locale.ROOT) + ")");
    }
    return when(raw.isNull(), lit("null")).otherwise(concat(lit("'"),
        substring(raw, 1, SHOWN_VALUE_CHARS),
        when(length(raw).gt(SHOWN_VALUE_CHARS), lit("…")).otherwise(lit("")), lit("'")));
  }

  private static Column cut(Column value, int chars) {
    return when(length(value).gt(chars), concat(substring(value, 1, chars),
        lit("…[cut at " + chars + " of "), length(value).cast(DataTypes.StringType),
        lit(" characters; the full value is in bronze]"))).otherwise(value);
  }

  private static Column violation(String rule, String column, Severity severity,
      Column message) {
    return struct(lit(rule).as(SilverColumns.RULE),
        lit(column).cast(DataTypes.StringType).as(SilverColumns.COLUMN),
        lit(severity.spelling()).as(SilverColumns.SEVERITY),
        message.as(SilverColumns.MESSAGE));
  }

  /**
   * The broken rules of a row as an array. Built as a concat of one-or-zero-element arrays,
   * not {@code filter(array(...))}: higher-order functions are not code-generated and would
   * drag every rule below them into interpreted evaluation.
   */
  private static Column nonNull(List<Column> checks) {
    Column empty = array().cast(DataTypes.createArrayType(SilverColumns.VIOLATION));
    if (checks.isEmpty()) {
      return empty;
    }
    return concat(checks.toArray(Column[]::new));
  }

  /** One rule's contribution to the row's violations: [violation] when broken, else []. */
  private static Column ifBroken(Column isBroken, Column violation) {
    return when(isBroken, array(violation))
        .otherwise(array().cast(DataTypes.createArrayType(SilverColumns.VIOLATION)));
  }
}
