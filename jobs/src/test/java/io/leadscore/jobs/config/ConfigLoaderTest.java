package io.leadscore.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String VALID = String.join("\n",
      "lakehouse:",
      "  root: s3a://bucket/lake",
      "  landing: ./landing",
      "mlflow:",
      "  trackingUri: http://127.0.0.1:5000",
      "metrics:",
      "  pushgateway: 127.0.0.1:9091",
      "pii:",
      "  hashKey: ${PII_KEY}",
      "spark:",
      "  fs.s3a.secret.key: ${SECRET}",
      "");

  @TempDir
  Path dir;

  private final ConfigLoader loader =
      new ConfigLoader(Map.of("PII_KEY", "k3y", "SECRET", "s3cr3t")::get);

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("env.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void readsAValidFileSubstitutingEnvironmentVariables() throws IOException {
    LeadscoreConfig config = loader.load(write(VALID));

    assertThat(config.lakehouse().root()).isEqualTo("s3a://bucket/lake");
    assertThat(Path.of(config.lakehouse().landing())).isAbsolute();
    assertThat(config.requirePiiHashKey()).isEqualTo("k3y");
    assertThat(config.spark()).containsEntry("fs.s3a.secret.key", "s3cr3t");
    assertThat(config.metrics().enabled()).isTrue();
    assertThat(config.toString()).doesNotContain("k3y").doesNotContain("s3cr3t");
  }

  @Test
  void theShippedConfigsLoad() {
    Path conf = SparkTestSupport.projectRoot().resolve("conf");
    ConfigLoader withEverything = new ConfigLoader(name -> "value-of-" + name);

    assertThat(withEverything.load(conf.resolve("local.yaml")).mlflow().trackingUri())
        .isEqualTo("http://127.0.0.1:5000");
    assertThat(withEverything.load(conf.resolve("cluster.example.yaml")).lakehouse().root())
        .startsWith("s3a://");
  }

  @Test
  void unknownKeyIsAnErrorNamingTheKeyAndTheKnownOnes() throws IOException {
    Path file = write(VALID.replace("trackingUri:", "trackingUrl:"));

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'mlflow.trackingUrl'")
        .hasMessageContaining("trackingUri");
  }

  @Test
  void unknownTopLevelSectionIsAnError() throws IOException {
    Path file = write(VALID + "serving:\n  tiers: 4\n");

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'serving'");
  }

  @Test
  void missingEnvironmentVariableNamesTheKeyAndTheVariable() throws IOException {
    ConfigLoader withoutSecrets = new ConfigLoader(Map.of("PII_KEY", "k")::get);

    assertThatThrownBy(() -> withoutSecrets.load(write(VALID)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("spark.fs.s3a.secret.key")
        .hasMessageContaining("SECRET")
        .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(2));
  }

  @Test
  void missingRequiredValueIsAnError() throws IOException {
    Path file = write(VALID.replace("  pushgateway: 127.0.0.1:9091\n", "  enabled: true\n"));

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pushgateway");
  }

  @Test
  void malformedUrisAreErrorsWithTheBadValue() throws IOException {
    assertThatThrownBy(() -> loader.load(write(VALID.replace("s3a://bucket/lake", "s3a:///lake"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lakehouse.root").hasMessageContaining("s3a:///lake");
    assertThatThrownBy(() -> loader.load(write(VALID.replace("s3a://bucket/lake", "ftp://h/x"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ftp://h/x");
    assertThatThrownBy(() -> loader.load(
        write(VALID.replace("http://127.0.0.1:5000", "127.0.0.1:5000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mlflow.trackingUri").hasMessageContaining("127.0.0.1:5000");
    assertThatThrownBy(() -> loader.load(
        write(VALID.replace("http://127.0.0.1:5000", "http://bad host:5000"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mlflow.trackingUri");
    assertThatThrownBy(() -> loader.load(write(VALID.replace("127.0.0.1:9091", "http://pgw"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.pushgateway");
  }

  @Test
  void wrongTypeAndBrokenYamlAreErrors() throws IOException {
    assertThatThrownBy(() -> loader.load(write(VALID.replace("  trackingUri: http://127.0.0.1:5000",
        "  trackingUri: [a, b]"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mlflow.trackingUri");
    assertThatThrownBy(() -> loader.load(write("lakehouse: [unclosed\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
  }

  @Test
  void sparkSettingsMustBeSparkOrHadoopKeys() throws IOException {
    Path file = write(VALID + "  shuffle.partitions: \"4\"\n");

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shuffle.partitions");
  }

  @Test
  void scoringSectionHasDefaultsAndChecksItsValues() throws IOException {
    LeadscoreConfig defaults = loader.load(write(VALID));
    assertThat(defaults.scoring().tierCuts()).containsExactly(0.9, 0.7, 0.4);
    assertThat(defaults.scoring().driftThreshold()).isEqualTo(0.2);
    String spark = "spark:\n  fs.s3a.secret.key: ${SECRET}\n";
    LeadscoreConfig custom = loader.load(write(VALID.replace(spark, spark
        + "scoring:\n  tierCuts: [0.8, 0.5, 0.2]\n  driftThreshold: 0.25\n")));
    assertThat(custom.scoring().tierCuts()).containsExactly(0.8, 0.5, 0.2);
    assertThat(custom.scoring().driftThreshold()).isEqualTo(0.25);

    assertThatThrownBy(() -> loader.load(write(VALID + "scoring:\n  tierCuts: [0.4, 0.7, 0.9]\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("scoring.tierCuts")
        .hasMessageContaining("[0.4, 0.7, 0.9]");
    assertThatThrownBy(() -> loader.load(write(VALID + "scoring:\n  tierCuts: [0.9, 0.5]\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("[0.9, 0.5]");
    assertThatThrownBy(() -> loader.load(write(VALID + "scoring:\n  driftThreshold: -1\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("scoring.driftThreshold")
        .hasMessageContaining("-1.0");
  }
}
