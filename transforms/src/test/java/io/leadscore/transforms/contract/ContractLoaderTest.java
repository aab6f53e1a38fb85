package io.leadscore.transforms.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.testing.SparkTestSupport;
import io.leadscore.transforms.contract.ColumnSpec.Role;
import io.leadscore.transforms.contract.ColumnSpec.Type;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContractLoaderTest {

  private static final String MINIMAL = String.join("\n",
      "contract: 1",
      "source: demo",
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: demo/leads/**/*.csv",
      "    columns:",
      "      - { source: Lead Id, name: lead_id, role: id, nullable: false }",
      "      - { source: When, name: created_at, type: timestamp, role: created_at }",
      "      - { source: Mail, name: email, pii: email }",
      "      - { source: Budget, name: budget, type: double }",
      "");

  @Test
  void readsTheXEducationContract() {
    Contract c = ContractLoader.loadFor(
        SparkTestSupport.projectRoot().resolve("conf/contracts/xeducation.yaml"), "xeducation");
    DatasetContract leads = c.leads();
    assertThat(c.events()).isEmpty();
    assertThat(leads.columns()).hasSize(37);
    assertThat(leads.idColumn().name()).isEqualTo("prospect_id");
    assertThat(leads.columnWithRole(Role.LABEL).orElseThrow().name()).isEqualTo("converted");
    assertThat(leads.missingTokens()).containsExactly("", "Select", "unknown");
    // YAML 1.1 would read Yes/No as booleans; the contract must keep the spellings.
    assertThat(leads.booleans().trueValues()).containsExactly("Yes");
    assertThat(leads.booleans().falseValues()).containsExactly("No");
    ColumnSpec source = leads.column("lead_source").orElseThrow();
    assertThat(leads.normalisationOf(source).variants()).containsEntry("google", "Google");
    assertThat(leads.normalisationOf(source).trim()).isTrue();
    // The leakage detector must find these by itself: nothing marks them.
    for (String name : new String[] {"tags", "lead_quality", "lead_profile"}) {
      ColumnSpec col = leads.column(name).orElseThrow();
      assertThat(col.leaky()).isNull();
      assertThat(col.isFeatureCandidate()).isTrue();
    }
    assertThat(leads.column("lead_number").orElseThrow().isFeatureCandidate()).isFalse();
    assertThat(leads.column("prospect_id").orElseThrow().isFeatureCandidate()).isFalse();
    assertThat(leads.column("converted").orElseThrow().isFeatureCandidate()).isFalse();
    assertThat(leads.timing().asOf()).isEqualTo(Timing.AsOf.SNAPSHOT);
    assertThat(c.contentHash()).hasSize(64);
  }

  @Test
  void appliesDefaults() {
    Contract c = ContractLoader.parse("t.yaml", MINIMAL);
    DatasetContract d = c.leads();
    assertThat(d.options().delimiter()).isEqualTo(",");
    assertThat(d.options().encoding()).isEqualTo("UTF-8");
    assertThat(d.missingTokens()).containsExactly("");
    assertThat(d.maxFieldLength()).isEqualTo(10_000);
    assertThat(d.column("budget").orElseThrow().kind()).isEqualTo(ColumnSpec.Kind.NUMERIC);
    assertThat(d.column("lead_id").orElseThrow().kind()).isEqualTo(ColumnSpec.Kind.IDENTIFIER);
    assertThat(d.column("created_at").orElseThrow().type()).isEqualTo(Type.TIMESTAMP);
    assertThat(d.piiColumns()).extracting(ColumnSpec::name).containsExactly("email");
    assertThat(d.featureCandidates()).extracting(ColumnSpec::name).containsExactly("budget");
  }

  @Test
  void rejectsAnUnknownKeyNamingIt() {
    String yaml = MINIMAL.replace("    format: csv", "    format: csv\n    delimitr: ';'");
    assertThatThrownBy(() -> ContractLoader.parse("t.yaml", yaml))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("t.yaml")
        .hasMessageContaining("unknown key 'delimitr'")
        .hasMessageContaining("datasets.leads");
  }

  @Test
  void rejectsABadEnumValueWithTheAllowedOnes() {
    String yaml = MINIMAL.replace("type: double", "type: money");
    assertThatThrownBy(() -> ContractLoader.parse("t.yaml", yaml))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("datasets.leads.columns[3].type")
        .hasMessageContaining("type must be one of string, integer, long, double")
        .hasMessageContaining("money");
  }

  @Test
  void rejectsMalformedYaml() {
    assertThatThrownBy(() -> ContractLoader.parse("t.yaml", "contract: 1\n  source: [x"))
        .isInstanceOf(ContractException.class).hasMessageContaining("t.yaml is not valid YAML");
  }

  @Test
  void collectsEverySemanticProblem() {
    String yaml = MINIMAL
        .replace("role: id, nullable: false", "nullable: false")
        .replace("name: budget, type: double", "name: budget, type: double, pii: phone")
        + String.join("\n",
        "    rules:",
        "      - { name: r1, check: range, column: nowhere, min: 0 }",
        "      - { name: r2, check: regex, column: email, pattern: '[a-' }",
        "      - { name: r3, check: compare, left: created_at, op: '=>', right: budget }",
        "      - { name: type, check: not_null, column: email }",
        "    checks:",
        "      - { name: c1, check: completeness, column: missing_col, min: 1.5 }",
        "");
    assertThatThrownBy(() -> ContractLoader.parse("t.yaml", yaml))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("no column has role id")
        .hasMessageContaining("pii columns must be type string")
        .hasMessageContaining("names column 'nowhere', which the dataset does not declare")
        .hasMessageContaining("pattern is not a valid regular expression")
        .hasMessageContaining("op must be one of")
        .hasMessageContaining("cannot compare created_at (timestamp) with budget (double)")
        .hasMessageContaining("type is the name of a built-in rule")
        .hasMessageContaining("names column 'missing_col'")
        .hasMessageContaining("fractions in [0, 1], cannot be: 1.5");
  }

  @Test
  void checksTimingAndLabels() {
    String yaml = MINIMAL.replace("      - { source: Budget",
        "      - { source: Won, name: converted_at, type: timestamp, role: label_event }\n"
            + "      - { source: Budget")
        + "    timing: { asOf: created_plus }\n";
    assertThatThrownBy(() -> ContractLoader.parse("t.yaml", yaml))
        .hasMessageContaining("created_plus needs delay")
        .hasMessageContaining("label_event column needs timing.labelWindow");
    Contract ok = ContractLoader.parse("t.yaml", MINIMAL.replace("      - { source: Budget",
        "      - { source: Won, name: converted_at, type: timestamp, role: label_event }\n"
            + "      - { source: Budget")
        + "    timing: { asOf: created_plus, delay: 7d, labelWindow: P30D }\n");
    assertThat(ok.leads().timing().delayDuration()).hasDays(7);
    assertThat(ok.leads().timing().labelWindowDuration()).hasDays(30);
  }

  @Test
  void requiresTheRightSourceAndAnExistingFile() {
    assertThatThrownBy(() -> ContractLoader.loadFor(
        SparkTestSupport.projectRoot().resolve("conf/contracts/xeducation.yaml"), "synthetic"))
        .hasMessageContaining("is for source 'xeducation', not 'synthetic'");
    assertThatThrownBy(() -> ContractLoader.load(Path.of("/nonexistent/c.yaml")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void eventsNeedALeadReference() {
    String yaml = MINIMAL + String.join("\n",
        "  events:",
        "    format: json",
        "    landing: demo/events/**/*.json",
        "    columns:",
        "      - { source: event_id, name: event_id, role: id, nullable: false }",
        "");
    assertThatThrownBy(() -> ContractLoader.parse("t.yaml", yaml))
        .hasMessageContaining("needs a column with role lead_ref");
  }
}
