package io.leadscore.models.mlflow;

/**
 * The MLflow tracking server cannot be reached (connection refused, timeout, not an MLflow
 * server, or its artifact proxy is off). Thrown by {@link MlflowTracking#checkReachable()} so a
 * job can stop before any training or registration.
 */
public class TrackingUnavailableException extends TrackingException {

  private static final long serialVersionUID = 1L;

  public TrackingUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
