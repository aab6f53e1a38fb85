package io.leadscore.features.leakage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.leadscore.features.leakage.LevelStatistics.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-level statistics against naive computations over individual rows. */
class LevelStatisticsTest {

  @Test
  void aucByRateEqualsPairCountingOverRows() {
    Random rnd = new Random(5);
    for (int round = 0; round < 50; round++) {
      List<Level> levels = new ArrayList<>();
      int k = 1 + rnd.nextInt(8);
      for (int i = 0; i < k; i++) {
        long n = 1 + rnd.nextInt(40);
        // some levels share a rate on purpose (ties between levels)
        long p = rnd.nextInt(4) == 0 ? n / 2 : rnd.nextInt((int) n + 1);
        levels.add(new Level("l" + i, n, p));
      }
      // rows: (score = level rate, label)
      List<double[]> rows = new ArrayList<>();
      for (Level l : levels) {
        for (int j = 0; j < l.rows(); j++) {
          rows.add(new double[] {l.rate(), j < l.positives() ? 1 : 0});
        }
      }
      double wins = 0;
      long pairs = 0;
      for (double[] a : rows) {
        for (double[] b : rows) {
          if (a[1] == 1 && b[1] == 0) {
            pairs++;
            wins += a[0] > b[0] ? 1 : a[0] == b[0] ? 0.5 : 0;
          }
        }
      }
      double auc = LevelStatistics.aucByRate(levels);
      if (pairs == 0) {
        assertThat(auc).isNaN();
      } else {
        assertThat(auc).isCloseTo(wins / pairs, within(1e-12));
      }
    }
  }

  @Test
  void cramersVOfATwoByTwoTableIsThePhiCoefficient() {
    // a=30 converted of 40, b=10 converted of 60: phi = (30*50 - 10*10) / sqrt(40*60*40*60)
    List<Level> levels = List.of(new Level("a", 40, 30), new Level("b", 60, 10));
    double phi = (30.0 * 50 - 10.0 * 10) / Math.sqrt(40.0 * 60 * 40 * 60);
    assertThat(LevelStatistics.cramersV(levels)).isCloseTo(Math.abs(phi), within(1e-12));
    assertThat(LevelStatistics.cramersV(List.of(new Level("a", 10, 3)))).isZero();
    // perfect association
    assertThat(LevelStatistics.cramersV(List.of(new Level("a", 10, 10), new Level("b", 5, 0))))
        .isCloseTo(1.0, within(1e-12));
  }

  @Test
  void purityCountsOnlySupportedExtremeLevels() {
    List<Level> levels = List.of(
        new Level("always", 40, 39),     // 97.5 % → pure
        new Level("never", 30, 0),       // 0 % → pure
        new Level("tiny", 5, 5),         // pure but below support
        new Level("mixed", 125, 60));
    assertThat(LevelStatistics.purity(levels, 30, 0.03, 0.95)).isCloseTo(70 / 200.0,
        within(1e-12));
  }

  @Test
  void poolingMergesSmallLevelsButNeverTheMissingLevel() {
    List<Level> pooled = LevelStatistics.pool(List.of(new Level("big", 100, 10),
        new Level("s1", 3, 3), new Level("s2", 4, 0),
        new Level(LevelStatistics.MISSING, 2, 1)), 30);
    assertThat(pooled).containsExactly(new Level("big", 100, 10),
        new Level(LevelStatistics.MISSING, 2, 1), new Level(LevelStatistics.POOLED, 7, 3));
  }

  @Test
  void psiIsZeroForTheSameSharesAndGrowsWithShift() {
    Map<String, Long> e = Map.of("a", 50L, "b", 50L);
    assertThat(LevelStatistics.psi(e, Map.of("a", 500L, "b", 500L))).isCloseTo(0, within(1e-12));
    double psi = LevelStatistics.psi(e, Map.of("a", 80L, "b", 20L));
    double expected = (0.8 - 0.5) * Math.log(0.8 / 0.5) + (0.2 - 0.5) * Math.log(0.2 / 0.5);
    assertThat(psi).isCloseTo(expected, within(1e-12));
    // a category absent on one side costs a bounded amount (shares floored at 1e-4)
    assertThat(LevelStatistics.psi(e, Map.of("a", 50L, "b", 40L, "new", 10L)))
        .isFinite().isGreaterThan(0.25);
  }
}
