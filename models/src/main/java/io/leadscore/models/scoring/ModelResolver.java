package io.leadscore.models.scoring;

import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.ModelRegistry;
import io.leadscore.models.mlflow.ModelVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;

/**
 * Finds the model a scoring run uses: an explicit version or the one the {@code champion}
 * alias points at, downloaded once per version into a cache. If the registry cannot be reached
 * or that model cannot be loaded, the version last used successfully (a marker in the cache,
 * written by {@link #recordLastUsed}) is loaded from the cache instead and flagged as a
 * fallback; with no such version there is no usable model.
 */
public final class ModelResolver {

  public static final String CHAMPION = "champion";
  /** Per registered model, in its cache folder: the version of the last successful score. */
  static final String LAST_USED = "_last_used";

  /**
   * The model to score with. Its PipelineModel is loaded when resolved, unless row kernels were
   * saved for that version ({@link KernelCache}): then it is loaded only if {@link #model()} is
   * asked for, as a run whose inputs match a saved kernel never does.
   */
  public static final class Resolved {
    private final String name;
    private final String version;
    private final String cacheDir;
    private final Configuration conf;
    private final boolean fallback;
    private final String problem;
    private PipelineModel model;

    /**
     * @param fallback true when the registry or the requested model failed and the last used
     *     version from the cache is used instead; {@code problem} then says why
     */
    public Resolved(String name, String version, PipelineModel model, boolean fallback,
        String problem) {
      this(name, version, null, null, java.util.Objects.requireNonNull(model, "model"), fallback,
          problem);
    }

    private Resolved(String name, String version, String cacheDir, Configuration conf,
        PipelineModel model, boolean fallback, String problem) {
      this.name = name;
      this.version = version;
      this.cacheDir = cacheDir;
      this.conf = conf;
      this.model = model;
      this.fallback = fallback;
      this.problem = problem;
    }

    public String name() {
      return name;
    }

    public String version() {
      return version;
    }

    public boolean fallback() {
      return fallback;
    }

    public String problem() {
      return problem;
    }

    /** The version's folder in the model cache; empty for a model given directly. */
    public Optional<String> versionDir() {
      return Optional.ofNullable(cacheDir).map(c -> versionFolder(c, name, version).toString());
    }

    /** The fitted pipeline (loaded from the cache now if resolution did not need to). */
    public synchronized PipelineModel model() {
      if (model == null) {
        model = ModelRegistry.loadCachedSparkModel(name, version, cacheDir, conf)
            .orElseThrow(() -> new IllegalStateException("model '" + name + "' version "
                + version + " is not complete in the cache at " + versionDir().orElseThrow()));
      }
      return model;
    }
  }

  /** No model can be used at all: the registry failed and the cache has no last used one. */
  public static final class NoUsableModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoUsableModelException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ModelResolver() {}

  /**
   * @param version an explicit version, or null for the champion
   * @throws NoUsableModelException if neither the registry nor the cache gives a model
   */
  public static Resolved resolve(String trackingUri, String name, String version,
      String cacheDir, Configuration conf) {
    RuntimeException problem;
    try (MlflowTracking mlflow = MlflowTracking.connect(trackingUri)) {
      ModelRegistry registry = mlflow.registry();
      String v = version;
      if (v == null) {
        v = registry.versionByAlias(name, CHAMPION).map(ModelVersion::version)
            .orElseThrow(() -> new IllegalStateException("model '" + name + "' has no "
                + CHAMPION + " alias in the registry at " + trackingUri
                + " (train and promote a model first, or pass --model-version)"));
      }
      String dir = registry.download(name, v, cacheDir, conf);
      // A version that was compiled before need not be loaded (see KernelCache); any other is
      // loaded now, so that a model which cannot be loaded falls back below.
      Resolved resolved = new Resolved(name, v, cacheDir, conf, null, false, null);
      if (KernelCache.saved(dir, conf).isEmpty()) {
        resolved.model();
      }
      return resolved;
    } catch (RuntimeException e) {
      problem = e;
    }
    String why = problem.getMessage();
    Optional<String> last = lastUsed(name, cacheDir, conf);
    if (last.isEmpty()) {
      throw new NoUsableModelException("no usable model '" + name + "': " + why
          + "; and no version of it was used before from the cache at "
          + ModelRegistry.cacheFolder(cacheDir, name) + " to fall back on", problem);
    }
    Optional<PipelineModel> cached;
    try {
      cached = ModelRegistry.loadCachedSparkModel(name, last.get(), cacheDir, conf);
    } catch (RuntimeException e) {
      problem.addSuppressed(e);
      cached = Optional.empty();
    }
    if (cached.isEmpty()) {
      throw new NoUsableModelException("no usable model '" + name + "': " + why
          + "; the last used version " + last.get() + " is no longer complete in the cache at "
          + ModelRegistry.cacheFolder(cacheDir, name), problem);
    }
    return new Resolved(name, last.get(), cacheDir, conf, cached.get(), true, why);
  }

  /** The version last used successfully, if recorded. */
  public static Optional<String> lastUsed(String name, String cacheDir, Configuration conf) {
    return readText(lastUsedFile(name, cacheDir), conf).filter(v -> !v.isEmpty());
  }

  /** Records {@code version} as the last one used successfully (after the scores are written). */
  public static void recordLastUsed(String name, String version, String cacheDir,
      Configuration conf) {
    writeAtomically(lastUsedFile(name, cacheDir), version + "\n", conf,
        "the last used model version");
  }

  /**
   * The reference profile of this cached version: the one training logged with the model
   * (downloaded with it), or one saved by {@link #saveProfile} for a model logged without it.
   * Empty if there is none or it cannot be read; {@code problem} then receives why, if it
   * exists but is unreadable.
   */
  public static Optional<ReferenceProfile> savedProfile(String name, String version,
      String cacheDir, Configuration conf, java.util.function.Consumer<String> problem) {
    Path file = profileFile(name, version, cacheDir);
    Optional<String> text = readText(file, conf);
    try {
      return text.map(ReferenceProfile::fromJson);
    } catch (IllegalArgumentException e) {
      problem.accept(file + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Saves {@code profile} beside this cached version's model files, for a version logged
   * without one: later runs read it back instead of the training table, and a lead's reasons
   * do not move when the training table is rebuilt without retraining.
   */
  public static void saveProfile(String name, String version, ReferenceProfile profile,
      String cacheDir, Configuration conf) {
    writeAtomically(profileFile(name, version, cacheDir), profile.toJson(), conf,
        "the reference profile");
  }

  private static Path lastUsedFile(String name, String cacheDir) {
    return new Path(ModelRegistry.cacheFolder(cacheDir, name), LAST_USED);
  }

  private static Path profileFile(String name, String version, String cacheDir) {
    return new Path(versionFolder(cacheDir, name, version), ReferenceProfile.FILE);
  }

  private static Path versionFolder(String cacheDir, String name, String version) {
    return new Path(ModelRegistry.cacheFolder(cacheDir, name), version);
  }

  /** The file's text, stripped; empty if there is no such file. */
  private static Optional<String> readText(Path file, Configuration conf) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (var in = fs.open(file)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Writes beside the target, then renames: a reader never sees half a file. */
  private static void writeAtomically(Path target, String text, Configuration conf,
      String what) {
    Path partial = new Path(target.getParent(), "." + target.getName() + "-"
        + java.util.UUID.randomUUID());
    try {
      FileSystem fs = target.getFileSystem(conf);
      try (OutputStream out = fs.create(partial, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(partial, target)) {
        throw new IOException("cannot move " + partial + " to " + target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record " + what + " at " + target, e);
    }
  }
}
