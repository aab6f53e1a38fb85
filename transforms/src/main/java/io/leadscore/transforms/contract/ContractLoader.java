package io.leadscore.transforms.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.leadscore.transforms.contract.ColumnSpec.Role;
import io.leadscore.transforms.contract.ColumnSpec.Type;
import io.leadscore.transforms.contract.DatasetContract.Format;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads and checks a contract completely before any data is touched: unknown keys, wrong
 * types, bad values and names that do not resolve are one {@link ContractException} naming the
 * file and the key of each problem.
 */
public final class ContractLoader {
  /** Canonical names: lower snake_case; a leading underscore is reserved for lineage columns. */
  public static final Pattern CANONICAL_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Set<String> DATASET_NAMES =
      Set.of(DatasetContract.LEADS, DatasetContract.EVENTS);
  /** Names the validator gives its own rules. */
  public static final Set<String> BUILT_IN_RULES =
      Set.of("malformed", "type", "field_too_long", "formula_like");

  private ContractLoader() {}

  public static Contract load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ContractException(String.format(
          "contract %s does not exist: write it (format: docs/contracts.md) or pass --contract",
          file));
    }
    try {
      return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ContractException(String.format("contract %s cannot be read: %s", file, e), e);
    }
  }

  /** Parses contract text; {@code origin} names it in messages (a file path). */
  public static Contract parse(String origin, String yaml) {
    // YAML 1.1 reads Yes/No/On/Off as booleans; a contract names such spellings as text.
    YAMLFactory yaml11Safe = YAMLFactory.builder()
        .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();
    ObjectMapper mapper = new ObjectMapper(yaml11Safe)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    JsonNode tree;
    try {
      tree = mapper.readTree(yaml);
    } catch (IOException e) {
      throw new ContractException(String.format("contract %s is not valid YAML: %s", origin,
          firstLine(e.getMessage())), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ContractException(String.format("contract %s is empty or not a YAML mapping",
          origin));
    }
    Contract contract;
    try {
      contract = mapper.treeToValue(tree, Contract.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ContractException(String.format(
          "contract %s: unknown key '%s' at %s (known keys there: %s; see docs/contracts.md)",
          origin, e.getPropertyName(), keyPath(e), known), e);
    } catch (JsonMappingException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root instanceof IllegalArgumentException ? root.getMessage()
          : firstLine(e.getOriginalMessage());
      throw new ContractException(String.format("contract %s: key '%s' is missing or invalid: %s",
          origin, keyPath(e), why), e);
    } catch (JsonProcessingException e) {
      throw new ContractException(String.format("contract %s: %s", origin,
          firstLine(e.getOriginalMessage())), e);
    }
    List<String> problems = new ArrayList<>();
    check(contract, problems);
    if (!problems.isEmpty()) {
      throw new ContractException(String.format("contract %s is invalid: %s", origin,
          String.join("; ", problems)));
    }
    return contract.withContentHash(sha256(yaml));
  }

  /** Also checks that the contract is the one of {@code source}. */
  public static Contract loadFor(Path file, String source) {
    Contract c = load(file);
    requireSource(file.toString(), c, source);
    return c;
  }

  public static void requireSource(String origin, Contract c, String source) {
    if (!c.source().equals(source)) {
      throw new ContractException(String.format(
          "contract %s is for source '%s', not '%s': pass the right --contract or --source",
          origin, c.source(), source));
    }
  }

  private static void check(Contract c, List<String> problems) {
    if (c.version() != Contract.FORMAT_VERSION) {
      problems.add(String.format("contract must be %d (the only format version), cannot be: %s",
          Contract.FORMAT_VERSION, c.version()));
    }
    if (c.source() == null || !CANONICAL_NAME.matcher(c.source()).matches()) {
      problems.add(String.format(
          "source must be lower snake_case (a-z, 0-9, _; starting with a letter), cannot be: %s",
          c.source()));
    }
    if (c.datasets().isEmpty()) {
      problems.add("datasets must name at least 'leads'");
    }
    for (Map.Entry<String, DatasetContract> e : c.datasets().entrySet()) {
      if (!DATASET_NAMES.contains(e.getKey())) {
        problems.add(String.format("datasets.%s: dataset names are 'leads' and 'events', cannot be:"
            + " %s", e.getKey(), e.getKey()));
      } else if (e.getValue() == null) {
        problems.add(String.format("datasets.%s is empty", e.getKey()));
      } else {
        checkDataset("datasets." + e.getKey(), e.getValue(), problems);
      }
    }
    if (!c.datasets().containsKey(DatasetContract.LEADS)) {
      problems.add("datasets.leads is missing: every source has a leads dataset");
    }
  }

  private static void checkDataset(String at, DatasetContract d, List<String> problems) {
    boolean leads = DatasetContract.LEADS.equals(d.name());
    String landing = d.landing();
    if (landing == null || landing.isBlank()) {
      problems.add(at + ".landing must be a file pattern relative to lakehouse.landing");
    } else if (landing.contains("://") || landing.startsWith("/") || landing.contains("..")) {
      problems.add(String.format("%s.landing must be relative to lakehouse.landing (no scheme,"
          + " no leading /, no ..), cannot be: %s", at, landing));
    }
    checkOptions(at + ".options", d, problems);
    if (d.maxFieldLength() < 1) {
      problems.add(String.format("%s.maxFieldLength must be ≥ 1, cannot be: %s", at,
          d.maxFieldLength()));
    }
    if (d.columns().isEmpty()) {
      problems.add(at + ".columns must list at least one column");
    }
    Set<String> names = new HashSet<>();
    Set<String> sources = new HashSet<>();
    Map<Role, String> roles = new EnumMap<>(Role.class);
    for (int i = 0; i < d.columns().size(); i++) {
      ColumnSpec col = d.columns().get(i);
      String cat = String.format("%s.columns[%d] (%s)", at, i, col.name());
      if (col.name() == null || !CANONICAL_NAME.matcher(col.name()).matches()) {
        problems.add(String.format("%s: name must be lower snake_case starting with a letter,"
            + " cannot be: %s", cat, col.name()));
      } else if (!names.add(col.name())) {
        problems.add(String.format("%s: name %s is used twice", cat, col.name()));
      }
      if (col.source() == null || col.source().isBlank()) {
        problems.add(cat + ": source (the column's name in the file) must not be empty");
      } else if (!sources.add(col.source())) {
        problems.add(String.format("%s: source column '%s' is mapped twice", cat, col.source()));
      }
      if (col.role() != null) {
        String before = roles.put(col.role(), col.name());
        if (before != null) {
          problems.add(String.format("%s: role %s is already %s (one column per role)", cat,
              Names.spelling(col.role()), before));
        }
        checkRole(cat, leads, col, problems);
      }
      if (col.format() != null && !col.type().isTemporal()) {
        problems.add(String.format("%s: format is for date/timestamp columns, not %s", cat,
            Names.spelling(col.type())));
      }
      if (col.booleans() != null && col.type() != Type.BOOLEAN) {
        problems.add(String.format("%s: booleans is for type boolean, not %s", cat,
            Names.spelling(col.type())));
      }
      checkBooleans(cat + ".booleans", d.booleansOf(col), problems);
      if (col.pii() != null && col.type() != Type.STRING) {
        problems.add(String.format("%s: pii columns must be type string, not %s", cat,
            Names.spelling(col.type())));
      }
      if (col.pii() != null && col.role() != null) {
        problems.add(String.format("%s: a pii column cannot have role %s (it is hashed before"
            + " silver)", cat, Names.spelling(col.role())));
      }
    }
    if (!roles.containsKey(Role.ID)) {
      problems.add(at + ": no column has role id (the dedup key); mark exactly one");
    }
    checkTiming(at + ".timing", leads, d, roles, problems);
    checkRules(at + ".rules", d, problems);
    checkChecks(at + ".checks", d, problems);
  }

  private static void checkRole(String cat, boolean leads, ColumnSpec col, List<String> problems) {
    Role role = col.role();
    switch (role) {
      case ID, LEAD_REF -> {
        if (col.nullable()) {
          problems.add(String.format("%s: the %s column must be nullable: false", cat,
              Names.spelling(role)));
        }
        if (!col.required()) {
          problems.add(String.format("%s: the %s column cannot be required: false", cat,
              Names.spelling(role)));
        }
      }
      case CREATED_AT, UPDATED_AT, LABEL_EVENT, EVENT_TIME -> {
        if (!col.type().isTemporal()) {
          problems.add(String.format("%s: role %s needs type date or timestamp, not %s", cat,
              Names.spelling(role), Names.spelling(col.type())));
        }
      }
      case LABEL -> {
        if (col.type() != Type.INTEGER && col.type() != Type.LONG && col.type() != Type.BOOLEAN) {
          problems.add(String.format("%s: role label needs a 0/1 column of type integer (or"
              + " boolean), not %s", cat, Names.spelling(col.type())));
        }
      }
      default -> { }
    }
    boolean eventRole = role == Role.LEAD_REF || role == Role.EVENT_TIME
        || role == Role.EVENT_TYPE;
    boolean leadRole = role == Role.LABEL || role == Role.LABEL_EVENT
        || role == Role.CREATED_AT;
    if (leads && eventRole) {
      problems.add(String.format("%s: role %s belongs to an events dataset", cat,
          Names.spelling(role)));
    }
    if (!leads && leadRole) {
      problems.add(String.format("%s: role %s belongs to the leads dataset", cat,
          Names.spelling(role)));
    }
  }

  private static void checkOptions(String at, DatasetContract d, List<String> problems) {
    ReaderOptions o = d.options();
    if (d.format() == Format.CSV) {
      for (Map.Entry<String, String> e : Map.of("delimiter", o.delimiter(), "quote", o.quote(),
          "escape", o.escape()).entrySet()) {
        if (e.getValue().length() != 1) {
          problems.add(String.format("%s.%s must be one character, cannot be: '%s'", at,
              e.getKey(), e.getValue()));
        }
      }
      if (!o.header()) {
        problems.add(at + ".header must be true: columns are matched by their header names");
      }
    }
    try {
      Charset cs = Charset.forName(o.encoding());
      if (d.format() == Format.JSON && !cs.equals(StandardCharsets.UTF_8)) {
        problems.add(String.format("%s.encoding: JSON lines must be UTF-8, cannot be: %s", at,
            o.encoding()));
      }
    } catch (RuntimeException e) {
      problems.add(String.format("%s.encoding is not a known character set, cannot be: %s", at,
          o.encoding()));
    }
  }

  private static void checkBooleans(String at, BooleanValues b, List<String> problems) {
    if (b.trueValues().isEmpty() || b.falseValues().isEmpty()) {
      problems.add(at + " needs at least one true and one false spelling");
    }
    Set<String> both = new HashSet<>(b.trueValues());
    both.retainAll(b.falseValues());
    if (!both.isEmpty()) {
      problems.add(String.format("%s: %s are both true and false", at, both));
    }
  }

  private static void checkTiming(String at, boolean leads, DatasetContract d,
      Map<Role, String> roles, List<String> problems) {
    Timing t = d.timing();
    if (!leads) {
      if (!t.equals(Timing.DEFAULT)) {
        problems.add(at + ": timing belongs to the leads dataset");
      }
      if (!roles.containsKey(Role.LEAD_REF)) {
        problems.add(at.replace(".timing", "") + ": an events dataset needs a column with role"
            + " lead_ref (the lead id)");
      }
      return;
    }
    try {
      if (t.asOf() == Timing.AsOf.CREATED_PLUS) {
        if (!roles.containsKey(Role.CREATED_AT)) {
          problems.add(at + ": asOf created_plus needs a column with role created_at");
        }
        if (t.delay() == null) {
          problems.add(at + ": asOf created_plus needs delay (e.g. 7d)");
        } else {
          t.delayDuration();
        }
      } else if (t.delay() != null) {
        problems.add(at + ": delay only applies to asOf created_plus");
      }
      if (t.snapshotDate() != null) {
        if (t.asOf() != Timing.AsOf.SNAPSHOT) {
          problems.add(at + ": snapshotDate only applies to asOf snapshot");
        }
        LocalDate.parse(t.snapshotDate());
      }
      boolean labelEvent = roles.containsKey(Role.LABEL_EVENT);
      if (labelEvent && t.labelWindow() == null) {
        problems.add(at + ": a label_event column needs timing.labelWindow (e.g. 30d)");
      }
      if (!labelEvent && t.labelWindow() != null) {
        problems.add(at + ": labelWindow needs a column with role label_event");
      }
      if (t.labelWindow() != null) {
        t.labelWindowDuration();
      }
      if (labelEvent && roles.containsKey(Role.LABEL)) {
        problems.add(at + ": a dataset has a label column or a label_event column, not both");
      }
    } catch (RuntimeException e) {
      problems.add(at + ": " + e.getMessage());
    }
  }

  private static void checkRules(String at, DatasetContract d, List<String> problems) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < d.rules().size(); i++) {
      RuleSpec r = d.rules().get(i);
      String rat = String.format("%s[%d] (%s)", at, i, r.name());
      if (r.name() == null || !CANONICAL_NAME.matcher(r.name()).matches()) {
        problems.add(String.format("%s: name must be lower snake_case, cannot be: %s", rat,
            r.name()));
      } else if (BUILT_IN_RULES.contains(r.name())) {
        problems.add(String.format("%s: %s is the name of a built-in rule", rat, r.name()));
      } else if (!names.add(r.name())) {
        problems.add(String.format("%s: rule name %s is used twice", rat, r.name()));
      }
      if (r.check() == RuleSpec.Check.COMPARE) {
        ColumnSpec left = known(rat + ".left", d, r.left(), problems);
        ColumnSpec right = known(rat + ".right", d, r.right(), problems);
        if (!RuleSpec.COMPARE_OPS.contains(r.op())) {
          problems.add(String.format("%s.op must be one of %s, cannot be: %s", rat,
              RuleSpec.COMPARE_OPS, r.op()));
        }
        if (left != null && right != null && comparable(left.type()) != comparable(right.type())) {
          problems.add(String.format("%s: cannot compare %s (%s) with %s (%s)", rat,
              left.name(), Names.spelling(left.type()), right.name(),
              Names.spelling(right.type())));
        }
        continue;
      }
      ColumnSpec col = known(rat + ".column", d, r.column(), problems);
      if (col == null) {
        continue;
      }
      try {
        switch (r.check()) {
          case RANGE -> {
            if (r.min() == null && r.max() == null) {
              problems.add(rat + ": range needs min, max or both");
            }
            if (!col.type().isNumeric() && !col.type().isTemporal()) {
              problems.add(String.format("%s: range needs a numeric, date or timestamp column;"
                  + " %s is %s", rat, col.name(), Names.spelling(col.type())));
            } else {
              parseBound(col.type(), r.min());
              parseBound(col.type(), r.max());
            }
          }
          case REGEX -> {
            if (r.pattern() == null) {
              problems.add(rat + ": regex needs pattern");
            } else {
              Pattern.compile(r.pattern());
            }
            if (col.type() != Type.STRING) {
              problems.add(String.format("%s: regex needs a string column; %s is %s", rat,
                  col.name(), Names.spelling(col.type())));
            }
          }
          case ALLOWED -> {
            if (r.values() == null || r.values().isEmpty()) {
              problems.add(rat + ": allowed needs values");
            } else if (col.type() != Type.STRING) {
              for (String v : r.values()) {
                parseBound(col.type() == Type.BOOLEAN ? Type.STRING : col.type(), v);
              }
            }
          }
          case NOT_IN_FUTURE -> {
            if (!col.type().isTemporal()) {
              problems.add(String.format("%s: not_in_future needs a date or timestamp column;"
                  + " %s is %s", rat, col.name(), Names.spelling(col.type())));
            }
            r.toleranceDuration();
          }
          case MAX_LENGTH -> {
            if (r.max() == null) {
              problems.add(rat + ": max_length needs max");
            } else if (Integer.parseInt(r.max()) < 1) {
              problems.add(rat + ": max_length max must be ≥ 1, cannot be: " + r.max());
            }
          }
          default -> { }
        }
      } catch (PatternSyntaxException e) {
        problems.add(String.format("%s: pattern is not a valid regular expression: %s", rat,
            firstLine(e.getMessage())));
      } catch (RuntimeException e) {
        problems.add(String.format("%s: %s", rat, e.getMessage()));
      }
    }
  }

  private static void checkChecks(String at, DatasetContract d, List<String> problems) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < d.checks().size(); i++) {
      CheckSpec c = d.checks().get(i);
      String cat = String.format("%s[%d] (%s)", at, i, c.name());
      if (c.name() == null || !CANONICAL_NAME.matcher(c.name()).matches()) {
        problems.add(String.format("%s: name must be lower snake_case, cannot be: %s", cat,
            c.name()));
      } else if (!names.add(c.name())) {
        problems.add(String.format("%s: check name %s is used twice", cat, c.name()));
      }
      switch (c.check()) {
        case COMPLETENESS, UNIQUENESS, DISTINCTNESS -> {
          if (c.columns().isEmpty()) {
            problems.add(cat + ": needs column (or columns)");
          }
          if (c.check() == CheckSpec.Kind.COMPLETENESS && c.columns().size() > 1) {
            problems.add(cat + ": completeness takes one column");
          }
          c.columns().forEach(name -> known(cat + ".columns", d, name, problems));
          fraction(cat, c, problems);
        }
        case QUARANTINE_RATE -> fraction(cat, c, problems);
        case ROW_COUNT -> {
          if (c.min() == null && c.max() == null) {
            problems.add(cat + ": row_count needs min, max or both");
          }
        }
        case ROW_COUNT_CHANGE -> {
          if (c.maxDecrease() == null && c.maxIncrease() == null) {
            problems.add(cat + ": row_count_change needs maxDecrease, maxIncrease or both");
          }
          if ((c.maxDecrease() != null && (c.maxDecrease() < 0 || c.maxDecrease() > 1))
              || (c.maxIncrease() != null && c.maxIncrease() < 0)) {
            problems.add(String.format("%s: maxDecrease must be in [0, 1] and maxIncrease ≥ 0,"
                + " cannot be: %s / %s", cat, c.maxDecrease(), c.maxIncrease()));
          }
          if (c.history() < 1) {
            problems.add(cat + ": history must be ≥ 1, cannot be: " + c.history());
          }
        }
        default -> { }
      }
    }
  }

  private static void fraction(String at, CheckSpec c, List<String> problems) {
    if (c.min() == null && c.max() == null) {
      problems.add(at + ": needs min, max or both (fractions 0..1)");
    }
    for (Double v : new Double[] {c.min(), c.max()}) {
      if (v != null && (v < 0 || v > 1)) {
        problems.add(String.format("%s: thresholds of %s are fractions in [0, 1], cannot be: %s",
            at, Names.spelling(c.check()), v));
      }
    }
  }

  private static ColumnSpec known(String at, DatasetContract d, String name,
      List<String> problems) {
    if (name == null) {
      problems.add(at + " is missing: name a column of the dataset");
      return null;
    }
    return d.column(name).orElseGet(() -> {
      problems.add(String.format("%s names column '%s', which the dataset does not declare"
          + " (declared: %s)", at, name, String.join(", ", d.columnNames())));
      return null;
    });
  }

  private static int comparable(Type t) {
    return t.isNumeric() ? 1 : t.isTemporal() ? 2 : t == Type.BOOLEAN ? 3 : 4;
  }

  /** Checks that a bound parses for the column type; returns it as text for Spark literals. */
  static void parseBound(Type type, String value) {
    if (value == null) {
      return;
    }
    switch (type) {
      case INTEGER, LONG, DOUBLE -> {
        try {
          Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + value + "' is not a number");
        }
      }
      case DATE -> LocalDate.parse(value);
      case TIMESTAMP -> {
        try {
          java.time.Instant.parse(value);
        } catch (RuntimeException e) {
          LocalDate.parse(value);
        }
      }
      default -> { }
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String keyPath(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
    return path.replace(".[", "[");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
