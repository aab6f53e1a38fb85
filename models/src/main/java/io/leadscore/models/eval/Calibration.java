package io.leadscore.models.eval;

import java.util.List;

/**
 * Calibration of predicted probabilities over equal-width bins.
 *
 * @param expectedCalibrationError Σ over bins of (rows in bin / rows) × |observed rate − mean
 *     predicted probability|
 * @param maxCalibrationError the largest |observed rate − mean predicted| of a non-empty bin
 * @param bins the non-empty bins, in increasing probability order (the reliability curve)
 */
public record Calibration(
    double expectedCalibrationError, double maxCalibrationError, List<ReliabilityBin> bins) {

  public Calibration {
    bins = List.copyOf(bins);
  }
}
