/**
 * What a training run shows people: PNG plots of an evaluation ({@link
 * io.leadscore.models.report.EvaluationPlots}), feature importances named after the features
 * vector ({@link io.leadscore.models.report.FeatureImportances}) and a Markdown model card
 * ({@link io.leadscore.models.report.ModelCard}).
 */
package io.leadscore.models.report;
