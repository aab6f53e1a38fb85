"""The retrain DAG's gate task reads the champion/challenger decision from a real MLflow server
(the local stack's, or LEADSCORE_TEST_MLFLOW_URI), on a throwaway registered model."""
from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
from conftest import free_port

from leadscore_dags.gate import GateError, gate_outcome


def _call(base, method, path, body=None):
    request = urllib.request.Request(
        f"{base}/api/2.0/mlflow/{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def registry(services):
    """A registered model with two versions (each from its own run), deleted afterwards."""
    base = services["mlflow"].rstrip("/")
    name = f"leadscore-gate-test-{uuid.uuid4().hex[:8]}"
    runs = [_call(base, "POST", "runs/create", {"experiment_id": "0"})["run"]["info"]["run_id"]
            for _ in range(2)]
    _call(base, "POST", "registered-models/create", {"name": name})
    for run_id in runs:
        _call(base, "POST", "model-versions/create",
              {"name": name, "source": f"runs:/{run_id}/model", "run_id": run_id})

    def alias(alias_name, version):
        _call(base, "POST", "registered-models/alias",
              {"name": name, "alias": alias_name, "version": version})

    yield base, name, alias
    _call(base, "DELETE", "registered-models/delete", {"name": name})
    for run_id in runs:
        _call(base, "POST", "runs/delete", {"run_id": run_id})


def test_gate_reports_promotion_and_a_kept_champion(registry):
    base, name, alias = registry
    with pytest.raises(GateError, match="has no 'champion' alias"):
        gate_outcome(base, name)

    alias("champion", "1")
    alias("challenger", "2")
    assert gate_outcome(base, name) == {"model": name, "champion": "1", "challenger": "2",
                                        "promoted": False}
    alias("champion", "2")
    assert gate_outcome(base, name) == {"model": name, "champion": "2", "challenger": "2",
                                        "promoted": True}


def test_gate_fails_clearly_for_an_unknown_model_and_an_absent_server(services):
    with pytest.raises(GateError, match="no 'champion' alias"):
        gate_outcome(services["mlflow"], f"no-such-model-{uuid.uuid4().hex[:8]}")
    with pytest.raises(GateError, match="does not answer"):
        gate_outcome(f"http://127.0.0.1:{free_port()}", "leadscore", timeout=2)
