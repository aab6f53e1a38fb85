package io.leadscore.models.eval;

/**
 * A point of a ROC or precision-recall curve at a score threshold (rows with score ≥ threshold
 * predicted positive). ROC: x = false-positive rate, y = true-positive rate. PR: x = recall,
 * y = precision.
 */
public record CurvePoint(double threshold, double x, double y) {}
