package io.leadscore.models.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.Calibration;
import io.leadscore.models.eval.EvaluationOptions;
import io.leadscore.models.eval.LiftGroup;
import io.leadscore.models.eval.ThresholdMetrics;
import io.leadscore.models.mlflow.ModelVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate's decision logic on given figures (the server-backed flow: GateAgainstServerTest). */
class GateDecisionTest {

  private static final GatePolicy POLICY = GatePolicy.of(
      List.of(Criterion.parse("roc_auc >= 0.70"), Criterion.parse("ece <= 0.05")),
      "roc_auc", 0.01);

  private static BinaryMetrics metrics(double rocAuc, double logLoss) {
    return new BinaryMetrics(1000, 300, 700, rocAuc, 0.5, logLoss, 0.2,
        new Calibration(0.01, 0.02, List.of()),
        List.of(new LiftGroup(1, 100, 50, 0.5, 1.67, 100, 50, 0.167, 1.67, 0.8)),
        new ThresholdMetrics(0.5, 10, 10, 10, 10, 0.5, 0.5, 0.5, 0.5),
        List.of(), List.of(), EvaluationOptions.defaults());
  }

  private static Optional<Champion> champion(double rocAuc) {
    return Optional.of(Champion.scored(
        new ModelVersion("m", "3", "READY", "src", "run-3", List.of("champion"), Map.of()),
        metrics(rocAuc, 0.5)));
  }

  @Test
  void withoutAChampionTheCriteriaAloneDecide() {
    GateDecision d = new ChampionChallengerGate(POLICY).decide(
        Map.of("roc_auc", 0.80, "ece", 0.03), Optional.empty());
    assertThat(d.promote()).isTrue();
    assertThat(d.verdict()).isEqualTo("promoted");
    assertThat(d.reasons()).containsExactly(
        "roc_auc 0.8000 (needs >= 0.7000): pass",
        "ece 0.0300 (needs <= 0.0500): pass",
        "no champion yet: the criteria alone decide");
  }

  @Test
  void aFailedCriterionRejectsEvenWithoutChampion() {
    GateDecision d = new ChampionChallengerGate(POLICY).decide(
        Map.of("roc_auc", 0.80, "ece", 0.08), Optional.empty());
    assertThat(d.promote()).isFalse();
    assertThat(d.reasons()).contains("ece 0.0800 (needs <= 0.0500): FAIL");
    assertThat(d.summary()).startsWith("rejected: roc_auc 0.8000");
  }

  @Test
  void theChallengerMustBeatTheChampionByTheMargin() {
    ChampionChallengerGate gate = new ChampionChallengerGate(POLICY);
    Map<String, Double> challenger = Map.of("roc_auc", 0.805, "ece", 0.03);
    GateDecision worse = gate.decide(challenger, champion(0.83));
    assertThat(worse.promote()).isFalse();
    assertThat(worse.reasons().get(2)).isEqualTo("roc_auc 0.8050 vs champion v3 0.8300 on the "
        + "same 1000 test rows: improvement -0.0250 (needs > 0 and ≥ 0.0100): FAIL");
    assertThat(gate.decide(challenger, champion(0.80)).promote())
        .as("better by 0.005 < margin 0.01").isFalse();
    assertThat(gate.decide(challenger, champion(0.79)).promote())
        .as("better by 0.015 ≥ margin").isTrue();
    GatePolicy noMargin = GatePolicy.of(POLICY.criteria(), "roc_auc", 0.0);
    assertThat(new ChampionChallengerGate(noMargin).decide(challenger, champion(0.805))
        .promote()).as("a tie does not replace the champion").isFalse();
  }

  @Test
  void lowerIsBetterMetricsCompareTheOtherWay() {
    GatePolicy byLogLoss = GatePolicy.of(List.of(), "log_loss", 0.0);
    assertThat(byLogLoss.higherIsBetter()).isFalse();
    ChampionChallengerGate gate = new ChampionChallengerGate(byLogLoss);
    Optional<Champion> champ = Optional.of(Champion.scored(
        new ModelVersion("m", "1", "READY", "s", "r", List.of(), Map.of()), metrics(0.8, 0.40)));
    assertThat(gate.decide(metrics(0.8, 0.35), champ).promote()).isTrue();
    assertThat(gate.decide(metrics(0.8, 0.45), champ).promote()).isFalse();
  }

  @Test
  void aChampionThatCannotScoreTheRowsLeavesTheDecisionToTheCriteria() {
    Optional<Champion> broken = Optional.of(Champion.unscorable(
        new ModelVersion("m", "2", "READY", "s", "r", List.of(), Map.of()),
        "column old_feature does not exist"));
    GateDecision d = new ChampionChallengerGate(POLICY).decide(
        Map.of("roc_auc", 0.75, "ece", 0.01), broken);
    assertThat(d.promote()).isTrue();
    assertThat(d.reasons().get(2)).isEqualTo("champion v2 cannot score the test rows (column "
        + "old_feature does not exist): the criteria alone decide");
  }

  @Test
  void misconfigurationIsAClearError() {
    ChampionChallengerGate gate = new ChampionChallengerGate(
        GatePolicy.of(List.of(Criterion.atLeast("auc", 0.7)), "roc_auc", 0));
    assertThatThrownBy(() -> gate.decide(Map.of("roc_auc", 0.8), Optional.empty()))
        .hasMessage("gate criterion metric 'auc' is not among the challenger's metrics [roc_auc]");
    assertThatThrownBy(() -> Criterion.parse("roc_auc > 0.7"))
        .hasMessage("criterion must look like 'roc_auc >= 0.75' or 'ece <= 0.05', cannot be: "
            + "roc_auc > 0.7");
    assertThat(Criterion.parse(" ece≤0.05 ")).isEqualTo(Criterion.atMost("ece", 0.05));
    assertThatThrownBy(() -> GatePolicy.of(List.of(), "roc_auc", -0.1))
        .hasMessage("minImprovement must be ≥ 0, cannot be: -0.1");
    assertThatThrownBy(() -> POLICY.withAliases("champion", "champion"))
        .hasMessage("champion and challenger aliases must differ, cannot both be: champion");
  }
}
