package io.leadscore.models.mlflow;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files around a saved PipelineModel that make a folder an MLflow model with the {@code
 * spark} and {@code python_function} flavors, as {@code mlflow.spark.save_model} of MLflow 3.x
 * writes them (checked against its output): {@code MLmodel}, {@code requirements.txt}, {@code
 * python_env.yaml}, {@code conda.yaml}; the model itself goes under {@value #MODEL_DATA}/.
 */
final class SparkModelFiles {

  static final String MODEL_DATA = "sparkml";
  static final String MLMODEL = "MLmodel";
  static final String REQUIREMENTS = "requirements.txt";
  static final String PYTHON_ENV = "python_env.yaml";
  static final String CONDA = "conda.yaml";
  /** MLflow's code folder (code_paths): added to sys.path by mlflow.spark.load_model. */
  static final String CODE = "code";
  /** Python wrappers of leadscore's custom stages (python/leadscore_stages.py), in the jar. */
  static final String STAGES_MODULE = "leadscore_stages.py";

  /** The wrappers' source from the jar, or null when the jar was built without them. */
  static String stagesModule() {
    try (java.io.InputStream in = SparkModelFiles.class.getResourceAsStream(STAGES_MODULE)) {
      return in == null ? null : new String(in.readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + STAGES_MODULE + " from the jar", e);
    }
  }

  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private SparkModelFiles() {}

  /** pyspark pinned to the jar's Spark, mlflow to the server's; numpy is needed by pyspark.ml. */
  static List<String> requirements(SparkModelEnvironment env) {
    return List.of("mlflow==" + env.mlflowVersion(), "numpy", "pyspark==" + env.pysparkVersion());
  }

  static String requirementsTxt(SparkModelEnvironment env) {
    return String.join("\n", requirements(env)) + "\n";
  }

  static String pythonEnvYaml(SparkModelEnvironment env) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("python", env.pythonVersion());
    m.put("build_dependencies", List.of("pip", "setuptools", "wheel"));
    m.put("dependencies", List.of("-r " + REQUIREMENTS));
    return Yaml.write(m);
  }

  static String condaYaml(SparkModelEnvironment env) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channels", List.of("conda-forge"));
    m.put("dependencies", List.of("python=" + env.pythonVersion(), "pip",
        Map.of("pip", requirements(env))));
    m.put("name", "mlflow-env");
    return Yaml.write(m);
  }

  /** The MLmodel document (also sent as JSON to record the model on its run). */
  static Map<String, Object> mlmodel(SparkModelEnvironment env, String runId,
      String artifactPath, String modelUuid, long sizeBytes, LocalDateTime createdUtc) {
    return mlmodel(env, runId, artifactPath, modelUuid, sizeBytes, createdUtc, false);
  }

  /** With {@code withCode}, both flavors name the {@value #CODE} folder (code_paths). */
  static Map<String, Object> mlmodel(SparkModelEnvironment env, String runId,
      String artifactPath, String modelUuid, long sizeBytes, LocalDateTime createdUtc,
      boolean withCode) {
    Map<String, Object> pyfunc = new LinkedHashMap<>();
    if (withCode) {
      pyfunc.put("code", CODE);
    }
    pyfunc.put("data", MODEL_DATA);
    Map<String, Object> envFiles = new LinkedHashMap<>();
    envFiles.put("conda", CONDA);
    envFiles.put("virtualenv", PYTHON_ENV);
    pyfunc.put("env", envFiles);
    pyfunc.put("loader_module", "mlflow.spark");
    pyfunc.put("python_version", env.pythonVersion());
    Map<String, Object> spark = new LinkedHashMap<>();
    spark.put("code", withCode ? CODE : null);
    spark.put("model_class", "pyspark.ml.pipeline.PipelineModel");
    spark.put("model_data", MODEL_DATA);
    spark.put("pyspark_version", env.pysparkVersion());
    Map<String, Object> flavors = new LinkedHashMap<>();
    flavors.put("python_function", pyfunc);
    flavors.put("spark", spark);

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("artifact_path", artifactPath);
    m.put("flavors", flavors);
    m.put("metadata", Map.of("saved_by", "leadscore (Java, Spark " + env.pysparkVersion() + ")"));
    m.put("mlflow_version", env.mlflowVersion());
    m.put("model_size_bytes", sizeBytes);
    m.put("model_uuid", modelUuid);
    m.put("run_id", runId);
    m.put("utc_time_created", createdUtc.format(CREATED));
    return m;
  }

  static LocalDateTime nowUtc() {
    return LocalDateTime.now(ZoneOffset.UTC);
  }
}
