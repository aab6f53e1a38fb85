package io.leadscore.models.eval;

/**
 * One bin of the reliability curve: rows whose predicted probability falls in
 * [{@code lower}, {@code upper}) (the last bin includes 1.0).
 *
 * @param meanPredicted mean predicted probability of the bin's rows
 * @param observedRate share of positives among the bin's rows
 */
public record ReliabilityBin(
    int bin, double lower, double upper, long rows, double meanPredicted, double observedRate) {

  /** |observed − predicted|: this bin's contribution to the ECE before weighting by its rows. */
  public double gap() {
    return Math.abs(observedRate - meanPredicted);
  }
}
