"""An unreachable PostgreSQL skips the postgresql half locally, FAILS under CI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TARGET = "tests/db/backends/test_connections.py::test_default_alias_and_proxy"


def _run(ci: str | None):
    env = dict(os.environ)
    # Port 1 on loopback: nothing listens there, so connecting fails fast.
    env["FASTDJ_PG_PORT"] = "1"
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            TARGET,
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-rsfE",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("ci", "returncode", "summary"),
    [
        (None, 0, "1 passed, 1 skipped"),
        ("false", 0, "1 passed, 1 skipped"),
        ("true", 1, "1 passed, 1 error"),
    ],
)
def test_unreachable_postgres(ci, returncode, summary):
    proc = _run(ci)
    output = proc.stdout + proc.stderr
    assert proc.returncode == returncode, output
    assert summary in output, output
    assert "PostgreSQL at 127.0.0.1:1 is unreachable" in output
