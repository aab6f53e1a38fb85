package io.leadscore.models.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * Credentials for the tracking server, read from the environment variables MLflow's own clients
 * use: {@code MLFLOW_TRACKING_TOKEN} (bearer) or {@code MLFLOW_TRACKING_USERNAME} + {@code
 * MLFLOW_TRACKING_PASSWORD} (basic), and {@code MLFLOW_TRACKING_INSECURE_TLS=true}. Never taken
 * from configuration files; {@link #toString()} never shows them.
 */
public final class MlflowCredentials {

  public static final String TOKEN = "MLFLOW_TRACKING_TOKEN";
  public static final String USERNAME = "MLFLOW_TRACKING_USERNAME";
  public static final String PASSWORD = "MLFLOW_TRACKING_PASSWORD";
  public static final String INSECURE_TLS = "MLFLOW_TRACKING_INSECURE_TLS";

  private final String token;
  private final String username;
  private final String password;
  private final boolean insecureTls;

  private MlflowCredentials(String token, String username, String password, boolean insecure) {
    this.token = blankToNull(token);
    this.username = blankToNull(username);
    this.password = password;
    this.insecureTls = insecure;
  }

  /** From the process environment. */
  public static MlflowCredentials fromEnvironment() {
    return from(System.getenv());
  }

  /** From the given variables (tests pass their own map). */
  public static MlflowCredentials from(Map<String, String> env) {
    if (env.get(PASSWORD) != null && blankToNull(env.get(USERNAME)) == null) {
      throw new IllegalArgumentException(PASSWORD + " is set but " + USERNAME + " is not");
    }
    return new MlflowCredentials(env.get(TOKEN), env.get(USERNAME), env.get(PASSWORD),
        "true".equalsIgnoreCase(env.getOrDefault(INSECURE_TLS, "false")));
  }

  /** No credentials (an open local server). */
  public static MlflowCredentials none() {
    return new MlflowCredentials(null, null, null, false);
  }

  /** The value of the HTTP Authorization header, if any: bearer token first, else basic. */
  public Optional<String> authorizationHeader() {
    if (token != null) {
      return Optional.of("Bearer " + token);
    }
    if (username != null) {
      String pair = username + ":" + (password == null ? "" : password);
      return Optional.of(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  /**
   * Refuses to send a value that contains a credential (a token pasted into a parameter, a
   * config dump in a tag), so secrets never end up stored in MLflow.
   */
  void refuseSecrets(String kind, Map<String, ?> entries) {
    for (Map.Entry<String, ?> e : entries.entrySet()) {
      String value = String.valueOf(e.getValue());
      for (String secret : new String[] {token, password}) {
        if (secret != null && secret.length() >= 4 && value.contains(secret)) {
          throw new IllegalArgumentException("refusing to log " + kind + " '" + e.getKey()
              + "': its value contains the MLflow credential from the environment");
        }
      }
    }
  }

  boolean insecureTls() {
    return insecureTls;
  }

  /** The same credentials for the MLflow Java client. */
  MlflowHostCredsProvider hostCreds(String trackingUri) {
    return new BasicMlflowHostCreds(trackingUri, username, password, token, insecureTls);
  }

  @Override
  public String toString() {
    return "MlflowCredentials[" + (token != null ? "token" : username != null ? "basic" : "none")
        + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
