package io.leadscore.models.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowCredentialsTest {

  @Test
  void bearerTokenWinsOverBasic() {
    MlflowCredentials c = MlflowCredentials.from(Map.of(
        MlflowCredentials.TOKEN, "abc", MlflowCredentials.USERNAME, "u",
        MlflowCredentials.PASSWORD, "p"));
    assertThat(c.authorizationHeader()).contains("Bearer abc");
  }

  @Test
  void basicFromUserAndPassword() {
    MlflowCredentials c = MlflowCredentials.from(Map.of(
        MlflowCredentials.USERNAME, "ana", MlflowCredentials.PASSWORD, "pw:1"));
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString("ana:pw:1".getBytes(StandardCharsets.UTF_8));
    assertThat(c.authorizationHeader()).contains(expected);
    assertThat(c.toString()).isEqualTo("MlflowCredentials[basic]").doesNotContain("pw:1");
  }

  @Test
  void noneAndHalfConfigured() {
    assertThat(MlflowCredentials.from(Map.of()).authorizationHeader()).isEmpty();
    assertThatThrownBy(() -> MlflowCredentials.from(Map.of(MlflowCredentials.PASSWORD, "x")))
        .hasMessage("MLFLOW_TRACKING_PASSWORD is set but MLFLOW_TRACKING_USERNAME is not");
  }

  @Test
  void gitCommitFromEnvironmentElseUnknownOutsideACheckout(@TempDir Path notARepo) {
    String commit = "a".repeat(40);
    assertThat(RunTags.detectGitCommit(Map.of(RunTags.GIT_COMMIT_ENV, commit), notARepo))
        .isEqualTo(commit);
    assertThat(RunTags.detectGitCommit(Map.of(), notARepo)).isEqualTo(RunTags.UNKNOWN_COMMIT);
    assertThat(RunTags.detectGitCommit(Map.of(), Path.of("").toAbsolutePath()))
        .matches("[0-9a-f]{40}");
  }

  @Test
  void artifactUrisMapToProxyPaths() {
    assertThat(ArtifactProxy.proxyPath("mlflow-artifacts:/1/abc/artifacts"))
        .isEqualTo("1/abc/artifacts");
    assertThat(ArtifactProxy.proxyPath("mlflow-artifacts://host:5000/1/abc/artifacts/"))
        .isEqualTo("1/abc/artifacts");
    assertThatThrownBy(() -> ArtifactProxy.proxyPath("s3://bucket/1/abc/artifacts"))
        .isInstanceOf(TrackingException.class)
        .hasMessageStartingWith("artifact location s3://bucket/1/abc/artifacts is not served by "
            + "the tracking server's artifact proxy");
    assertThat(ArtifactProxy.join("1/abc/artifacts/", null, "/model", "sparkml/x"))
        .isEqualTo("1/abc/artifacts/model/sparkml/x");
    assertThatThrownBy(() -> ArtifactProxy.join("model", "../../etc"))
        .hasMessageContaining("must not contain '.' or '..' segments");
    assertThat(HttpTransport.encodePath("1/a b/c+d#e")).isEqualTo("1/a%20b/c%2Bd%23e");
  }
}
