package io.leadscore.models.mlflow;

import io.leadscore.models.InputTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MLflow run: parameters, metrics, tags, artifacts (through the server's artifact proxy)
 * and a Spark model in MLflow's format. Call {@link #finish()} on success; closing a run that
 * was not finished marks it FAILED, so {@code try (MlflowRun run = ...)} records crashes.
 */
public final class MlflowRun implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MlflowRun.class);
  // Per-request limits of MLflow's log-batch API.
  private static final int BATCH_PARAMS = 100;
  private static final int BATCH_TAGS = 100;
  private static final int BATCH_METRICS = 1000;

  private final MlflowTracking tracking;
  private final RunInfo info;
  private boolean ended;

  MlflowRun(MlflowTracking tracking, RunInfo info) {
    this.tracking = tracking;
    this.info = info;
    this.ended = info.getStatus() != RunStatus.RUNNING;
  }

  public String runId() {
    return info.getRunId();
  }

  public String experimentId() {
    return info.getExperimentId();
  }

  public String runName() {
    return info.getRunName();
  }

  /** Where the run's artifacts live, e.g. {@code mlflow-artifacts:/1/<run>/artifacts}. */
  public String artifactUri() {
    return info.getArtifactUri();
  }

  /** Logs parameters (values via {@code toString()}); MLflow parameters cannot change later. */
  public MlflowRun logParams(Map<String, ?> params) {
    tracking.credentials().refuseSecrets("parameter", params);
    List<Param> all = new ArrayList<>();
    params.forEach((k, v) -> all.add(
        Param.newBuilder().setKey(k).setValue(String.valueOf(v)).build()));
    for (int i = 0; i < all.size(); i += BATCH_PARAMS) {
      List<Param> chunk = all.subList(i, Math.min(all.size(), i + BATCH_PARAMS));
      tracking.call("log parameters to run " + runId(),
          () -> {
            tracking.client().logBatch(runId(), List.of(), chunk, List.of());
            return null;
          });
    }
    return this;
  }

  /**
   * Logs metrics at step 0.
   *
   * @throws IllegalArgumentException if a value is NaN or infinite
   */
  public MlflowRun logMetrics(Map<String, Double> metrics) {
    return logMetrics(metrics, 0);
  }

  /** Logs metrics at {@code step} (e.g. a fold number). */
  public MlflowRun logMetrics(Map<String, Double> metrics, long step) {
    long now = System.currentTimeMillis();
    List<Metric> all = new ArrayList<>();
    metrics.forEach((k, v) -> {
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "metric '" + k + "' must be a finite number, cannot be: " + v);
      }
      all.add(Metric.newBuilder().setKey(k).setValue(v).setTimestamp(now).setStep(step).build());
    });
    for (int i = 0; i < all.size(); i += BATCH_METRICS) {
      List<Metric> chunk = all.subList(i, Math.min(all.size(), i + BATCH_METRICS));
      tracking.call("log metrics to run " + runId(),
          () -> {
            tracking.client().logBatch(runId(), chunk, List.of(), List.of());
            return null;
          });
    }
    return this;
  }

  /** Sets tags (tags, unlike parameters, may be overwritten). */
  public MlflowRun setTags(Map<String, String> tags) {
    tracking.credentials().refuseSecrets("tag", tags);
    List<RunTag> all = new ArrayList<>();
    tags.forEach((k, v) -> all.add(RunTag.newBuilder().setKey(k).setValue(v).build()));
    for (int i = 0; i < all.size(); i += BATCH_TAGS) {
      List<RunTag> chunk = all.subList(i, Math.min(all.size(), i + BATCH_TAGS));
      tracking.call("set tags on run " + runId(),
          () -> {
            tracking.client().logBatch(runId(), List.of(), List.of(), chunk);
            return null;
          });
    }
    return this;
  }

  public MlflowRun setTag(String key, String value) {
    return setTags(Map.of(key, value));
  }

  /**
   * Records the Delta tables read, each with its version: as tags ({@link
   * RunTags#inputTags}) and as MLflow dataset inputs (the run page's "Datasets used").
   */
  public MlflowRun logInputTables(List<InputTable> tables, String context) {
    setTags(RunTags.inputTags(tables));
    List<Map<String, Object>> datasets = new ArrayList<>();
    for (InputTable t : tables) {
      Map<String, Object> dataset = new LinkedHashMap<>();
      dataset.put("name", t.name());
      dataset.put("digest", digest(t.pinned()));
      dataset.put("source_type", "delta_table");
      dataset.put("source", "{\"path\": \"" + t.location().replace("\"", "\\\"")
          + "\", \"delta_table_version\": " + t.version() + "}");
      datasets.add(Map.of("dataset", dataset,
          "tags", List.of(Map.of("key", "mlflow.data.context", "value", context))));
    }
    if (!datasets.isEmpty()) {
      tracking.post("log inputs of run " + runId(), "runs/log-inputs",
          Map.of("run_id", runId(), "datasets", datasets));
    }
    return this;
  }

  /**
   * Uploads one local file into {@code artifactDir} (null or empty: the run's root).
   *
   * @return the artifact's path within the run
   */
  public String logArtifact(Path file, String artifactDir) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("artifact to log is not a file: " + file);
    }
    String relative = ArtifactProxy.join(artifactDir, file.getFileName().toString());
    try {
      long size = Files.size(file);
      tracking.artifacts().upload(remote(relative), () -> open(file), size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read artifact " + file, e);
    }
    return relative;
  }

  /** Uploads every file under a local folder into {@code artifactDir}, keeping sub-folders. */
  public List<String> logArtifacts(Path dir, String artifactDir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("artifact folder to log is not a folder: " + dir);
    }
    List<String> logged = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        Path rel = dir.relativize(f);
        String sub = rel.getParent() == null ? null : rel.getParent().toString()
            .replace('\\', '/');
        logged.add(logArtifact(f, ArtifactProxy.join(artifactDir, sub)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list artifact folder " + dir, e);
    }
    return logged;
  }

  /** Uploads text (UTF-8) as the artifact {@code artifactFile}, e.g. {@code model_card.md}. */
  public String logText(String text, String artifactFile) {
    String relative = ArtifactProxy.join(artifactFile);
    tracking.artifacts().upload(remote(relative), text.getBytes(StandardCharsets.UTF_8));
    return relative;
  }

  /** Every artifact file under {@code artifactDir} (null: all), paths relative to the run. */
  public List<String> listArtifacts(String artifactDir) {
    String base = ArtifactProxy.join(artifactDir);
    return tracking.artifacts().listFiles(remote(base)).stream()
        .map(e -> ArtifactProxy.join(base, e.path()))
        .toList();
  }

  /** Downloads one artifact's bytes. */
  public byte[] readArtifact(String artifactPath) {
    return tracking.artifacts().read(remote(ArtifactProxy.join(artifactPath)));
  }

  /**
   * {@link #logSparkModel(PipelineModel, String, SparkModelEnvironment, String)} staging in a
   * local temporary folder: only valid when Spark runs in local mode (executors write the
   * model's files), so it refuses otherwise.
   */
  public LoggedModel logSparkModel(
      PipelineModel model, String artifactPath, SparkModelEnvironment env) {
    SparkSession spark = SparkSession.active();
    if (!spark.sparkContext().isLocal()) {
      throw new IllegalStateException("logging a Spark model on a cluster needs a staging "
          + "folder on a shared filesystem (e.g. under the lakehouse root): call "
          + "logSparkModel(model, artifactPath, env, stagingDir)");
    }
    try {
      Path tmp = Files.createTempDirectory("leadscore-model-stage");
      try {
        return logSparkModel(model, artifactPath, env, tmp.toUri().toString());
      } finally {
        deleteQuietly(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a local staging folder", e);
    }
  }

  /**
   * Logs a fitted PipelineModel as an MLflow model that Python's {@code
   * mlflow.spark.load_model} loads: Spark saves it under a fresh folder of {@code stagingDir}
   * (any Hadoop filesystem all executors reach: {@code file:}, {@code s3a:}, {@code hdfs:}),
   * each file is uploaded through the artifact proxy to {@code <artifactPath>/sparkml/},
   * beside the {@code MLmodel} ({@code spark} and {@code python_function} flavors) and pinned
   * requirements; the staged copy is then deleted.
   */
  public LoggedModel logSparkModel(
      PipelineModel model, String artifactPath, SparkModelEnvironment env, String stagingDir) {
    String modelRoot = ArtifactProxy.join(artifactPath);
    if (modelRoot.isEmpty()) {
      throw new IllegalArgumentException("artifactPath must not be empty, cannot be: "
          + artifactPath);
    }
    SparkSession spark = SparkSession.active();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path stage =
        new org.apache.hadoop.fs.Path(stagingDir, "leadscore-model-" + UUID.randomUUID());
    FileSystem fs;
    try {
      fs = stage.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open staging folder " + stagingDir, e);
    }
    org.apache.hadoop.fs.Path sparkml = new org.apache.hadoop.fs.Path(stage,
        SparkModelFiles.MODEL_DATA);
    try {
      model.write().save(sparkml.toString());
      long size = 0;
      int files = 0;
      org.apache.hadoop.fs.Path root = fs.makeQualified(sparkml);
      String rootPath = root.toUri().getPath();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus status = it.next();
        String name = status.getPath().getName();
        if (name.startsWith(".") || name.endsWith(".crc")) {
          continue; // Hadoop's checksum files: not part of the model (MLflow leaves them out)
        }
        String rel = status.getPath().toUri().getPath().substring(rootPath.length())
            .replaceAll("^/+", "");
        org.apache.hadoop.fs.Path file = status.getPath();
        tracking.artifacts().upload(
            remote(ArtifactProxy.join(modelRoot, SparkModelFiles.MODEL_DATA, rel)),
            () -> openHadoop(fs, file), status.getLen());
        size += status.getLen();
        files++;
      }
      String uuid = UUID.randomUUID().toString().replace("-", "");
      // Python cannot import the custom stages' Java package (io.*): ship the wrappers.
      String stages = SparkModelFiles.stagesModule();
      if (stages != null) {
        upload(ArtifactProxy.join(modelRoot, SparkModelFiles.CODE),
            SparkModelFiles.STAGES_MODULE, stages);
        size += stages.getBytes(StandardCharsets.UTF_8).length;
        files++;
      }
      Map<String, Object> mlmodel = SparkModelFiles.mlmodel(env, runId(), modelRoot, uuid, size,
          SparkModelFiles.nowUtc(), stages != null);
      upload(modelRoot, SparkModelFiles.REQUIREMENTS, SparkModelFiles.requirementsTxt(env));
      upload(modelRoot, SparkModelFiles.PYTHON_ENV, SparkModelFiles.pythonEnvYaml(env));
      upload(modelRoot, SparkModelFiles.CONDA, SparkModelFiles.condaYaml(env));
      upload(modelRoot, SparkModelFiles.MLMODEL, Yaml.write(mlmodel));
      // What Python's log_model records too: the run page then lists the model.
      tracking.post("record the model on run " + runId(), "runs/log-model",
          Map.of("run_id", runId(), "model_json",
              HttpTransport.JSON.writeValueAsString(mlmodel)));
      return new LoggedModel(runId(), modelRoot, artifactUri() + "/" + modelRoot, uuid, size,
          files + 4);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage Spark model under " + stage, e);
    } finally {
      try {
        fs.delete(stage, true);
      } catch (IOException e) {
        LOG.warn("could not delete the staged model copy {}: {}", stage, e.toString());
      }
    }
  }

  /** Ends the run as FINISHED. */
  public void finish() {
    end(RunStatus.FINISHED);
  }

  /** Ends the run as FAILED, recording why in the tag {@code leadscore.failure}. */
  public void fail(String why) {
    if (ended) {
      return;
    }
    try {
      setTag("leadscore.failure", why.length() > 4000 ? why.substring(0, 4000) : why);
    } finally {
      end(RunStatus.FAILED);
    }
  }

  /** Marks the run FAILED unless {@link #finish()} or {@link #fail(String)} ended it. */
  @Override
  public void close() {
    if (!ended) {
      try {
        end(RunStatus.FAILED);
      } catch (RuntimeException e) {
        LOG.warn("could not mark MLflow run {} as failed: {}", runId(), e.getMessage());
      }
    }
  }

  private void end(RunStatus status) {
    if (ended) {
      return;
    }
    tracking.call("end run " + runId(),
        () -> {
          tracking.client().setTerminated(runId(), status, System.currentTimeMillis());
          return null;
        });
    ended = true;
  }

  private void upload(String dir, String name, String text) {
    tracking.artifacts().upload(remote(ArtifactProxy.join(dir, name)),
        text.getBytes(StandardCharsets.UTF_8));
  }

  private String remote(String relative) {
    return ArtifactProxy.join(ArtifactProxy.proxyPath(artifactUri()), relative);
  }

  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static InputStream openHadoop(FileSystem fs, org.apache.hadoop.fs.Path file) {
    try {
      return fs.open(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read staged file " + file, e);
    }
  }

  private static String digest(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
