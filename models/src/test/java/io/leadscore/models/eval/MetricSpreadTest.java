package io.leadscore.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricSpreadTest {

  @Test
  void meanAndSampleStandardDeviation() {
    MetricSpread s = MetricSpread.of("roc_auc", 0.90, 0.92, 0.94, 0.96, 0.98);
    assertThat(s.mean()).isCloseTo(0.94, within(1e-12));
    // Σ(v − mean)² = 4·(0.02² + 0.04²)/… : 0.004 / 4 = 0.001 → √ = 0.0316227766
    assertThat(s.std()).isCloseTo(Math.sqrt(0.001), within(1e-12));
    assertThat(s.min()).isEqualTo(0.90);
    assertThat(s.max()).isEqualTo(0.98);
    assertThat(s.folds()).isEqualTo(5);
    assertThat(s.format()).isEqualTo("0.9400 ± 0.0316 (5 folds)");
    assertThat(s.toString()).isEqualTo("roc_auc 0.9400 ± 0.0316 (5 folds)");
  }

  @Test
  void oneFoldHasNoSpreadAndNoFoldIsAnError() {
    assertThat(MetricSpread.of("x", 0.5).std()).isEqualTo(0.0);
    assertThat(MetricSpread.of("x", 0.5).format()).isEqualTo("0.5000 ± 0.0000 (1 fold)");
    assertThatThrownBy(() -> MetricSpread.of("x"))
        .hasMessage("a spread of 'x' needs at least one fold");
    assertThatThrownBy(() -> MetricSpread.of("x", 0.5, Double.NaN))
        .hasMessage("metric 'x' must be finite in every fold, cannot be: NaN");
  }
}
