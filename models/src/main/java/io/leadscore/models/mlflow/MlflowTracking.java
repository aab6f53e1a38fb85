package io.leadscore.models.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The entry point to an MLflow tracking server, on top of MLflow's Java {@link MlflowClient}:
 * experiments, runs ({@link MlflowRun}), the model registry ({@link ModelRegistry}) and the
 * server's artifact proxy, so that nothing here needs Python.
 *
 * <pre>{@code
 * try (MlflowTracking mlflow = MlflowTracking.connect(config.mlflow().trackingUri())) {
 *   mlflow.checkReachable();                       // before any training
 *   try (MlflowRun run = mlflow.startRun("leadscore", "train-2026-01-05", tags)) {
 *     run.logParams(params);
 *     run.logMetrics(metrics.toMetricMap("test_"));
 *     run.logArtifacts(plotsDir, "plots");
 *     LoggedModel model = run.logSparkModel(pipelineModel, "model",
 *         SparkModelEnvironment.of(spark, mlflow), stagingDir);
 *     ... gate and publish (io.leadscore.models.gate) ...
 *     run.finish();
 *   }
 * }
 * }</pre>
 *
 * <p>Credentials come from the environment only ({@link MlflowCredentials}); they are sent as
 * an Authorization header and never logged or written to MLflow.
 */
public final class MlflowTracking implements AutoCloseable {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

  private final String trackingUri;
  private final MlflowCredentials credentials;
  private final MlflowClient client;
  private final HttpTransport http;
  private final ArtifactProxy artifacts;
  private final ModelRegistry registry;
  private volatile String serverVersion;

  private MlflowTracking(String trackingUri, MlflowCredentials credentials) {
    this.trackingUri = trackingUri.replaceAll("/+$", "");
    this.credentials = credentials;
    this.client = new MlflowClient(credentials.hostCreds(this.trackingUri));
    this.http = new HttpTransport(this.trackingUri, credentials, CONNECT_TIMEOUT,
        REQUEST_TIMEOUT);
    this.artifacts = new ArtifactProxy(http, TRANSFER_TIMEOUT);
    this.registry = new ModelRegistry(this);
  }

  /** Connects with credentials from the environment ({@link MlflowCredentials}). */
  public static MlflowTracking connect(String trackingUri) {
    return connect(trackingUri, MlflowCredentials.fromEnvironment());
  }

  /**
   * @param trackingUri an http(s) URL of an MLflow server, e.g. {@code http://127.0.0.1:5000}
   * @throws IllegalArgumentException if the URI is not http(s)
   */
  public static MlflowTracking connect(String trackingUri, MlflowCredentials credentials) {
    URI uri;
    try {
      uri = URI.create(trackingUri);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "MLflow tracking URI must be an http(s) URL, cannot be: " + trackingUri, e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "MLflow tracking URI must be an http(s) URL, cannot be: " + trackingUri);
    }
    return new MlflowTracking(trackingUri, credentials);
  }

  public String trackingUri() {
    return trackingUri;
  }

  /**
   * Checks, within seconds, that an MLflow server answers at the tracking URI and serves
   * artifacts; call it before training so that an unreachable server stops a job early.
   *
   * @throws TrackingUnavailableException naming the URI and the cause
   */
  public void checkReachable() {
    try {
      String health = http.getString("health", CONNECT_TIMEOUT);
      if (!health.strip().equalsIgnoreCase("OK")) {
        throw new TrackingUnavailableException("MLflow tracking server " + trackingUri
            + " answered /health with '" + abbreviate(health) + "', not OK", null);
      }
      serverVersion();
      // The artifact proxy must be on: models and plots travel through it.
      artifacts.list("leadscore-reachability-probe");
    } catch (TrackingUnavailableException e) {
      throw e;
    } catch (TrackingException e) {
      throw new TrackingUnavailableException(
          "MLflow tracking server " + trackingUri + " is not usable: " + e.getMessage()
              + " (is it an MLflow server started with --serve-artifacts?)", e);
    }
  }

  /** The server's MLflow version (GET /version), e.g. {@code 3.17.2}. */
  public String serverVersion() {
    if (serverVersion == null) {
      String v = http.getString("version", CONNECT_TIMEOUT).strip();
      if (!v.matches("\\d+\\.\\d+.*")) {
        throw new TrackingException(
            trackingUri + "/version answered '" + abbreviate(v) + "', not an MLflow version");
      }
      serverVersion = v;
    }
    return serverVersion;
  }

  /**
   * The id of the experiment named {@code name}, created if missing (one experiment per model
   * name is the convention).
   *
   * @throws TrackingException if an experiment of that name exists but is deleted
   */
  public String experimentId(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("experiment name must not be blank, cannot be: " + name);
    }
    Optional<Experiment> existing = call("get experiment '" + name + "'",
        () -> client.getExperimentByName(name));
    if (existing.isEmpty()) {
      try {
        return call("create experiment '" + name + "'", () -> client.createExperiment(name));
      } catch (TrackingException e) {
        // Created meanwhile by someone else: use theirs.
        existing = call("get experiment '" + name + "'", () -> client.getExperimentByName(name));
        if (existing.isEmpty()) {
          throw e;
        }
      }
    }
    Experiment experiment = existing.get();
    if ("deleted".equalsIgnoreCase(experiment.getLifecycleStage())) {
      throw new TrackingException("MLflow experiment '" + name + "' (id "
          + experiment.getExperimentId() + ") is deleted: restore it (MLflow UI, or `mlflow "
          + "experiments restore`) or choose another model name");
    }
    return experiment.getExperimentId();
  }

  /**
   * Starts a run in the experiment {@code experimentName} (created if missing).
   *
   * @param runName shown in the MLflow UI; may be null
   * @param tags set at creation, e.g. {@link RunTags#standard}
   */
  public MlflowRun startRun(String experimentName, String runName, Map<String, String> tags) {
    String experimentId = experimentId(experimentName);
    credentials.refuseSecrets("tag", tags);
    CreateRun.Builder request = CreateRun.newBuilder()
        .setExperimentId(experimentId)
        .setStartTime(System.currentTimeMillis());
    if (runName != null) {
      request.setRunName(runName);
    }
    tags.forEach((k, v) -> request.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
    RunInfo info = call("create run in experiment '" + experimentName + "'",
        () -> client.createRun(request.build()));
    return new MlflowRun(this, info);
  }

  /** An existing run (to add tags or artifacts), e.g. the current champion's. */
  public MlflowRun run(String runId) {
    RunInfo info = call("get run " + runId, () -> client.getRun(runId).getInfo());
    return new MlflowRun(this, info);
  }

  /** Tags of a run, as a map. */
  public Map<String, String> runTags(String runId) {
    Map<String, String> tags = new LinkedHashMap<>();
    call("get run " + runId, () -> client.getRun(runId)).getData().getTagsList()
        .forEach(t -> tags.put(t.getKey(), t.getValue()));
    return tags;
  }

  /** The model registry of this server. */
  public ModelRegistry registry() {
    return registry;
  }

  /** MLflow's Java client, for calls this class does not wrap. */
  public MlflowClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }

  HttpTransport http() {
    return http;
  }

  ArtifactProxy artifacts() {
    return artifacts;
  }

  MlflowCredentials credentials() {
    return credentials;
  }

  /** POST to {@code /api/2.0/mlflow/<path>} through the Java client; the reply as JSON. */
  JsonNode post(String what, String path, Object body) {
    String json;
    try {
      json = HttpTransport.JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write JSON for " + path, e);
    }
    return HttpTransport.parse(what, call(what, () -> client.sendPost(path, json)));
  }

  /** GET {@code /api/2.0/mlflow/<pathAndQuery>} through the Java client; the reply as JSON. */
  JsonNode get(String what, String pathAndQuery) {
    return HttpTransport.parse(what, call(what, () -> client.sendGet(pathAndQuery)));
  }

  /** Runs a Java-client call, turning its exceptions into ours with what was being done. */
  <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (MlflowHttpException e) {
      throw new TrackingException(what + " failed: HTTP " + e.getStatusCode() + " "
          + abbreviate(e.getBodyMessage() == null ? e.getReasonPhrase() : e.getBodyMessage()),
          e);
    } catch (MlflowClientException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConnectException || t instanceof UnknownHostException
            || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
          throw HttpTransport.unreachable(trackingUri, t);
        }
      }
      throw new TrackingException(what + " failed: " + HttpTransport.describe(e), e);
    }
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    return t.length() > 300 ? t.substring(0, 300) + "…" : t;
  }
}
