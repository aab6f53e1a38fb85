package io.leadscore.models.scoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row kernels saved beside a cached model version ({@code row_kernel-<key>.bin}), so that a
 * later run with the same inputs and options scores without loading the PipelineModel (a Spark
 * job per stage and per stage's data, ~2–5 s) or compiling it (~1–3 s).
 *
 * <p>The key covers everything the kernel is built from besides the model files: the input
 * schema, the scorer options (the reasons' baseline included), the kernel's own class files
 * and the Spark version. Another key is another file, so a changed input or a new leadscore
 * build compiles afresh; an unreadable file is ignored (and replaced). The file is Java
 * serialisation of the kernel, which Spark already ships to every task the same way: read it
 * only from a model cache as trusted as the model files beside it.
 */
public final class KernelCache {

  static final String PREFIX = "row_kernel-";
  private static final String SUFFIX = ".bin";
  private static final Logger LOG = LoggerFactory.getLogger(KernelCache.class);
  private static final String CODE = codeFingerprint();

  /** What is saved: the kernel and what the scorer needs besides it. */
  private record Saved(RowKernel kernel, DataType reasonsType, List<String> compiledStages)
      implements Serializable {}

  private KernelCache() {}

  /**
   * The scorer saved in {@code versionDir} for these inputs and options, if any. Scorers that
   * need the SQL form (a contributions column, a reference dataset to average) are never saved.
   */
  public static Optional<CompiledScorer> load(String versionDir, StructType inputSchema,
      ScorerOptions options, Configuration conf) {
    if (!cacheable(options)) {
      return Optional.empty();
    }
    Path file = file(versionDir, inputSchema, options);
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = fs.open(file)) {
        bytes = in.readAllBytes();
      }
      Saved saved;
      try (ObjectInputStream in = new ContextClassLoaderInput(bytes)) {
        saved = (Saved) in.readObject();
      }
      LOG.info("scorer: the row kernel saved in {} ({} stages), no model loaded or compiled",
          file, saved.compiledStages().size());
      return Optional.of(CompiledScorer.ofKernel(saved.kernel(), inputSchema, options,
          saved.reasonsType(), saved.compiledStages()));
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      LOG.warn("scorer: ignoring the unreadable saved row kernel {} ({}); compiling the model",
          file, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Saves {@code scorer}'s row kernel in {@code versionDir} for its inputs and options (written
   * beside, then renamed). Nothing is saved for a scorer without a kernel; a failure to save
   * costs a warning, not the run.
   */
  public static void save(String versionDir, CompiledScorer scorer, Configuration conf) {
    if (!scorer.usesRowKernel() || !cacheable(scorer.options())) {
      return;
    }
    Path file = file(versionDir, scorer.inputSchema(), scorer.options());
    Path partial = new Path(file.getParent(), "." + file.getName() + "-" + UUID.randomUUID());
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(new Saved(scorer.kernel(), scorer.kernelReasonsType(),
            List.copyOf(scorer.compiledStages())));
      }
      FileSystem fs = file.getFileSystem(conf);
      try (OutputStream out = fs.create(partial, true)) {
        out.write(bytes.toByteArray());
      }
      fs.delete(file, false);
      if (!fs.rename(partial, file)) {
        throw new IOException("cannot move " + partial + " to " + file);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("scorer: could not save the row kernel at {}: {}", file, e.toString());
      try {
        partial.getFileSystem(conf).delete(partial, false);
      } catch (IOException ignored) {
        // already warned
      }
    }
  }

  /** The saved kernels of a cached version (every input schema and options). */
  public static List<Path> saved(String versionDir, Configuration conf) {
    Path dir = new Path(versionDir);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return List.of();
      }
      return java.util.Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
          .filter(p -> p.getName().startsWith(PREFIX) && p.getName().endsWith(SUFFIX)).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list the model cache at " + dir, e);
    }
  }

  private static boolean cacheable(ScorerOptions options) {
    return options.reference() == null && options.contributionsColumn() == null
        && options.rowKernel();
  }

  static Path file(String versionDir, StructType inputSchema, ScorerOptions options) {
    StringBuilder key = new StringBuilder(CODE).append('\n')
        .append(org.apache.spark.package$.MODULE$.SPARK_VERSION()).append('\n')
        .append(inputSchema.json()).append('\n')
        .append(options.scoreColumn()).append(',').append(options.reasonsUpColumn()).append(',')
        .append(options.reasonsDownColumn()).append(',').append(options.topReasons()).append(',')
        .append(options.reasons()).append('\n');
    double[] means = options.slotMeans();
    if (means != null) {
      for (double m : means) {
        key.append(Long.toHexString(Double.doubleToRawLongBits(m))).append(',');
      }
    }
    return new Path(versionDir, PREFIX + sha256(key.toString().getBytes(StandardCharsets.UTF_8))
        .substring(0, 32) + SUFFIX);
  }

  /** A hash of the class files of the kernel and its nested classes: what is serialised. */
  private static String codeFingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      Deque<Class<?>> classes = new ArrayDeque<>(List.of(RowKernel.class, Saved.class));
      while (!classes.isEmpty()) {
        Class<?> c = classes.pop();
        String resource = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("no class file " + resource);
          }
          digest.update(c.getName().getBytes(StandardCharsets.UTF_8));
          digest.update(in.readAllBytes());
        }
        classes.addAll(List.of(c.getDeclaredClasses()));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint the row kernel's classes", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Resolves classes as Spark's tasks do: the jar given to spark-submit is not on the app path. */
  private static final class ContextClassLoaderInput extends ObjectInputStream {
    ContextClassLoaderInput(byte[] bytes) throws IOException {
      super(new ByteArrayInputStream(bytes));
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
