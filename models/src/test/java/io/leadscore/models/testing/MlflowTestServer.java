package io.leadscore.models.testing;

import io.leadscore.models.mlflow.MlflowCredentials;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.TrackingUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real MLflow server the tests run against ({@code LEADSCORE_TEST_MLFLOW_URI}, default the
 * local stack's), unique names per test so reruns never collide, and clean-up of what the
 * tests registered (registered models deleted, experiments moved to MLflow's trash). Under
 * bin/test ({@code LEADSCORE_REQUIRE_SERVICES=1}) an unreachable server fails the tests;
 * elsewhere they are skipped with a message.
 */
public final class MlflowTestServer implements AutoCloseable {

  public static final String URI_ENV = "LEADSCORE_TEST_MLFLOW_URI";

  private final MlflowTracking tracking;
  private final List<String> models = new ArrayList<>();
  private final List<String> experiments = new ArrayList<>();

  public MlflowTestServer() {
    this.tracking = MlflowTracking.connect(uri(), MlflowCredentials.fromEnvironment());
  }

  /** Connects and checks the server answers; skips (or fails under bin/test) if it does not. */
  public static MlflowTestServer reachable() {
    MlflowTestServer server = new MlflowTestServer();
    try {
      server.tracking().checkReachable();
    } catch (TrackingUnavailableException e) {
      server.tracking().close();
      if (servicesRequired()) {
        throw e;
      }
      Assumptions.abort(e.getMessage());
    }
    return server;
  }

  /** bin/test sets LEADSCORE_REQUIRE_SERVICES=1: missing services are failures, not skips. */
  public static boolean servicesRequired() {
    return "1".equals(System.getenv("LEADSCORE_REQUIRE_SERVICES"));
  }

  public static String uri() {
    String uri = System.getenv(URI_ENV);
    return uri == null || uri.isBlank() ? "http://127.0.0.1:5000" : uri;
  }

  public MlflowTracking tracking() {
    return tracking;
  }

  /** A fresh name for a registered model / experiment, deleted again by {@link #close()}. */
  public String uniqueName(String prefix) {
    String name = "test-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    models.add(name);
    experiments.add(name);
    return name;
  }

  @Override
  public void close() {
    for (String m : models) {
      try {
        if (tracking.registry().exists(m)) {
          tracking.registry().deleteRegisteredModel(m);
        }
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    for (String e : experiments) {
      try {
        tracking.client().getExperimentByName(e)
            .ifPresent(x -> tracking.client().deleteExperiment(x.getExperimentId()));
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    tracking.close();
  }
}
