"""Every notebook in git is committed clean (no outputs, no execution counts) and has the
papermill `parameters` cell the tests and bin/notebooks rely on. Execution of the notebooks
against a real pipeline run: airflow-dags/tests/test_e2e.py."""
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARAMETERS = ("lakehouse", "mlflow_uri", "model_name", "source", "jar")


def _tracked_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    return [ROOT / path for path in listed]


def test_the_three_notebooks_are_in_git():
    names = {path.name for path in _tracked_notebooks()}
    assert {"01_data_quality.ipynb", "02_model_review.ipynb",
            "03_scoring_monitoring.ipynb"} <= names, names


@pytest.mark.parametrize("path", _tracked_notebooks(), ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    # What git holds, not the working copy (which may just have been run in Jupyter).
    committed = subprocess.run(["git", "show", f"HEAD:{path.relative_to(ROOT)}"], cwd=ROOT,
                               capture_output=True, text=True)
    text = committed.stdout if committed.returncode == 0 else path.read_text()
    notebook = json.loads(text)
    dirty = [i for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} have outputs or execution counts; clear them " \
                       f"(jupyter nbconvert --clear-output --inplace {path.name})"


@pytest.mark.parametrize("path", _tracked_notebooks(), ids=lambda p: p.name)
def test_notebook_has_a_parameters_cell(path):
    notebook = json.loads(path.read_text())
    tagged = [cell for cell in notebook["cells"]
              if "parameters" in cell.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged parameters"
    source = "".join(tagged[0]["source"])
    for name in PARAMETERS:
        assert f"\n{name} = " in "\n" + source, f"{path.name}: parameter {name} missing"
