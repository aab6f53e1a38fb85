"""The jar runs through the real spark-submit of the pinned pyspark wheel (bin/leadscore)."""
import os
import re
import urllib.request

from conftest import run


def _config(tmp_path, pushgateway):
    config = tmp_path / "conf.yaml"
    config.write_text(f"""\
lakehouse:
  root: {tmp_path / 'lakehouse'}
  landing: {tmp_path / 'landing'}
mlflow:
  trackingUri: {os.environ.get('LEADSCORE_TEST_MLFLOW_URI', 'http://127.0.0.1:5000')}
metrics:
  pushgateway: {pushgateway}
""")
    return config


def test_doctor_runs_through_spark_submit_and_pushes_its_metrics(tmp_path):
    pushgateway = os.environ.get("LEADSCORE_TEST_PUSHGATEWAY", "127.0.0.1:9091")
    result = run(["bin/leadscore", "--driver-memory", "1g", "doctor",
                  "--config", str(_config(tmp_path, pushgateway))])

    assert result.returncode == 0, result.stdout + result.stderr
    # spark-submit's driver runs the CLI: the master came from the wrapper, not from code.
    assert "master local[*]" in result.stdout
    run_id = re.search(r"succeeded in [0-9.]+ s, run ([0-9a-f-]{36})", result.stdout).group(1)
    assert (tmp_path / "lakehouse" / "ops" / "job_runs" / "_delta_log").is_dir()
    with urllib.request.urlopen(f"http://{pushgateway}/metrics", timeout=5) as response:
        scraped = response.read().decode()
    assert f'run_id="{run_id}"' in scraped


def test_a_config_error_exits_2_with_one_line(tmp_path):
    config = _config(tmp_path, "127.0.0.1:9091")
    config.write_text(config.read_text().replace("trackingUri", "trackingURL"))

    result = run(["bin/leadscore", "doctor", "--config", str(config)])

    assert result.returncode == 2
    assert "unknown key 'mlflow.trackingURL'" in result.stderr
    assert "\tat " not in result.stderr
