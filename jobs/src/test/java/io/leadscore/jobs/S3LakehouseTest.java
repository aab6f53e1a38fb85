package io.leadscore.jobs;

import static io.leadscore.jobs.CrmFixture.HEADER;
import static io.leadscore.jobs.CrmFixture.good;
import static io.leadscore.jobs.CrmFixture.lines;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest and validate with landing and lakehouse both on s3a://, served by S3Proxy in-process. */
class S3LakehouseTest extends JobTestSupport {
  static final String BUCKET = "leadscore-test";
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
    // The shared test session exists already: its Hadoop configuration gets the settings that a
    // fresh run takes from the config's spark section (spark.hadoop.fs.s3a.*).
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
  void ingestsAndValidatesWithLandingAndLakehouseOnS3a() throws Exception {
    String root = "s3a://" + BUCKET + "/lakehouse";
    String landing = "s3a://" + BUCKET + "/landing";
    StringBuilder spark = new StringBuilder("spark:\n");
    s3a.forEach((k, v) -> spark.append("  ").append(k).append(": \"").append(v).append("\"\n"));
    Path config = writeConfig(dir, spark.toString());
    Files.writeString(config, Files.readString(config)
        .replaceAll("root: .*", "root: " + root).replaceAll("landing: .*", "landing: " + landing));
    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    putObject(hadoop, landing + "/crm/leads/2025-01-01/leads.csv", lines(List.of(HEADER,
        good("A1", "Ann", "ann@gmail.com", "+1 212 555 0100"),
        good("A2", "Abe", "abe@initech.com", ""),
        "A3,broken")));
    putObject(hadoop, landing + "/crm/events/2025-01-01/part-0.json",
        "{\"event_id\":\"e1\",\"lead_id\":\"A1\",\"event_type\":\"page_view\","
            + "\"occurred_at\":\"2025-01-02T00:00:00Z\"}\n");

    CliResult ingest = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract());
    assertThat(ingest.exitCode()).as(ingest.output()).isZero();
    assertThat(ingest.stdout()).contains("ingested s3a://" + BUCKET
        + "/landing/crm/leads/2025-01-01/leads.csv as version 1: 3 rows, 1 malformed");
    CliResult validate = runCli("validate", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract());
    assertThat(validate.exitCode()).as(validate.output()).isZero();
    assertThat(validate.stdout()).contains("crm/leads passed: rows read 3 = inserted 2 + updated"
        + " 0 + quarantined 1 + superseded 0").contains("crm/events passed: rows read 1 ="
        + " inserted 1");

    Lakehouse lake = new Lakehouse(root);
    Dataset<Row> silver = spark().read().format("delta").load(lake.path(Table.SILVER_LEADS,
        "crm"));
    assertThat(silver.count()).isEqualTo(2);
    assertThat(silver.filter(col("email_domain_type").equalTo("corporate")).count()).isEqualTo(1);
    assertThat(spark().read().format("delta").load(lake.path(Table.QUARANTINE, "crm")).count())
        .isEqualTo(1);
    String report = spark().read().format("delta").load(lake.path(Table.QUALITY_RUNS))
        .filter(col("dataset").equalTo("leads")).head().getAs("report_html");
    assertThat(report).startsWith("s3a://" + BUCKET + "/lakehouse/reports/crm/quality/");
    FileSystem fs = new org.apache.hadoop.fs.Path(report).getFileSystem(hadoop);
    assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path(report)).getLen()).isPositive();

    CliResult again = runCli("ingest", "--config", config.toString(), "--source", "crm",
        "--contract", CrmFixture.contract());
    assertThat(again.stdout()).contains("0 ingested (0 rows), 0 refused, 1 already ingested");
  }

  private static void putObject(Configuration hadoop, String path, String text)
      throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try (OutputStream out = p.getFileSystem(hadoop).create(p, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
