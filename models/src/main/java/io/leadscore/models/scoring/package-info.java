/**
 * Batch scoring with a fitted {@code PipelineModel} compiled to Spark SQL, and per-lead reasons.
 *
 * <h2>Entry point</h2>
 * {@link io.leadscore.models.scoring.CompiledScorer#compile} turns the fitted stages into
 * column expressions over the input rows (vectors are never built: a one-hot block is an
 * integer index, a linear model reads it with one array lookup, a tree split on it becomes a
 * test of the index); {@link io.leadscore.models.scoring.CompiledScorer#score} adds
 * {@code score} (= {@code transform}'s {@code probability[1]}, tests hold it to 1e-9),
 * {@code reasons_up} and {@code reasons_down}. Stages without a SQL form make it fall back to
 * {@code transform} for the whole pipeline, with a WARN log line and null reasons.
 *
 * <p>Fast path: for the logistic-regression pipelines leadscore trains, {@code score} runs the
 * {@link io.leadscore.models.scoring.RowKernel} instead of the SQL expressions: the same
 * computation in plain Java inside one Catalyst expression (no layered projections, hash
 * lookups of labels, no code generation per query), with the same scores and reasons. For a
 * ranking, {@link io.leadscore.models.scoring.CompiledScorer#columnarScores} runs it down the
 * column batches of a plain table scan instead, a term per dictionary entry rather than per row.
 *
 * <h2>Reasons: how contributions are computed</h2>
 * Each reason is {@code struct<feature, contribution>}; features are the pipeline's input
 * columns (every slot derived from {@code lead_source}, one-hot or index, counts as
 * {@code lead_source}; a custom stage's output counts under its own name unless the stage
 * names the input it re-encodes). For every lead, base value + sum of all contributions =
 * the model's raw output, and {@code reasons_up} / {@code reasons_down} are the three largest
 * positive / most negative contributions (NaN contributions, from NaN inputs, are left out).
 * <ul>
 *   <li><b>Logistic regression</b> (unit: log-odds). Exact: contribution of input {@code g} =
 *       sum over its vector slots {@code j} of {@code coef_j * (x_j - m_j)}, where {@code m_j}
 *       is the mean of slot {@code j} over a reference data set (the training data; see
 *       {@link io.leadscore.models.scoring.ScorerOptions#withReference}); base = intercept +
 *       sum {@code coef_j * m_j}; raw output = the margin. Equivalently, the change in
 *       log-odds if this lead's {@code g} were replaced by the average lead's (the tests check
 *       exactly that against Spark's model).</li>
 *   <li><b>Gradient-boosted trees</b> (unit: log-odds, {@code 2 * margin}, since Spark's
 *       log-loss probability is {@code 1 / (1 + exp(-2 margin))}). Saabas path attribution:
 *       walking the lead's path in each tree, the change of node value (the node's mean
 *       training target) at each split is credited to the split's feature, times
 *       {@code 2 * treeWeight}; summed over trees. Base = the weighted root values. Exact in
 *       the sense that the sum reproduces the output; unlike TreeSHAP it is not consistent
 *       (a feature split near the root gets more credit than its interaction share).</li>
 *   <li><b>Random forest, decision tree</b> (unit: probability). The same attribution on each
 *       node's positive-class share of its training counts, divided by the number of trees;
 *       raw output = the probability.</li>
 * </ul>
 * Per tree, the contribution vector of every leaf is precomputed at compile time, so per lead
 * the cost is one array lookup per (tree, feature used by the tree).
 */
package io.leadscore.models.scoring;
