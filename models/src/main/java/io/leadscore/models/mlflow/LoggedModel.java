package io.leadscore.models.mlflow;

/**
 * A Spark model logged to a run in MLflow's model format.
 *
 * @param runId the run holding it
 * @param artifactPath its folder among the run's artifacts (e.g. {@code model})
 * @param artifactUri its full location, e.g. {@code mlflow-artifacts:/1/<run>/artifacts/model}:
 *     the source a model version is registered from
 * @param modelUuid the MLmodel's {@code model_uuid}
 * @param sizeBytes bytes of the saved PipelineModel
 * @param files number of files uploaded
 */
public record LoggedModel(
    String runId, String artifactPath, String artifactUri, String modelUuid, long sizeBytes,
    int files) {

  /** {@code runs:/<runId>/<artifactPath>}. */
  public String runsUri() {
    return "runs:/" + runId + "/" + artifactPath;
  }
}
