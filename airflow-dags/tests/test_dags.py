"""The DAG files: they import cleanly (DagBag), without touching Variables or Connections, and
their task graphs, arguments and Assets are the intended ones."""
from __future__ import annotations

import os
from datetime import timedelta
from unittest import mock

import pytest
from conftest import DAGS

from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.exceptions import AirflowFailException

from leadscore_dags import assets, settings
from leadscore_dags.operators import LeadscoreJobOperator

DAILY, RETRAIN = "lead_scoring_daily", "lead_scoring_retrain"


def _parse():
    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def dagbag():
    return _parse()


def _edges(dag):
    return {(up.task_id, task.task_id) for task in dag.tasks for up in task.upstream_list}


def test_every_dag_file_imports_without_errors_or_warnings(dagbag):
    assert dagbag.import_errors == {}
    assert dagbag.captured_warnings == {}
    assert set(dagbag.dag_ids) == {DAILY, RETRAIN}
    for dag in dagbag.dags.values():
        assert dag.fileloc.endswith(f"{dag.dag_id}.py")


def test_parsing_reads_no_variable_and_no_connection():
    """Variables and Connections are read when tasks run (templates), never at parse time."""
    def forbidden(*args, **kwargs):
        raise AssertionError(f"looked up at import time: {args}")

    with mock.patch("airflow.sdk.Variable.get", side_effect=forbidden), \
            mock.patch("airflow.models.variable.Variable.get", side_effect=forbidden), \
            mock.patch("airflow.sdk.BaseHook.get_connection", side_effect=forbidden), \
            mock.patch("airflow.sdk.Connection.get", side_effect=forbidden):
        bag = _parse()
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {DAILY, RETRAIN}


def test_daily_graph(dagbag):
    dag = dagbag.dags[DAILY]
    assert [t.task_id for t in dag.topological_sort()] == [
        "ingest", "validate", "features_scoring", "score", "drift_check",
        "drift_above_threshold", "trigger_retrain"]
    assert _edges(dag) == {
        ("ingest", "validate"), ("validate", "features_scoring"), ("features_scoring", "score"),
        ("score", "drift_check"), ("drift_check", "drift_above_threshold"),
        ("drift_above_threshold", "trigger_retrain")}
    assert dag.get_task("trigger_retrain").trigger_dag_id == RETRAIN
    assert dag.get_task("drift_above_threshold").task_type == "ShortCircuitOperator"
    assert dag.timetable.expression == "0 2 * * *"
    assert dag.catchup is False and dag.max_active_runs == 1
    assert {"leadscore", "scoring"} <= set(dag.tags)
    assert dag.doc_md and "drift" in dag.doc_md


def test_retrain_graph(dagbag):
    dag = dagbag.dags[RETRAIN]
    assert [t.task_id for t in dag.topological_sort()] == ["features_training", "train", "gate"]
    assert _edges(dag) == {("features_training", "train"), ("train", "gate")}
    assert dag.timetable.expression == "0 3 * * 1"
    assert {"leadscore", "training"} <= set(dag.tags)
    assert dag.doc_md


@pytest.mark.parametrize("dag_id, task_id, job, extra_args", [
    (DAILY, "ingest", "ingest", []),
    (DAILY, "validate", "validate", []),
    (DAILY, "features_scoring", "features", ["--mode", "scoring"]),
    (DAILY, "score", "score", ["--model-name", settings.MODEL_NAME, "--no-drift"]),
    (DAILY, "drift_check", "drift", []),
    (RETRAIN, "features_training", "features", ["--mode", "training"]),
    (RETRAIN, "train", "train", ["--model-name", settings.MODEL_NAME]),
])
def test_job_tasks_submit_the_jar(dagbag, dag_id, task_id, job, extra_args):
    task = dagbag.dags[dag_id].get_task(task_id)
    assert isinstance(task, LeadscoreJobOperator)
    assert task._conn_id == "spark_default"
    assert task._java_class == "io.leadscore.jobs.cli.LeadscoreCli"
    assert task.application == settings.JAR
    assert "{{ var.value.get('leadscore_jar'" in task.application
    assert task.application_args == [job, "--config", settings.CONFIG,
                                     "--source", settings.SOURCE, *extra_args]
    assert "{{ var.value.get('leadscore_config'" in task.application_args[2]
    assert task.conf["spark.sql.shuffle.partitions"] == settings.SHUFFLE_PARTITIONS
    assert task.doc_md


def test_train_score_and_gate_use_one_registered_model(dagbag):
    """train registers, score reads and the gate checks the same (templated) model name."""
    daily, retrain = dagbag.dags[DAILY], dagbag.dags[RETRAIN]
    if "LEADSCORE_MODEL_NAME" not in os.environ:    # the default is the jobs' own default
        assert "{{ var.value.get('leadscore_model_name', 'leadscore_%s')" % settings.SOURCE \
            in settings.MODEL_NAME
    assert retrain.get_task("gate").op_kwargs["model"] == settings.MODEL_NAME
    for task in (retrain.get_task("train"), daily.get_task("score")):
        args = task.application_args
        assert args[args.index("--model-name") + 1] == settings.MODEL_NAME


def test_only_the_drift_check_treats_a_non_zero_exit_as_an_outcome(dagbag):
    outcomes = {task.task_id: task.outcomes for dag in dagbag.dags.values()
                for task in dag.tasks if isinstance(task, LeadscoreJobOperator)}
    assert outcomes.pop("drift_check") == {3: "drift"}
    assert all(value == {} for value in outcomes.values())


def test_default_args_retries_and_timeouts(dagbag):
    for dag in dagbag.dags.values():
        assert dag.dagrun_timeout is not None and dag.dagrun_timeout <= timedelta(hours=8)
        for task in dag.tasks:
            assert task.owner == "leadscore"
            assert task.execution_timeout is not None, task.task_id
            assert task.execution_timeout <= timedelta(hours=4), task.task_id
            if isinstance(task, LeadscoreJobOperator):
                assert task.retries == 2, task.task_id
                assert task.retry_delay == timedelta(minutes=5)
                assert task.retry_exponential_backoff
    assert dagbag.dags[DAILY].get_task("drift_above_threshold").retries == 0


def _uris(items):
    return {item.uri for item in items}


def test_tasks_declare_the_delta_tables_they_read_and_write(dagbag):
    daily, retrain = dagbag.dags[DAILY], dagbag.dags[RETRAIN]
    expected = {
        (daily, "ingest"): ([], [assets.BRONZE_LEADS, assets.BRONZE_EVENTS, assets.INGEST_LOG]),
        (daily, "validate"): ([assets.BRONZE_LEADS, assets.BRONZE_EVENTS],
                              [assets.SILVER_LEADS, assets.SILVER_EVENTS, assets.QUARANTINE,
                               assets.QUALITY_RUNS]),
        (daily, "features_scoring"): ([assets.SILVER_LEADS, assets.SILVER_EVENTS],
                                      [assets.GOLD_SCORING_FEATURES]),
        (daily, "score"): ([assets.GOLD_SCORING_FEATURES, assets.MODEL], [assets.SCORES]),
        (daily, "drift_check"): ([assets.GOLD_SCORING_FEATURES, assets.SCORES], [assets.DRIFT]),
        (retrain, "features_training"): ([assets.SILVER_LEADS, assets.SILVER_EVENTS],
                                         [assets.GOLD_FEATURES, assets.GOLD_LABELS]),
        (retrain, "train"): ([assets.GOLD_FEATURES, assets.GOLD_LABELS], [assets.MODEL]),
    }
    for (dag, task_id), (inlets, outlets) in expected.items():
        task = dag.get_task(task_id)
        assert _uris(task.inlets) == _uris(inlets), task_id
        assert _uris(task.outlets) == _uris(outlets), task_id


def test_asset_uris_follow_the_lakehouse_layout():
    root = settings.LAKEHOUSE_URI
    assert assets.SILVER_LEADS.uri == f"{root}/silver/{settings.SOURCE}/leads"
    assert assets.SCORES.uri == f"{root}/serving/{settings.SOURCE}/scores"
    assert assets.DRIFT.uri == f"{root}/ops/drift"
    assert assets.SCORES.name == f"leadscore.serving.{settings.SOURCE}.scores"
    assert root == f"file://{settings.HOME}/lakehouse"   # the default: conf/local.yaml's root


def test_drift_branch_follows_the_drift_outcome(dagbag):
    from lead_scoring_daily import drift_detected

    ti = mock.Mock()
    for outcome, expected in (("drift", True), ("ok", False), (None, False)):
        ti.xcom_pull.return_value = outcome
        assert drift_detected(ti) is expected
    ti.xcom_pull.assert_called_with(task_ids="drift_check")


def _failing_operator(code, outcomes=None):
    operator = LeadscoreJobOperator(task_id=f"exit_{code}", job="drift", outcomes=outcomes)
    operator._hook = mock.Mock()
    operator._hook._submit_sp.returncode = code
    return operator


def test_operator_maps_exit_codes(monkeypatch):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    def submit_exits(self, context):
        if self._hook._submit_sp.returncode:
            raise RuntimeError(f"Cannot execute: spark-submit ... Error code is: "
                               f"{self._hook._submit_sp.returncode}.")

    monkeypatch.setattr(SparkSubmitOperator, "execute", submit_exits)
    assert _failing_operator(0, {3: "drift"}).execute({}) == "ok"
    assert _failing_operator(3, {3: "drift"}).execute({}) == "drift"
    with pytest.raises(RuntimeError, match="Error code is: 3"):
        _failing_operator(3).execute({})
    with pytest.raises(RuntimeError, match="Error code is: 1"):
        _failing_operator(1, {3: "drift"}).execute({})
    with pytest.raises(AirflowFailException, match="exited 2"):
        _failing_operator(2, {3: "drift"}).execute({})
    with pytest.raises(ValueError, match="may not remap"):
        LeadscoreJobOperator(task_id="bad", job="drift", outcomes={2: "x"})
