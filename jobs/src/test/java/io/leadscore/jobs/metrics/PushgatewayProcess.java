package io.leadscore.jobs.metrics;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Prometheus Pushgateway (the Debian package's binary, which bin/stack installs) on a
 * free loopback port. Under bin/test (LEADSCORE_REQUIRE_SERVICES=1) a missing binary fails the
 * test; elsewhere it skips with a message.
 */
final class PushgatewayProcess implements AutoCloseable {
  static final String BINARY = "/usr/bin/prometheus-pushgateway";

  private final Process process;
  private final String address;
  private final HttpClient http = HttpClient.newHttpClient();

  private PushgatewayProcess(Process process, String address) {
    this.process = process;
    this.address = address;
  }

  static PushgatewayProcess start() throws Exception {
    boolean required = "1".equals(System.getenv("LEADSCORE_REQUIRE_SERVICES"));
    if (!new File(BINARY).canExecute()) {
      if (required) {
        throw new IllegalStateException(BINARY + " is missing: run bin/stack install");
      }
      Assumptions.abort(BINARY + " is missing: run bin/stack install to test metrics for real");
    }
    String address = "127.0.0.1:" + freePort();
    Path log = Files.createTempFile("pushgateway", ".log");
    Process process = new ProcessBuilder(BINARY, "--web.listen-address=" + address)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PushgatewayProcess pg = new PushgatewayProcess(process, address);
    for (int i = 0; i < 100; i++) {
      if (pg.ready()) {
        return pg;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    pg.close();
    throw new IllegalStateException("Pushgateway did not start: " + Files.readString(log));
  }

  String address() {
    return address;
  }

  String scrape() throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/-/ready"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
