"""monitoring/: the Prometheus alert rules and config are checked and unit-tested with the real
promtool (Debian's `prometheus` package, installed by `bin/stack install`), and the Grafana
dashboard's every query is parsed by promtool and evaluated against Pushgateway-like series
made only of the agreed metric names (COMMON: "Agreed names"), so that a misspelt metric or a
broken expression fails here and not on a wall screen.
"""
import json
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

MONITORING = ROOT / "monitoring"
ALERTS = MONITORING / "prometheus/alerts.yml"
ALERTS_TEST = MONITORING / "prometheus/alerts_test.yml"
PROMETHEUS_CONFIG = MONITORING / "prometheus/prometheus.yml"
DASHBOARD = MONITORING / "grafana/leadscore.json"

# What JobMetrics pushes (prefix leadscore_), and the jobs' own gauges.
AGREED_METRICS = {
    "leadscore_job_success",
    "leadscore_job_duration_seconds",
    "leadscore_job_last_run_timestamp_seconds",
    "leadscore_job_last_success_timestamp_seconds",
    "leadscore_job_rows",
    "leadscore_job_last_run",
    "leadscore_quarantine_rate",
    "leadscore_ingest_files_failed",
    "leadscore_tier_share",
    "leadscore_score_psi",
    "leadscore_feature_psi",
    "leadscore_drift_detected",
    "leadscore_model_test_auc",
    "leadscore_model_promoted",
}
REQUIRED_ALERTS = {"LeadscoreJobFailed", "LeadscoreScoringStale", "LeadscoreScoreDrift",
                   "LeadscoreQuarantineRateSpike"}
# Grafana's own variables, replaced by what Grafana would put there before promtool sees them.
GRAFANA_VARIABLES = {"${job}": ".*", "$job": ".*", "$__rate_interval": "5m",
                     "$__interval": "1m", "$__range": "1d"}


@pytest.fixture(scope="module")
def promtool():
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is missing: run bin/stack install (apt-gets Debian's prometheus)")
    return path


def _promtool(promtool, *args, cwd=None):
    return subprocess.run([promtool, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


# --- PromQL metric names ----------------------------------------------------------------------

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
             "and", "or", "unless", "inf", "nan"}
_TOKEN = re.compile(r"(?P<number>\d[\w.]*)|(?P<name>[A-Za-z_:][A-Za-z0-9_:]*)")


def metric_names(expr: str) -> set:
    """Metric names a PromQL expression selects: identifiers that are not functions,
    aggregations, keywords, label names, strings, numbers or durations."""
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', expr)
    text = re.sub(r"\{[^{}]*\}", " ", text)            # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)            # ranges and subqueries
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in _TOKEN.finditer(text):
        word = match.group("name")
        if word is None or word.lower() in _KEYWORDS:
            continue
        if text[match.end():].lstrip().startswith("("):
            continue                                   # a function or an aggregation
        names.add(word)
    return names


def test_metric_names_finds_selectors_and_nothing_else():
    expr = ('sum by (job, kind) (rate(leadscore_jobs_rows{kind="read", job=~"$job"}[5m] offset 1h))'
            ' / on (job) group_left topk(3, foo:bar) > 0.5 and time() - 26 * 3600 > bool 1e3')
    assert metric_names(expr) == {"leadscore_jobs_rows", "foo:bar"}


# --- Alert rules ------------------------------------------------------------------------------

def _alert_rules():
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_alert_rules_pass_promtool_check(promtool):
    result = _promtool(promtool, "check", "rules", ALERTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(_alert_rules())} rules found" in result.stdout


def test_alert_rules_pass_their_promtool_unit_tests(promtool):
    result = _promtool(promtool, "test", "rules", ALERTS_TEST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_alert_rules_cover_the_required_alerts_and_use_agreed_metrics():
    rules = _alert_rules()
    assert REQUIRED_ALERTS <= {rule["alert"] for rule in rules}
    for rule in rules:
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= AGREED_METRICS, f"{rule['alert']}: {names - AGREED_METRICS}"
        assert rule["labels"]["severity"] in {"critical", "warning"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


def test_every_alert_is_unit_tested_firing_and_not_firing():
    cases = [case for test in yaml.safe_load(ALERTS_TEST.read_text())["tests"]
             for case in test.get("alert_rule_test", [])]
    for rule in _alert_rules():
        name = rule["alert"]
        outcomes = {bool(case["exp_alerts"]) for case in cases if case["alertname"] == name}
        assert outcomes == {True, False}, f"{name}: firing/not-firing cases {outcomes}"


def test_prometheus_config_is_valid_and_keeps_the_pushed_job_label(promtool):
    result = _promtool(promtool, "check", "config", PROMETHEUS_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    assert config["rule_files"] == ["alerts.yml"]
    (scrape,) = [s for s in config["scrape_configs"] if s["job_name"] == "pushgateway"]
    assert scrape["honor_labels"] is True
    assert scrape["static_configs"][0]["targets"] == ["127.0.0.1:9091"]


# --- Grafana dashboard ------------------------------------------------------------------------

def _dashboard():
    return json.loads(DASHBOARD.read_text())


def _panels(dashboard):
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def _queries(dashboard):
    """(panel title, PromQL as Grafana would send it) for every target of every panel."""
    for panel in _panels(dashboard):
        for target in panel.get("targets", []):
            expr = target["expr"]
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            assert "$" not in expr, f"{panel['title']}: unknown Grafana variable in {expr}"
            yield panel["title"], expr


def test_dashboard_takes_its_prometheus_datasource_as_a_variable():
    dashboard = _dashboard()
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert metric_names(variables["job"]["definition"].replace("label_values", "")) \
        <= AGREED_METRICS | {"job"}
    for panel in _panels(dashboard):
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]


def test_dashboard_layout_is_sound():
    panels = list(_panels(_dashboard()))
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    cells = {}
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_dashboard_shows_what_the_issue_asks_for():
    exprs = [expr for _, expr in _queries(_dashboard())]
    used = set().union(*(metric_names(expr) for expr in exprs))
    assert {"leadscore_job_success", "leadscore_job_duration_seconds", "leadscore_job_rows",
            "leadscore_quarantine_rate", "leadscore_tier_share", "leadscore_score_psi",
            "leadscore_feature_psi", "leadscore_model_test_auc"} <= used
    assert any('kind="scored"' in expr for expr in exprs), "rows scored"
    assert any('kind=~"rejected|quarantined"' in expr for expr in exprs), "rejected rate"


def test_dashboard_uses_only_agreed_metric_names():
    for title, expr in _queries(_dashboard()):
        names = metric_names(expr)
        assert names, f"{title}: selects no metric: {expr}"
        assert names <= AGREED_METRICS, f"{title}: not agreed: {names - AGREED_METRICS}"


def _pushgateway_series():
    """One healthy day of every job's pushed metrics, labelled as the Pushgateway serves them."""
    series = {}

    def add(name, value, **labels):
        labels = {"instance": "", **labels}
        selector = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        series[f"{name}{{{selector}}}"] = value

    for job in ("ingest", "validate", "features", "train", "score", "drift"):
        group = f"leadscore_{job}"
        add("leadscore_job_success", 1, job=group)
        add("leadscore_job_duration_seconds", 42.5, job=group)
        add("leadscore_job_last_run_timestamp_seconds", 0, job=group)
        add("leadscore_job_last_success_timestamp_seconds", 0, job=group)
        add("leadscore_job_last_run", 1, job=group, run_id=f"run-{job}", status="success")
        add("leadscore_job_rows", 1000, job=group, kind="read")
        add("leadscore_job_rows", 990, job=group, kind="written")
    for kind, count in (("rejected", 10), ("quarantined", 10), ("inserted", 900),
                        ("updated", 80), ("superseded", 0)):
        add("leadscore_job_rows", count, job="leadscore_validate", kind=kind)
    add("leadscore_quarantine_rate", 0.01, job="leadscore_validate")
    add("leadscore_ingest_files_failed", 0, job="leadscore_ingest")
    add("leadscore_job_rows", 990, job="leadscore_score", kind="scored")
    for tier, share in (("A", 0.1), ("B", 0.2), ("C", 0.3), ("D", 0.4)):
        add("leadscore_tier_share", share, job="leadscore_score", tier=tier)
    add("leadscore_score_psi", 0.03, job="leadscore_drift")
    for feature, psi in (("lead_source", 0.02), ("country", 0.05), ("page_views_7d", 0.01)):
        add("leadscore_feature_psi", psi, job="leadscore_drift", feature=feature)
    add("leadscore_drift_detected", 0, job="leadscore_drift")
    add("leadscore_model_test_auc", 0.91, job="leadscore_train")
    add("leadscore_model_promoted", 1, job="leadscore_train")
    assert {name.split("{")[0] for name in series} == AGREED_METRICS
    return series


def _evaluate_queries(promtool, queries, folder):
    """promtool parses every query (check rules) and evaluates it over the Pushgateway series
    (test rules): an alert absent(<query>) per query must not fire, i.e. each returns data."""
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"alert": f"Query{i}Empty", "expr": f"absent(({expr}))",
         "annotations": {"query": f"{title}: {expr}"}}
        for i, (title, expr) in enumerate(queries)]}]}
    (folder / "queries.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
    tests = {"rule_files": ["queries.yml"], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": s, "values": f"{v}x30"} for s, v in _pushgateway_series().items()],
        "alert_rule_test": [{"eval_time": "10m", "alertname": f"Query{i}Empty", "exp_alerts": []}
                            for i in range(len(queries))],
    }]}
    (folder / "queries_test.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    check = _promtool(promtool, "check", "rules", "queries.yml", cwd=folder)
    test = _promtool(promtool, "test", "rules", "queries_test.yml", cwd=folder)
    return check, test


def test_every_dashboard_query_parses_and_returns_data(promtool, tmp_path):
    queries = list(_queries(_dashboard()))
    assert len(queries) >= 15
    check, test = _evaluate_queries(promtool, queries, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert test.returncode == 0, test.stdout + test.stderr


def test_query_evaluation_catches_a_misspelt_metric_and_a_syntax_error(promtool, tmp_path):
    (tmp_path / "typo").mkdir()
    _, typo = _evaluate_queries(promtool, [("typo", "max(leadscore_score_pis)")], tmp_path / "typo")
    assert typo.returncode != 0 and "Query0Empty" in typo.stdout + typo.stderr
    (tmp_path / "syntax").mkdir()
    broken, _ = _evaluate_queries(promtool, [("broken", "max by (job (leadscore_job_success)")],
                                  tmp_path / "syntax")
    assert broken.returncode != 0
