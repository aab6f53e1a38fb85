/**
 * Exact evaluation of binary classifiers with Spark: {@link
 * io.leadscore.models.eval.BinaryClassifierEvaluator#evaluate} gives ROC AUC, PR AUC (average
 * precision), log loss, Brier score, calibration (ECE and reliability curve), lift and gains,
 * and threshold metrics in one {@link io.leadscore.models.eval.BinaryMetrics}; {@link
 * io.leadscore.models.eval.MetricSpread} summarises a metric over cross-validation folds.
 */
package io.leadscore.models.eval;
