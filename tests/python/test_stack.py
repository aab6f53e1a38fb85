"""bin/stack: idempotent `up`, and `down` stops only what it started.

Runs a second, private stack (own state folder and ports) so the suite's own stack is never
touched.
"""
import urllib.request

from conftest import free_port, run


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status


def _pids(state):
    return {name: (state / f"{name}.pid").read_text().strip() for name in ("mlflow", "pushgateway")}


def test_up_twice_down_twice(tmp_path):
    mlflow_port, pgw_port = free_port(), free_port()
    env = {"LEADSCORE_STATE_DIR": str(tmp_path / "stack"),
           "LEADSCORE_MLFLOW_PORT": str(mlflow_port),
           "LEADSCORE_PUSHGATEWAY_PORT": str(pgw_port)}
    state = tmp_path / "stack"
    try:
        first = run(["bin/stack", "up"], env)
        assert first.returncode == 0, first.stderr
        assert _get(f"http://127.0.0.1:{mlflow_port}/health") == 200
        assert _get(f"http://127.0.0.1:{pgw_port}/-/ready") == 200
        pids = _pids(state)

        second = run(["bin/stack", "up"], env)
        assert second.returncode == 0, second.stderr
        assert "mlflow already running" in second.stdout
        assert "pushgateway already running" in second.stdout
        assert _pids(state) == pids

        status = run(["bin/stack", "status"], env)
        assert status.returncode == 0
        assert f"mlflow running (pid {pids['mlflow']})" in status.stdout
    finally:
        down = run(["bin/stack", "down"], env)
    assert down.returncode == 0, down.stderr
    assert "mlflow stopped" in down.stdout
    stopped = run(["bin/stack", "status"], env)
    assert stopped.returncode == 3
    assert "mlflow stopped" in stopped.stdout
    again = run(["bin/stack", "down"], env)
    assert again.returncode == 0
    assert "mlflow not running" in again.stdout


def test_up_refuses_a_port_taken_by_another_process(tmp_path):
    import socket
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen(1)
        port = squatter.getsockname()[1]
        env = {"LEADSCORE_STATE_DIR": str(tmp_path / "stack"),
               "LEADSCORE_MLFLOW_PORT": str(port),
               "LEADSCORE_PUSHGATEWAY_PORT": str(free_port())}
        result = run(["bin/stack", "up"], env)
    run(["bin/stack", "down"], env)
    assert result.returncode != 0
    assert f"127.0.0.1:{port} is taken" in result.stderr
