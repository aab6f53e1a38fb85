package io.leadscore.models.gate;

import io.leadscore.models.mlflow.LoggedModel;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.ModelRegistry;
import io.leadscore.models.mlflow.ModelVersion;
import io.leadscore.models.mlflow.TrackingException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registers a logged challenger and applies the gate's decision, all or nothing: the version
 * is created only after everything was logged (the caller logs first), gets the challenger
 * alias always and the champion alias only when promoted, and the decision with its reasons is
 * tagged on the version, the challenger's run and the previous champion's run. If any step
 * fails, what this call created is undone (aliases restored, the version deleted, and the
 * registered model too if this call created it), so no half-registered version remains.
 */
public final class ModelPublisher {

  public static final String TAG_DECISION = "leadscore.gate.decision";
  public static final String TAG_REASONS = "leadscore.gate.reasons";
  public static final String TAG_MODEL_VERSION = "leadscore.gate.model_version";
  public static final String TAG_CHAMPION_BEFORE = "leadscore.gate.champion_before";
  public static final String TAG_LAST_CHALLENGE = "leadscore.gate.last_challenge";
  public static final String TAG_LAST_CHALLENGE_REASONS = "leadscore.gate.last_challenge_reasons";
  public static final String TAG_REPLACED_BY = "leadscore.gate.replaced_by";
  public static final String TAG_PUBLISH_ERROR = "leadscore.gate.publish_error";

  private static final int MAX_TAG = 5000;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  /**
   * What was published.
   *
   * @param version the new version (with its aliases)
   * @param promoted whether it became champion
   * @param previousChampion the champion before this call, if any
   */
  public record Publication(
      ModelVersion version, boolean promoted, Optional<ModelVersion> previousChampion) {}

  private ModelPublisher() {}

  /**
   * Registers {@code model} as a new version of {@code modelName} and applies {@code decision}.
   *
   * @throws io.leadscore.models.mlflow.TrackingUnavailableException if the server is
   *     unreachable (checked first: nothing is created)
   * @throws TrackingException if a step fails; what was created has been removed again (the
   *     message says so, or names what could not be removed)
   */
  public static Publication publish(MlflowTracking tracking, String modelName, LoggedModel model,
      GateDecision decision, GatePolicy policy) {
    tracking.checkReachable();
    ModelRegistry registry = tracking.registry();
    Optional<ModelVersion> previousChampion =
        registry.versionByAlias(modelName, policy.championAlias());
    Optional<ModelVersion> previousChallenger =
        registry.versionByAlias(modelName, policy.challengerAlias());
    boolean createdModel = false;
    ModelVersion created = null;
    boolean championMoved = false;
    boolean challengerMoved = false;
    try {
      createdModel = registry.ensureRegisteredModel(modelName,
          "Lead-scoring model trained by leadscore; aliases " + policy.championAlias() + " and "
              + policy.challengerAlias() + " are set by its promotion gate.");
      Map<String, String> versionTags = new LinkedHashMap<>();
      versionTags.put(TAG_DECISION, decision.verdict());
      versionTags.put(TAG_REASONS, clip(String.join("; ", decision.reasons())));
      created = registry.createVersion(modelName, model.artifactUri(), model.runId(),
          versionTags);
      ModelVersion ready = registry.waitUntilReady(modelName, created.version(), READY_TIMEOUT);
      challengerMoved = true;
      registry.setAlias(modelName, policy.challengerAlias(), ready.version());
      if (decision.promote()) {
        championMoved = true;
        registry.setAlias(modelName, policy.championAlias(), ready.version());
      }

      Map<String, String> runTags = new LinkedHashMap<>();
      runTags.put(TAG_DECISION, decision.verdict());
      runTags.put(TAG_REASONS, clip(String.join("; ", decision.reasons())));
      runTags.put(TAG_MODEL_VERSION, modelName + "/" + ready.version());
      runTags.put(TAG_CHAMPION_BEFORE,
          previousChampion.map(v -> modelName + "/" + v.version()).orElse("none"));
      tracking.run(model.runId()).setTags(runTags);
      if (previousChampion.isPresent() && !previousChampion.get().runId().isEmpty()
          && !previousChampion.get().runId().equals(model.runId())) {
        Map<String, String> championTags = new LinkedHashMap<>();
        championTags.put(TAG_LAST_CHALLENGE, (decision.promote() ? "replaced by" : "kept against")
            + " " + modelName + "/" + ready.version() + " (run " + model.runId() + ")");
        championTags.put(TAG_LAST_CHALLENGE_REASONS,
            clip(String.join("; ", decision.reasons())));
        if (decision.promote()) {
          championTags.put(TAG_REPLACED_BY, modelName + "/" + ready.version());
        }
        tracking.run(previousChampion.get().runId()).setTags(championTags);
      }
      return new Publication(registry.version(modelName, ready.version()), decision.promote(),
          previousChampion);
    } catch (RuntimeException e) {
      String undo = rollback(tracking, modelName, model, created, createdModel, championMoved,
          challengerMoved, previousChampion, previousChallenger, policy, e);
      throw new TrackingException("publishing model '" + modelName + "' failed: "
          + e.getMessage() + "; " + undo, e);
    }
  }

  private static String rollback(MlflowTracking tracking, String modelName, LoggedModel model,
      ModelVersion created, boolean createdModel, boolean championMoved, boolean challengerMoved,
      Optional<ModelVersion> previousChampion, Optional<ModelVersion> previousChallenger,
      GatePolicy policy, RuntimeException failure) {
    ModelRegistry registry = tracking.registry();
    try {
      if (created != null) {
        // Deleting the version also drops the aliases that point at it.
        registry.deleteVersion(modelName, created.version());
        if (championMoved && previousChampion.isPresent()) {
          registry.setAlias(modelName, policy.championAlias(), previousChampion.get().version());
        }
        if (challengerMoved && previousChallenger.isPresent()) {
          registry.setAlias(modelName, policy.challengerAlias(),
              previousChallenger.get().version());
        }
      }
      if (createdModel) {
        registry.deleteRegisteredModel(modelName);
      }
    } catch (RuntimeException undoFailure) {
      failure.addSuppressed(undoFailure);
      return "undoing it failed too (" + undoFailure.getMessage() + "): check model '"
          + modelName + "'" + (created == null ? "" : " version " + created.version())
          + " and its aliases by hand";
    }
    try {
      tracking.run(model.runId()).setTags(Map.of(TAG_DECISION, "publish_failed",
          TAG_PUBLISH_ERROR, clip(String.valueOf(failure.getMessage()))));
    } catch (RuntimeException ignored) {
      // The registry is clean again; the run tag is only a note.
    }
    return created == null && !createdModel ? "nothing was registered"
        : "the registration was undone" + (created == null ? "" : " (version "
            + created.version() + " deleted)");
  }

  private static String clip(String s) {
    return s.length() > MAX_TAG ? s.substring(0, MAX_TAG - 1) + "…" : s;
  }
}
