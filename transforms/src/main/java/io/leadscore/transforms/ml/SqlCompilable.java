package io.leadscore.transforms.ml;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;

/**
 * A fitted pipeline stage (a {@code Transformer} inside a {@code PipelineModel}) that can say
 * what it computes as plain Spark SQL expressions, so that the compiled scorer
 * ({@code io.leadscore.models.scoring.CompiledScorer}) keeps the whole pipeline inside
 * whole-stage code generation instead of falling back to {@code PipelineModel.transform}.
 *
 * <p>It lives here, in the transforms module, because custom stages are written in the
 * features module, which cannot see the models module (module order: transforms, features,
 * models, jobs).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #compileSql} receives every scalar column the pipeline holds at this stage's
 *       position, keyed by column name: the raw input columns and the outputs of earlier stages
 *       (string indices, imputed values, outputs of other custom stages). The values are
 *       expressions over the scorer's input rows. Vector-valued columns are never passed: the
 *       scorer does not materialise vectors.</li>
 *   <li>It returns, for each output column the stage's {@code transform} adds, an expression
 *       built only from the given input expressions, literals and deterministic Spark SQL
 *       functions. Do not call {@code functions.col(name)} for an input: an earlier stage's
 *       output is not a column of the scored dataset; use {@code inputs.get(name)}.</li>
 *   <li>For every row, the returned expression must equal, value and type, what
 *       {@code transform} writes to that output column (nulls and NaN included); the scorer's
 *       tests compare the two. Stages that drop rows or produce vectors cannot be compiled.</li>
 *   <li>If the stage's current parameters cannot be expressed in SQL, throw
 *       {@link UnsupportedOperationException} with the reason: the scorer then logs it and
 *       falls back to {@code PipelineModel.transform} for the whole pipeline.</li>
 * </ul>
 *
 * <p>Example (a stage that outputs {@code log1p(max(x, 0))}):
 * <pre>{@code
 * public Map<String, Column> compileSql(Map<String, Column> inputs) {
 *   Column x = inputs.get(getInputCol());
 *   return Map.of(getOutputCol(), functions.log1p(functions.greatest(x, functions.lit(0.0))));
 * }
 * }</pre>
 */
public interface SqlCompilable {

  /**
   * The stage's outputs as SQL expressions over its inputs.
   *
   * @param inputs every scalar column available at this stage, by name
   * @return output column name to the expression computing it
   * @throws UnsupportedOperationException if these parameters cannot be compiled
   */
  Map<String, Column> compileSql(Map<String, Column> inputs);

  /**
   * For per-lead reasons: the input column an output merely re-encodes (a cleaned or capped
   * copy of one input), so that contributions of the output are reported under that input's
   * name. Empty (the default) reports the output under its own name, which suits a new
   * feature derived from several inputs.
   */
  default Optional<String> reasonOrigin(String outputColumn) {
    return Optional.empty();
  }
}
