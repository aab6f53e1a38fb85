package io.leadscore.models.mlflow;

import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * The Python environment a logged Spark model declares (MLmodel, requirements.txt,
 * python_env.yaml, conda.yaml), so that {@code mlflow.spark.load_model} and model serving
 * install matching versions.
 *
 * @param pysparkVersion the jar's Spark version: the PipelineModel's on-disk format is read by
 *     the same pyspark
 * @param mlflowVersion the tracking server's MLflow version
 * @param pythonVersion the Python to declare, e.g. {@code 3.11}
 */
public record SparkModelEnvironment(
    String pysparkVersion, String mlflowVersion, String pythonVersion) {

  /** The Python version declared unless told otherwise (the one the local stack's venv uses). */
  public static final String DEFAULT_PYTHON = "3.11";

  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){1,3}([.-]?\\w+)?");

  public SparkModelEnvironment {
    check("pysparkVersion", pysparkVersion);
    check("mlflowVersion", mlflowVersion);
    check("pythonVersion", pythonVersion);
  }

  /** Spark's version from the session, MLflow's from the server, Python {@value DEFAULT_PYTHON}. */
  public static SparkModelEnvironment of(SparkSession spark, MlflowTracking tracking) {
    return new SparkModelEnvironment(spark.version(), tracking.serverVersion(), DEFAULT_PYTHON);
  }

  public SparkModelEnvironment withPythonVersion(String value) {
    return new SparkModelEnvironment(pysparkVersion, mlflowVersion, value);
  }

  private static void check(String name, String value) {
    if (value == null || !VERSION.matcher(value).matches()) {
      throw new IllegalArgumentException(
          name + " must be a version like 3.5.9, cannot be: " + value);
    }
  }
}
