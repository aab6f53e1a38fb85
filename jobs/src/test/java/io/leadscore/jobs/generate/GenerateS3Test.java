package io.leadscore.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.jobs.JobTestSupport;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generating onto s3a:// (S3Proxy in-process) writes the same bytes as onto a local disk. */
class GenerateS3Test extends JobTestSupport {
  static final String BUCKET = "leadscore-generate";
  static final String ACCESS = "test-access";
  static final String SECRET = "test-secret";

  @TempDir
  Path dir;

  S3Proxy proxy;
  Map<String, String> s3a;

  @BeforeEach
  void startS3() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TransientNio2BlobStore store = new TransientNio2BlobStore();
    store.createContainer(BUCKET);
    proxy = S3Proxy.builder().blobStore(store)
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
        .build();
    proxy.start();
    for (int i = 0; i < 100 && !proxy.getState().equals("STARTED"); i++) {
      Thread.sleep(50);
    }
    s3a = Map.of(
        "fs.s3a.endpoint", "http://127.0.0.1:" + port,
        "fs.s3a.path.style.access", "true",
        "fs.s3a.connection.ssl.enabled", "false",
        "fs.s3a.access.key", ACCESS,
        "fs.s3a.secret.key", SECRET,
        "fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.change.detection.mode", "none",
        "fs.s3a.impl.disable.cache", "true");
    // The shared test session exists already: its Hadoop configuration gets what a fresh run
    // takes from the config's spark section (spark.hadoop.fs.s3a.*).
    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    s3a.forEach(hadoop::set);
  }

  @AfterEach
  void stopS3() throws Exception {
    if (s3a != null) {
      Configuration hadoop = spark().sparkContext().hadoopConfiguration();
      s3a.keySet().forEach(hadoop::unset);
    }
    if (proxy != null) {
      proxy.stop();
    }
  }

  @Test
  void writesTheSameBytesToS3aAsToALocalFolder() throws Exception {
    Path config = writeConfig(dir, "");
    List<String> common = List.of("--leads", "600", "--days", "4", "--bad-record-rate", "0.05",
        "--schema-change-rate", "0.3", "--bad-encoding-rate", "0.3");
    List<String> s3Args = new ArrayList<>(List.of("generate", "--config", config.toString(),
        "--landing", "s3a://" + BUCKET + "/landing"));
    s3Args.addAll(common);
    CliResult onS3 = runCli(s3Args.toArray(String[]::new));
    assertThat(onS3.exitCode()).as(onS3.output()).isZero();
    assertThat(onS3.stdout()).contains("in s3a://" + BUCKET + "/truth/synthetic");
    List<String> localArgs = new ArrayList<>(List.of("generate", "--config", config.toString(),
        "--landing", dir.resolve("landing").toString()));
    localArgs.addAll(common);
    assertThat(runCli(localArgs.toArray(String[]::new)).exitCode()).isZero();

    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path bucket = new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/");
    FileSystem fs = bucket.getFileSystem(hadoop);
    List<String> objects = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(bucket, true);
    while (it.hasNext()) {
      org.apache.hadoop.fs.Path p = it.next().getPath();
      String key = p.toUri().getPath().substring(1);
      objects.add(key);
      byte[] remote;
      try (var in = fs.open(p)) {
        remote = in.readAllBytes();
      }
      assertThat(remote).as(key).isEqualTo(Files.readAllBytes(dir.resolve(key)));
    }
    // 4 lead drops, 4 event drops, 4 truth files, the summary; no temporary objects left.
    assertThat(objects).hasSize(13).allMatch(k -> !k.contains(".inprogress"));
    assertThat(objects).contains("landing/synthetic/leads/2026-01-05/leads_2026-01-05.csv",
        "truth/synthetic/_generator.json");
  }
}
