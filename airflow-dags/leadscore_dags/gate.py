"""The champion/challenger gate's outcome, read from the MLflow registry over its REST API.

The train job registers the new model version, aliases it ``challenger`` and promotes it to
``champion`` when it passes the gate. The ``gate`` task of lead_scoring_retrain reports that
decision (XCom: model name, champion and challenger versions, whether the new version was
promoted) and fails when the registry holds no champion at all, since scoring would then have
no model. Standard library only: the Airflow virtualenv does not carry MLflow.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class GateError(RuntimeError):
    """The registry cannot be read, or it has no champion."""


def _alias_version(tracking_uri: str, model: str, alias: str, timeout: float) -> str | None:
    query = urllib.parse.urlencode({"name": model, "alias": alias})
    url = f"{tracking_uri.rstrip('/')}/api/2.0/mlflow/registered-models/alias?{query}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)["model_version"]["version"]
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        if error.code == 404 or "RESOURCE_DOES_NOT_EXIST" in body or "INVALID_PARAMETER_VALUE" in body:
            return None
        raise GateError(f"MLflow at {tracking_uri} answered HTTP {error.code} for {url}: {body[:300]}") from error
    except (urllib.error.URLError, OSError) as error:
        raise GateError(f"MLflow does not answer at {tracking_uri} ({error}); is the tracking server up?") from error


def gate_outcome(tracking_uri: str, model: str, timeout: float = 10.0) -> dict[str, Any]:
    """Champion and challenger versions of `model`; raises GateError if there is no champion."""
    champion = _alias_version(tracking_uri, model, "champion", timeout)
    challenger = _alias_version(tracking_uri, model, "challenger", timeout)
    if champion is None:
        raise GateError(
            f"registered model '{model}' has no 'champion' alias at {tracking_uri}: no model passed"
            f" the gate (challenger: {challenger}); scoring has no model until one does")
    return {
        "model": model,
        "champion": champion,
        "challenger": challenger,
        "promoted": challenger is not None and challenger == champion,
    }
