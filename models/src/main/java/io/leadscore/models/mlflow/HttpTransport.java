package io.leadscore.models.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP calls the MLflow Java client cannot make: the artifact proxy (upload, list,
 * download) and DELETE requests. Adds the Authorization header; never puts it in a message.
 */
final class HttpTransport {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final int BODY_IN_MESSAGE = 500;

  private final String trackingUri;
  private final MlflowCredentials credentials;
  private final HttpClient client;
  private final Duration requestTimeout;

  HttpTransport(String trackingUri, MlflowCredentials credentials, Duration connectTimeout,
      Duration requestTimeout) {
    this.trackingUri = trackingUri.replaceAll("/+$", "");
    this.credentials = credentials;
    this.requestTimeout = requestTimeout;
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (credentials.insecureTls()) {
      b.sslContext(trustAll());
    }
    this.client = b.build();
  }

  String trackingUri() {
    return trackingUri;
  }

  /** {@code <tracking>/<path>}; path segments must already be encoded. */
  URI uri(String path) {
    return URI.create(trackingUri + "/" + path.replaceAll("^/+", ""));
  }

  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  static String encodeQuery(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  String getString(String path, Duration timeout) {
    return send("GET", path, request(path, timeout).GET(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  JsonNode getJson(String path) {
    return parse("GET " + path, getString(path, requestTimeout));
  }

  /** A JSON request with a body (POST, PATCH, DELETE) to the REST API; returns the reply. */
  JsonNode sendJson(String method, String path, Object body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write JSON for " + method + " " + path, e);
    }
    HttpRequest.Builder b = request(path, requestTimeout)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json));
    return parse(method + " " + path,
        send(method, path, b, HttpResponse.BodyHandlers.ofString()).body());
  }

  /** PUT raw bytes from a stream of known length. */
  void put(String path, Supplier<InputStream> body, long length, Duration timeout) {
    HttpRequest.Builder b = request(path, timeout)
        .header("Content-Type", "application/octet-stream")
        .PUT(length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(body), length));
    send("PUT", path, b, HttpResponse.BodyHandlers.discarding());
  }

  /** GET a body as a stream; the caller closes it. */
  InputStream getStream(String path, Duration timeout) {
    return send("GET", path, request(path, timeout).GET(),
        HttpResponse.BodyHandlers.ofInputStream()).body();
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout);
    credentials.authorizationHeader().ifPresent(h -> b.header("Authorization", h));
    return b;
  }

  private <T> HttpResponse<T> send(
      String method, String path, HttpRequest.Builder request, HttpResponse.BodyHandler<T> h) {
    HttpResponse<T> response;
    try {
      response = client.send(request.build(), h);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw unreachable(trackingUri, e);
    } catch (HttpTimeoutException e) {
      throw new TrackingException(method + " " + trackingUri + "/" + path + " timed out", e);
    } catch (IOException e) {
      throw new TrackingException(
          method + " " + trackingUri + "/" + path + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackingException(method + " " + path + " interrupted", e);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      String body = bodyText(response.body());
      throw new TrackingException(method + " " + trackingUri + "/" + path + " failed: HTTP "
          + status + (body.isEmpty() ? "" : ": " + body));
    }
    return response;
  }

  static TrackingUnavailableException unreachable(String trackingUri, Throwable cause) {
    return new TrackingUnavailableException(
        "MLflow tracking server " + trackingUri + " is unreachable (" + describe(cause)
            + "): start it (bin/stack up) or fix mlflow.trackingUri", cause);
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static String bodyText(Object body) {
    String text;
    if (body instanceof String s) {
      text = s;
    } else if (body instanceof InputStream in) {
      try (in) {
        text = new String(in.readNBytes(BODY_IN_MESSAGE), StandardCharsets.UTF_8);
      } catch (IOException e) {
        text = "";
      }
    } else {
      text = "";
    }
    text = text.strip();
    return text.length() > BODY_IN_MESSAGE ? text.substring(0, BODY_IN_MESSAGE) + "…" : text;
  }

  static JsonNode parse(String what, String json) {
    try {
      return JSON.readTree(json == null || json.isBlank() ? "{}" : json);
    } catch (IOException e) {
      throw new TrackingException(what + " returned something that is not JSON: "
          + (json.length() > BODY_IN_MESSAGE ? json.substring(0, BODY_IN_MESSAGE) : json), e);
    }
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up " + MlflowCredentials.INSECURE_TLS, e);
    }
  }
}
