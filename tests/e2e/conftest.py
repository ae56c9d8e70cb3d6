"""A real meinheld server on loopback serving the example project."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_accepting(proc, port, log_path, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"runserver exited with {proc.returncode}:\n{log_path.read_text()}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail(f"runserver did not accept within {timeout}s:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start `python -m fastdj runserver` on a free port; yield (host, port, proc)."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "FASTDJ_SETTINGS_MODULE"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fastdj",
                "runserver",
                f"127.0.0.1:{port}",
                "--settings",
                # Another settings module can be served for debugging.
                os.environ.get("FASTDJ_E2E_SETTINGS", "mysite.settings"),
                "--pythonpath",
                str(EXAMPLES),
                "--no-access-log",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_accepting(proc, port, log_path)
        yield "127.0.0.1", port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
