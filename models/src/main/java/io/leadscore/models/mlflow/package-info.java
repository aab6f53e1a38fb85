/**
 * MLflow tracking and registry from the JVM, without Python: {@link
 * io.leadscore.models.mlflow.MlflowTracking} (connect, {@code checkReachable()}, experiments,
 * runs), {@link io.leadscore.models.mlflow.MlflowRun} (params, metrics, tags, input tables,
 * artifacts through the server's artifact proxy, and Spark models in the format {@code
 * mlflow.spark.load_model} reads), {@link io.leadscore.models.mlflow.ModelRegistry} (registered
 * models, versions, aliases, downloads to a cache). Credentials come from the environment
 * ({@link io.leadscore.models.mlflow.MlflowCredentials}).
 */
package io.leadscore.models.mlflow;
