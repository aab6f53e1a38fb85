package io.leadscore.transforms.silver;

import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.ColumnSpec.Role;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.contract.RuleSpec;
import io.leadscore.transforms.contract.RuleSpec.Check;
import io.leadscore.transforms.contract.RuleSpec.Severity;
import java.util.ArrayList;
import java.util.List;

/** The rules a dataset's rows are checked against: the built-in ones and the contract's. */
public final class Rules {
  public static final String MALFORMED = "malformed";
  public static final String TYPE = "type";
  public static final String FIELD_TOO_LONG = "field_too_long";
  public static final String FORMULA_LIKE = "formula_like";

  private Rules() {}

  /** Every rule in reporting order: built-ins first (per column where they apply). */
  public static List<RuleSpec> effective(DatasetContract d) {
    List<RuleSpec> rules = new ArrayList<>();
    rules.add(RuleSpec.builtIn(MALFORMED, null, null, Severity.ERROR,
        "the record could not be split into the file's columns"));
    for (ColumnSpec c : d.columns()) {
      if (c.type() != ColumnSpec.Type.STRING) {
        rules.add(RuleSpec.builtIn(TYPE, null, c.name(), d.typeErrors(),
            "not a valid " + c.type().name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    for (ColumnSpec c : d.columns()) {
      rules.add(RuleSpec.builtIn(FIELD_TOO_LONG, Check.MAX_LENGTH, c.name(), Severity.ERROR,
          "longer than maxFieldLength " + d.maxFieldLength()));
    }
    if (d.formulaCells() != DatasetContract.FormulaPolicy.IGNORE) {
      Severity s = d.formulaCells() == DatasetContract.FormulaPolicy.ERROR ? Severity.ERROR
          : Severity.WARNING;
      for (ColumnSpec c : d.columns()) {
        if (c.type() == ColumnSpec.Type.STRING) {
          rules.add(RuleSpec.builtIn(FORMULA_LIKE, Check.REGEX, c.name(), s,
              "looks like a spreadsheet formula (kept as text)"));
        }
      }
    }
    rules.addAll(notNull(d));
    rules.addAll(valueRules(d));
    return rules;
  }

  /** Built-in not-null rules, checked on the text (so a type error is not also "missing"). */
  public static List<RuleSpec> notNull(DatasetContract d) {
    return d.columns().stream().filter(c -> !c.nullable())
        .map(c -> RuleSpec.builtIn(c.name() + "_not_null", Check.NOT_NULL, c.name(),
            Severity.ERROR, "is missing"))
        .toList();
  }

  /** The rules checked on typed values: label 0/1 and the contract's own. */
  public static List<RuleSpec> valueRules(DatasetContract d) {
    List<RuleSpec> rules = new ArrayList<>();
    d.columnWithRole(Role.LABEL).filter(c -> c.type() != ColumnSpec.Type.BOOLEAN)
        .ifPresent(c -> rules.add(labelRule(c)));
    rules.addAll(d.rules());
    return rules;
  }

  private static RuleSpec labelRule(ColumnSpec c) {
    return new RuleSpec(c.name() + "_is_0_or_1", Check.ALLOWED, c.name(), Severity.ERROR,
        "the label must be 0 or 1", null, null, null, List.of("0", "1"), null, null, null, null);
  }
}
