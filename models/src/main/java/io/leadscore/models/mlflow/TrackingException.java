package io.leadscore.models.mlflow;

/** A call to the MLflow tracking server failed; the message says which call and why. */
public class TrackingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TrackingException(String message) {
    super(message);
  }

  public TrackingException(String message, Throwable cause) {
    super(message, cause);
  }
}
