package io.leadscore.models.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The MLflow model registry, through the REST API ({@code sendPost}/{@code sendGet} of the Java
 * client, which has no create or alias methods, and DELETE requests of our own): registered
 * models, versions, aliases, tags, and downloading a version's files to a cache for scoring.
 */
public final class ModelRegistry {

  /** Written last into a downloaded version's folder: the download is complete and whose. */
  static final String DOWNLOAD_MARKER = "_leadscore_download.json";

  private final MlflowTracking tracking;

  ModelRegistry(MlflowTracking tracking) {
    this.tracking = tracking;
  }

  /** Whether a registered model of that name exists. */
  public boolean exists(String name) {
    return getIfFound("get registered model '" + name + "'",
        "registered-models/get?name=" + q(name)).isPresent();
  }

  /**
   * Creates the registered model unless it exists.
   *
   * @return true if this call created it
   */
  public boolean ensureRegisteredModel(String name, String description) {
    if (exists(name)) {
      return false;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (description != null) {
      body.put("description", description);
    }
    try {
      tracking.post("create registered model '" + name + "'", "registered-models/create", body);
      return true;
    } catch (TrackingException e) {
      if (exists(name)) {
        return false; // created meanwhile by another run
      }
      throw e;
    }
  }

  /**
   * Registers a new version of {@code name} from {@code source} (a logged model's artifact URI)
   * logged by run {@code runId}.
   */
  public ModelVersion createVersion(
      String name, String source, String runId, Map<String, String> tags) {
    tracking.credentials().refuseSecrets("model version tag", tags);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("source", source);
    body.put("run_id", runId);
    List<Map<String, String>> tagList = new ArrayList<>();
    tags.forEach((k, v) -> tagList.add(Map.of("key", k, "value", v)));
    body.put("tags", tagList);
    JsonNode reply = tracking.post("create a version of model '" + name + "'",
        "model-versions/create", body);
    return ModelVersion.fromJson(reply.path("model_version"));
  }

  /**
   * Polls a version until its status is READY.
   *
   * @throws TrackingException if registration failed or {@code timeout} passed
   */
  public ModelVersion waitUntilReady(String name, String version, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 100;
    while (true) {
      ModelVersion v = version(name, version);
      if (ModelVersion.READY.equals(v.status())) {
        return v;
      }
      if (ModelVersion.FAILED.equals(v.status())) {
        throw new TrackingException("registration of model '" + name + "' version " + version
            + " failed on the server (status " + v.status() + ")");
      }
      if (System.nanoTime() > deadline) {
        throw new TrackingException("model '" + name + "' version " + version
            + " is still " + v.status() + " after " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrackingException("interrupted while waiting for model version", e);
      }
      sleep = Math.min(2000, sleep * 2);
    }
  }

  /** One version. */
  public ModelVersion version(String name, String version) {
    JsonNode reply = tracking.get("get model '" + name + "' version " + version,
        "model-versions/get?name=" + q(name) + "&version=" + q(version));
    return ModelVersion.fromJson(reply.path("model_version"));
  }

  /** Every version of a registered model (none if it does not exist). */
  public List<ModelVersion> versions(String name) {
    List<ModelVersion> out = new ArrayList<>();
    String token = null;
    do {
      String path = "model-versions/search?max_results=1000&filter="
          + q("name='" + name.replace("'", "\\'") + "'")
          + (token == null ? "" : "&page_token=" + q(token));
      JsonNode reply = tracking.get("list versions of model '" + name + "'", path);
      reply.path("model_versions").forEach(v -> out.add(ModelVersion.fromJson(v)));
      token = reply.path("next_page_token").asText("");
    } while (!token.isEmpty());
    return out;
  }

  /** The version an alias points at, if the model and the alias exist. */
  public Optional<ModelVersion> versionByAlias(String name, String alias) {
    Optional<JsonNode> model = getIfFound("get registered model '" + name + "'",
        "registered-models/get?name=" + q(name));
    if (model.isEmpty()) {
      return Optional.empty();
    }
    for (JsonNode a : model.get().path("registered_model").path("aliases")) {
      if (alias.equals(a.path("alias").asText())) {
        return Optional.of(version(name, a.path("version").asText()));
      }
    }
    return Optional.empty();
  }

  /** Points {@code alias} at {@code version} (moving it if it pointed elsewhere). */
  public void setAlias(String name, String alias, String version) {
    tracking.post("set alias '" + alias + "' of model '" + name + "' to version " + version,
        "registered-models/alias", Map.of("name", name, "alias", alias, "version", version));
  }

  public void deleteAlias(String name, String alias) {
    tracking.http().sendJson("DELETE", "api/2.0/mlflow/registered-models/alias",
        Map.of("name", name, "alias", alias));
  }

  public void setVersionTag(String name, String version, String key, String value) {
    tracking.credentials().refuseSecrets("model version tag", Map.of(key, value));
    tracking.post("tag model '" + name + "' version " + version, "model-versions/set-tag",
        Map.of("name", name, "version", version, "key", key, "value", value));
  }

  /** Deletes one version (its aliases go with it); its run's artifacts stay. */
  public void deleteVersion(String name, String version) {
    tracking.http().sendJson("DELETE", "api/2.0/mlflow/model-versions/delete",
        Map.of("name", name, "version", version));
  }

  /** Deletes a registered model with all its versions. */
  public void deleteRegisteredModel(String name) {
    tracking.http().sendJson("DELETE", "api/2.0/mlflow/registered-models/delete",
        Map.of("name", name));
  }

  /**
   * {@link #download(String, String, String, Configuration)} with the active Spark session's
   * Hadoop configuration.
   */
  public String download(String name, String version, String cacheDir) {
    return download(name, version, cacheDir,
        SparkSession.active().sparkContext().hadoopConfiguration());
  }

  /**
   * Downloads a version's files (through the artifact proxy) to {@code
   * <cacheDir>/<name>/<version>/}, unless a complete copy of that same version is there
   * already. {@code cacheDir} is a Hadoop path; on a cluster, put it on a filesystem every
   * executor reads (Spark reads the model there).
   *
   * @return the folder holding {@code MLmodel} and {@code sparkml/}
   */
  public String download(String name, String version, String cacheDir, Configuration conf) {
    ModelVersion v = version(name, version);
    String proxyRoot = proxyRootOf(v);
    Path target = new Path(new Path(cacheDir, safeName(name)), version);
    String identity = identity(v, proxyRoot);
    try {
      FileSystem fs = target.getFileSystem(conf);
      if (isCompleteCopy(fs, target, identity)) {
        return target.toString();
      }
      Path partial = new Path(target.getParent(), "." + version + "-" + UUID.randomUUID());
      try {
        List<ArtifactProxy.Entry> files = tracking.artifacts().listFiles(proxyRoot);
        if (files.stream().noneMatch(f -> f.path().equals(SparkModelFiles.MLMODEL))) {
          throw new TrackingException("model '" + name + "' version " + version + " at "
              + v.source() + " has no MLmodel file: not a model logged in MLflow's format");
        }
        for (ArtifactProxy.Entry f : files) {
          try (OutputStream out = fs.create(new Path(partial, f.path()), true)) {
            tracking.artifacts().download(ArtifactProxy.join(proxyRoot, f.path()), out);
          }
        }
        try (OutputStream out = fs.create(new Path(partial, DOWNLOAD_MARKER), true)) {
          out.write(identity.getBytes(StandardCharsets.UTF_8));
        }
        if (fs.exists(target)) {
          fs.delete(target, true); // an incomplete or stale copy
        }
        if (!fs.rename(partial, target) && !isCompleteCopy(fs, target, identity)) {
          throw new IOException("cannot move " + partial + " to " + target);
        }
      } finally {
        if (fs.exists(partial)) {
          fs.delete(partial, true);
        }
      }
      return target.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("downloading model '" + name + "' version " + version
          + " to " + target + " failed", e);
    }
  }

  /** Downloads (if needed) and loads a version's Spark PipelineModel. */
  public PipelineModel loadSparkModel(String name, String version, String cacheDir) {
    String dir = download(name, version, cacheDir);
    return PipelineModel.load(new Path(dir, SparkModelFiles.MODEL_DATA).toString());
  }

  /**
   * Loads a version from the cache without asking the server (for a fallback when the
   * registry is down): only a complete download (its marker written last) counts.
   *
   * @return empty if that version is not completely in the cache
   */
  public static Optional<PipelineModel> loadCachedSparkModel(String name, String version,
      String cacheDir, Configuration conf) {
    Path dir = new Path(new Path(cacheDir, safeName(name)), version);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(new Path(dir, DOWNLOAD_MARKER))
          || !fs.exists(new Path(dir, SparkModelFiles.MODEL_DATA))) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model cache at " + dir, e);
    }
    return Optional.of(PipelineModel.load(new Path(dir, SparkModelFiles.MODEL_DATA).toString()));
  }

  /** The cache folder of a registered model (its versions are sub-folders). */
  public static String cacheFolder(String cacheDir, String name) {
    return new Path(cacheDir, safeName(name)).toString();
  }

  private String proxyRootOf(ModelVersion v) {
    String source = v.source();
    String scheme = URI.create(source).getScheme();
    if ("runs".equals(scheme)) {
      // runs:/<run_id>/<path>
      String rest = source.substring("runs:/".length()).replaceAll("^/+", "");
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash + 1);
      String artifactUri = tracking.run(runId).artifactUri();
      return ArtifactProxy.join(ArtifactProxy.proxyPath(artifactUri), path);
    }
    return ArtifactProxy.proxyPath(source);
  }

  private static String identity(ModelVersion v, String proxyRoot) {
    return "{\"name\": \"" + v.name().replace("\"", "\\\"") + "\", \"version\": \""
        + v.version() + "\", \"run_id\": \"" + v.runId() + "\", \"source\": \""
        + proxyRoot.replace("\"", "\\\"") + "\"}\n";
  }

  private static boolean isCompleteCopy(FileSystem fs, Path dir, String identity)
      throws IOException {
    Path marker = new Path(dir, DOWNLOAD_MARKER);
    if (!fs.exists(marker)) {
      return false;
    }
    try (var in = fs.open(marker)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).equals(identity);
    }
  }

  static String safeName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private Optional<JsonNode> getIfFound(String what, String pathAndQuery) {
    try {
      return Optional.of(tracking.get(what, pathAndQuery));
    } catch (TrackingException e) {
      if (e.getCause() instanceof MlflowHttpException h && h.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String q(String value) {
    return HttpTransport.encodeQuery(value);
  }
}
