"""Shared helpers of the Python tests: paths of the checkout and free loopback ports."""
import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env=None, timeout=600, check=False):
    """Runs a command of the project, returning the CompletedProcess (text output)."""
    merged = dict(os.environ)
    merged.update(env or {})
    return subprocess.run(cmd, cwd=ROOT, env=merged, capture_output=True, text=True,
                          timeout=timeout, check=check)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
