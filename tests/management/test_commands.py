"""python -m fastdj: info, check, runserver argument handling."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fastdj
from fastdj import _accel
from fastdj.core.management import call_command, execute_from_command_line
from fastdj.core.management.base import CommandError
from fastdj.core.management.commands.runserver import parse_addrport

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args, env=None, cwd=REPO):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("FASTDJ_SETTINGS_MODULE", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fastdj", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=60,
    )


def test_info_in_process():
    out = io.StringIO()
    call_command("info", stdout=out)
    text = out.getvalue()
    assert f"fastdj {fastdj.__version__}" in text
    for name, impl in fastdj.speedups().items():
        assert any(line.split()[:2] == [name, impl] for line in text.splitlines()), text


def test_info_subprocess_reports_settings_module():
    result = run_cli("info", env={"FASTDJ_SETTINGS_MODULE": "mysite.settings"})
    assert result.returncode == 0, result.stderr
    assert f"fastdj {fastdj.__version__}" in result.stdout
    assert "Settings module: mysite.settings" in result.stdout
    assert "middleware" in result.stdout and "urls" in result.stdout


def test_info_pure_python_forced():
    result = run_cli("info", env={"FASTDJ_PURE_PYTHON": "1"})
    assert result.returncode == 0, result.stderr
    impls = dict(
        line.split()[:2] for line in result.stdout.splitlines() if line.startswith("  ")
    )
    assert impls == dict.fromkeys(_accel.KERNELS, "python")
    assert "FASTDJ_PURE_PYTHON is set" in result.stdout


def test_help_lists_commands():
    result = run_cli()
    assert result.returncode == 0
    for name in ("info", "runserver", "check"):
        assert name in result.stdout


def test_unknown_command():
    result = run_cli("frobnicate")
    assert result.returncode == 1
    assert "Unknown command: 'frobnicate'" in result.stderr


def test_version():
    result = run_cli("--version")
    assert result.stdout.strip() == fastdj.__version__


def test_check_example_project():
    result = run_cli(
        "check", "--settings", "mysite.settings", "--pythonpath", "examples"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_bad_settings_module():
    result = run_cli("check", "--settings", "no_such_settings_module")
    assert result.returncode == 1
    assert "no_such_settings_module" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "addrport,expected",
    [
        ("8000", ("127.0.0.1", 8000)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("localhost:8080", ("localhost", 8080)),
        ("[::1]:9000", ("::1", 9000)),
        ("example.com:1", ("example.com", 1)),
    ],
)
def test_parse_addrport(addrport, expected):
    assert parse_addrport(addrport) == expected


@pytest.mark.parametrize(
    "addrport,message",
    [
        ("abc", "is not a valid port number or address:port pair"),
        ("127.0.0.1:", "is not a valid port number or address:port pair"),
        (":8000", "is not a valid port number or address:port pair"),
        ("127.0.0.1:http", "is not a valid port number or address:port pair"),
        ("[::1:8000", "is not a valid port number or address:port pair"),
        ("70000", "is not a valid port number"),
        ("0", "is not a valid port number"),
        ("300.1.1.1:80", "is not a valid IPv4 address"),
        ("-1", "is not a valid port number or address:port pair"),
    ],
)
def test_parse_addrport_errors(addrport, message):
    with pytest.raises(CommandError, match=message):
        parse_addrport(addrport)


def test_runserver_bad_address_exits_cleanly():
    result = run_cli(
        "runserver",
        "not-a-port!",
        "--settings",
        "mysite.settings",
        "--pythonpath",
        "examples",
    )
    assert result.returncode == 1
    assert '"not-a-port!" is not a valid port number' in result.stderr
    assert "Traceback" not in result.stderr


def test_runserver_unknown_option():
    result = run_cli("runserver", "--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr


def test_runserver_too_many_arguments():
    with pytest.raises(CommandError, match="unrecognized arguments: 9000"):
        call_command("runserver", "8000", "9000")


def test_runserver_negative_keepalive():
    with pytest.raises(CommandError, match="--keepalive must be 0 or a positive"):
        call_command("runserver", "8000", "--keepalive", "-1")


def test_runserver_without_meinheld(monkeypatch):
    # A None entry in sys.modules makes the import fail, as if not installed.
    monkeypatch.setitem(sys.modules, "meinheld", None)
    with pytest.raises(CommandError, match="pip install --no-deps meinheld"):
        call_command("runserver", "8000")


def test_runserver_port_in_use():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(
            "runserver",
            f"127.0.0.1:{port}",
            "--settings",
            "mysite.settings",
            "--pythonpath",
            "examples",
        )
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr


def test_main_returns_status():
    assert execute_from_command_line(["fastdj", "help"]) == 0
    assert execute_from_command_line(["fastdj", "nope"]) == 1
