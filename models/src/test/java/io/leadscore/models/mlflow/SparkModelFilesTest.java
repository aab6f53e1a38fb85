package io.leadscore.models.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The environment files of a logged model, as text (Python parses MLmodel in the round trip). */
class SparkModelFilesTest {

  private static final SparkModelEnvironment ENV =
      new SparkModelEnvironment("3.5.9", "3.17.2", "3.10");

  @Test
  void requirementsPinPysparkAndMlflow() {
    assertThat(SparkModelFiles.requirementsTxt(ENV))
        .isEqualTo("mlflow==3.17.2\nnumpy\npyspark==3.5.9\n");
  }

  @Test
  void versionsStayStringsInYaml() {
    // Unquoted, YAML would read 3.10 as the float 3.1.
    assertThat(SparkModelFiles.pythonEnvYaml(ENV)).isEqualTo("""
        python: '3.10'
        build_dependencies:
        - pip
        - setuptools
        - wheel
        dependencies:
        - '-r requirements.txt'
        """);
    assertThat(SparkModelFiles.condaYaml(ENV)).isEqualTo("""
        channels:
        - conda-forge
        dependencies:
        - 'python=3.10'
        - pip
        - pip:
          - 'mlflow==3.17.2'
          - numpy
          - 'pyspark==3.5.9'
        name: mlflow-env
        """);
  }

  @Test
  void environmentVersionsAreChecked() {
    assertThatThrownBy(() -> new SparkModelEnvironment("3.5.9", "latest", "3.11"))
        .hasMessage("mlflowVersion must be a version like 3.5.9, cannot be: latest");
  }
}
