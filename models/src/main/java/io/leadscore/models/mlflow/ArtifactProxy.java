package io.leadscore.models.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The tracking server's artifact proxy ({@code mlflow server --serve-artifacts}, the default):
 * {@code /api/2.0/mlflow-artifacts/artifacts/<path>}. Artifacts travel over HTTP, so the JVM
 * needs neither Python nor access to the artifact store itself.
 */
final class ArtifactProxy {

  static final String ROUTE = "api/2.0/mlflow-artifacts/artifacts";

  /** A file or folder of a listing, path relative to the listed folder's parent root. */
  record Entry(String path, boolean directory, long size) {}

  private final HttpTransport http;
  private final Duration transferTimeout;

  ArtifactProxy(HttpTransport http, Duration transferTimeout) {
    this.http = http;
    this.transferTimeout = transferTimeout;
  }

  /**
   * The proxy path of an artifact URI: {@code mlflow-artifacts:/1/abc/artifacts} →
   * {@code 1/abc/artifacts}. Other schemes are not served by the proxy.
   */
  static String proxyPath(String artifactUri) {
    URI uri = URI.create(artifactUri);
    if (!"mlflow-artifacts".equals(uri.getScheme())) {
      throw new TrackingException("artifact location " + artifactUri + " is not served by the "
          + "tracking server's artifact proxy (mlflow-artifacts:): run `mlflow server` with "
          + "--serve-artifacts (the default) and an --artifacts-destination, and create the "
          + "experiment through that server");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    return path.replaceAll("^/+", "").replaceAll("/+$", "");
  }

  static String join(String... parts) {
    StringBuilder out = new StringBuilder();
    for (String p : parts) {
      if (p == null) {
        continue;
      }
      String trimmed = p.replaceAll("^/+", "").replaceAll("/+$", "");
      if (trimmed.isEmpty()) {
        continue;
      }
      for (String segment : trimmed.split("/")) {
        if (segment.equals("..") || segment.equals(".")) {
          throw new IllegalArgumentException(
              "artifact path must not contain '.' or '..' segments, cannot be: " + p);
        }
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(trimmed);
    }
    return out.toString();
  }

  void upload(String path, byte[] content) {
    http.put(ROUTE + "/" + HttpTransport.encodePath(path),
        () -> new ByteArrayInputStream(content), content.length, transferTimeout);
  }

  void upload(String path, Supplier<InputStream> content, long length) {
    http.put(ROUTE + "/" + HttpTransport.encodePath(path), content, length, transferTimeout);
  }

  /** The entries directly under {@code dir}, their paths relative to {@code dir}. */
  List<Entry> list(String dir) {
    JsonNode reply = http.getJson(ROUTE + "?path=" + HttpTransport.encodeQuery(dir));
    List<Entry> out = new ArrayList<>();
    for (JsonNode f : reply.path("files")) {
      String name = f.path("path").asText();
      // The proxy answers with base names; older servers with the full path.
      int slash = name.lastIndexOf('/');
      out.add(new Entry(slash >= 0 ? name.substring(slash + 1) : name,
          f.path("is_dir").asBoolean(false), f.path("file_size").asLong(-1)));
    }
    return out;
  }

  /** Every file under {@code dir}, recursively, as paths relative to {@code dir}. */
  List<Entry> listFiles(String dir) {
    List<Entry> out = new ArrayList<>();
    collect(dir, "", out);
    return out;
  }

  private void collect(String root, String relative, List<Entry> out) {
    for (Entry e : list(join(root, relative))) {
      String rel = relative.isEmpty() ? e.path() : relative + "/" + e.path();
      if (e.directory()) {
        collect(root, rel, out);
      } else {
        out.add(new Entry(rel, false, e.size()));
      }
    }
  }

  void download(String path, OutputStream out) {
    try (InputStream in = http.getStream(ROUTE + "/" + HttpTransport.encodePath(path),
        transferTimeout)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("downloading artifact " + path + " failed", e);
    }
  }

  byte[] read(String path) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    download(path, out);
    return out.toByteArray();
  }
}
