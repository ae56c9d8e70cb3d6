"""Correctness of the four e2e apps (five columns): serve each on meinheld and
validate its six endpoints against the TechEmpower rules, without wrk.

    python -m pytest bench/e2e/test_e2e_apps.py

Needs PostgreSQL at 127.0.0.1:5432 (user postgres): the hello_world database is
created if missing. Unreachable PostgreSQL skips the app tests, or fails them
under CI=true. The check functions are also tested on bad responses, so a
validator that lets everything through would fail here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import setup_db  # noqa: E402
from common import parse_queries  # noqa: E402


@pytest.fixture(scope="session")
def hello_world():
    if setup_db.main() != 0:
        msg = "PostgreSQL is unreachable: the e2e apps need it"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.mark.parametrize("app", list(harness.APPS))
def test_app_passes_validation(hello_world, app):
    with harness.serve(app) as server:
        if app == "fastdj-pure":
            assert "'cython'" not in server.banner
        checked = harness.validate(server.port)
    assert checked == ["plaintext", "json", "db", "queries", "fortunes", "updates"]


@pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="pinning needs sched_setaffinity and two usable cores",
)
def test_pin_database_backends_pins_each_client_backend(hello_world):
    import psycopg
    from common import psycopg_conninfo

    cpus = sorted(os.sched_getaffinity(0))
    with psycopg.connect(**psycopg_conninfo(), autocommit=True) as a:
        with psycopg.connect(**psycopg_conninfo(), autocommit=True) as b:
            pids = {c.info.backend_pid for c in (a, b)}
            for cpu in cpus[:2]:
                pinned = harness.pin_database_backends(cpu)
                assert pids <= set(pinned)
                for pid in pids:
                    assert os.sched_getaffinity(pid) == {cpu}
                # The pinned backends still answer.
                assert a.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 1),
        ("", 1),
        ("x", 1),
        ("1.5", 1),
        ("0", 1),
        ("-3", 1),
        ("1", 1),
        ("20", 20),
        ("500", 500),
        ("501", 500),
        ("99999999999999999999", 500),
    ],
)
def test_parse_queries(raw, expected):
    assert parse_queries(raw) == expected


def _page(rows, escape=True):
    from html import escape as esc

    cells = "".join(
        f"<tr><td>{i}</td><td>{esc(m) if escape else m}</td></tr>" for i, m in rows
    )
    return (
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        f"<tr><th>id</th><th>message</th></tr>{cells}</table></body></html>"
    ).encode()


def test_check_fortunes_accepts_the_standard_page():
    harness.check_fortunes(_page(harness.expected_fortunes()))


def test_check_fortunes_rejects_unescaped_script():
    with pytest.raises(harness.ValidationError, match="not escaped"):
        harness.check_fortunes(_page(harness.expected_fortunes(), escape=False))


def test_check_fortunes_rejects_unsorted_rows():
    rows = sorted(harness.expected_fortunes())  # by id, not by message
    with pytest.raises(harness.ValidationError, match="sorted by message"):
        harness.check_fortunes(_page(rows))


def test_check_fortunes_rejects_missing_additional_fortune():
    rows = [r for r in harness.expected_fortunes() if r[0] != 0]
    with pytest.raises(harness.ValidationError, match="13"):
        harness.check_fortunes(_page(rows))


def test_check_common_rejects_wrong_content_type():
    headers = {"server": "x", "date": "d", "content-type": "text/html"}
    with pytest.raises(harness.ValidationError, match="Content-Type"):
        harness.check_common("json", 200, headers, b"{}", list(headers.items()))


def test_check_common_rejects_missing_date():
    headers = {"server": "x", "content-type": "text/plain"}
    with pytest.raises(harness.ValidationError, match="Date"):
        harness.check_common("plaintext", 200, headers, b"", list(headers.items()))


def test_check_world_rejects_extra_keys_and_out_of_range():
    with pytest.raises(harness.ValidationError):
        harness.check_world("db", {"id": 1, "randomNumber": 2, "x": 3})
    with pytest.raises(harness.ValidationError):
        harness.check_world("db", {"id": 0, "randomNumber": 2})
    with pytest.raises(harness.ValidationError):
        harness.check_world("db", {"id": "1", "randomNumber": 2})


def test_check_persisted_rejects_unsaved_updates():
    with pytest.raises(harness.ValidationError, match="not persisted"):
        harness._check_persisted("?queries=2", [(1, 5), (2, 6)], {1: 5, 2: 7})
    # An id drawn twice may keep either number.
    harness._check_persisted("?queries=2", [(1, 5), (1, 6)], {1: 6})
