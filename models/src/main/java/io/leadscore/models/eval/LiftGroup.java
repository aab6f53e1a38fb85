package io.leadscore.models.eval;

/**
 * One row of the lift / cumulative-gains table: group {@code group} (1 = highest scores) holds
 * the rows ranked ({@code cumulativeRows − rows}, {@code cumulativeRows}] by descending score.
 * Rows with tied scores that straddle a group boundary are shared between the groups in
 * proportion (the expectation over every order of the ties), so {@code positives} may be
 * fractional.
 *
 * @param positives (expected) positives in this group
 * @param positiveRate positives / rows
 * @param lift positiveRate / overall positive rate
 * @param cumulativeRows rows in groups 1..group
 * @param cumulativePositives (expected) positives in groups 1..group
 * @param cumulativeGain cumulativePositives / all positives (the gains curve)
 * @param cumulativeLift (cumulativePositives / cumulativeRows) / overall positive rate
 * @param lowestScore the score at this group's last (lowest-ranked) row
 */
public record LiftGroup(
    int group,
    long rows,
    double positives,
    double positiveRate,
    double lift,
    long cumulativeRows,
    double cumulativePositives,
    double cumulativeGain,
    double cumulativeLift,
    double lowestScore) {}
