"""Start an e2e app on meinheld in a subprocess and validate its six endpoints.

Used by run.py (before loading an app with wrk) and by test_e2e_apps.py.
Validation follows the TechEmpower rules: status, the Server/Date/Content-Type
headers, the body's shape, fortunes escaped and sorted, updates persisted.
It also pins the apps' PostgreSQL backends to a core (run.py, before loading).
"""

from __future__ import annotations

import contextlib
import html.parser
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
from common import ADDITIONAL_FORTUNE, FORTUNES, psycopg_conninfo

HERE = Path(__file__).resolve().parent

# Column name -> (module under bench/e2e, extra environment).
APPS = {
    "bare": ("bare", {}),
    "falcon": ("falcon", {}),
    "django": ("django", {}),
    "fastdj": ("fastdj", {"FASTDJ_PURE_PYTHON": "0"}),
    "fastdj-pure": ("fastdj", {"FASTDJ_PURE_PYTHON": "1"}),
}

CONTENT_TYPES = {
    "plaintext": "text/plain",
    "json": "application/json",
    "db": "application/json",
    "queries": "application/json",
    "fortunes": "text/html; charset=utf-8",
    "updates": "application/json",
}


class ValidationError(AssertionError):
    """An endpoint answered something the TechEmpower rules do not allow."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def can_pin() -> bool:
    """Return True when the server and wrk can get a core each (taskset, 2+ cores)."""
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def database_is_local() -> bool:
    """Return True when PostgreSQL runs on this machine (its pids are ours)."""
    host = psycopg_conninfo().get("host") or ""
    return host in ("127.0.0.1", "localhost", "::1", "") or host.startswith("/")


def pin_database_backends(cpu: int) -> list[int]:
    """Pin every client backend of the benchmark database to ``cpu``.

    Each app holds one PostgreSQL connection, served by its own backend
    process. Left to the kernel, a backend lands on either core and moves
    between runs; when it sits on the other core than its app, every query
    costs two cross-core wake-ups (about 75 us per round trip on a 2-core VM,
    more than the query itself), and whether an app gets that penalty is
    chance. On the server's core the database work is paid by the app's own
    core, the same way for every column. Returns the pinned backend pids.
    """
    sql = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    with psycopg.connect(**psycopg_conninfo(), autocommit=True) as conn:
        pids = [pid for (pid,) in conn.execute(sql)]
    for pid in pids:
        try:
            os.sched_setaffinity(pid, {cpu})
        except ProcessLookupError:
            continue  # the backend ended since the query: nothing to pin
        except PermissionError:
            raise SystemExit(
                f"cannot pin PostgreSQL backend {pid} (run as root or as the "
                "database's OS user, or pass --no-pin-db)"
            ) from None
    return pids


class Server:
    """A running app: ``.port``, ``.pid``, ``.banner`` (its first output line)."""

    def __init__(self, proc: subprocess.Popen, port: int, banner: str):
        self.proc, self.port, self.banner = proc, port, banner

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextlib.contextmanager
def serve(name: str, *, pin_cpu: int | None = None, timeout: float = 20.0):
    """Run app column ``name`` on meinheld on a free port; stop it on exit."""
    module, extra_env = APPS[name]
    port = free_port()
    env = {**os.environ, **extra_env, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, str(HERE / "serve.py"), module, str(port)]
    if pin_cpu is not None:
        cmd = ["taskset", "-c", str(pin_cpu), *cmd]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        banner = proc.stdout.readline().strip()
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                rest = proc.stdout.read()
                raise RuntimeError(
                    f"app {name!r} exited with {proc.returncode} before serving:\n"
                    f"{banner}\n{rest}"
                )
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"app {name!r} did not listen on {port} in {timeout}s"
                )
            time.sleep(0.05)
        yield Server(proc, port, banner)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


# -- fetching -----------------------------------------------------------------


def fetch(port: int, target: str) -> tuple[int, dict[str, str], bytes, list]:
    """GET ``target``; return (status, headers lower-cased, body, raw header list)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", target)
        resp = conn.getresponse()
        body = resp.read()
        raw = resp.getheaders()
    finally:
        conn.close()
    return resp.status, {k.lower(): v for k, v in raw}, body, raw


# -- checks on one response (pure functions, unit-testable) -------------------


def check_common(test: str, status: int, headers: dict, body: bytes, raw: list):
    """Check the status and the headers every test type must send."""
    if status != 200:
        raise ValidationError(f"/{test}: status {status}, expected 200: {body[:200]!r}")
    for name in ("server", "date", "content-type"):
        if not headers.get(name):
            raise ValidationError(f"/{test}: missing {name.title()} header")
    names = Counter(k.lower() for k, _ in raw)
    dupes = [k for k, n in names.items() if n > 1 and k != "set-cookie"]
    if dupes:
        raise ValidationError(f"/{test}: duplicated headers {dupes}")
    expected = CONTENT_TYPES[test]
    if headers["content-type"].lower() != expected:
        raise ValidationError(
            f"/{test}: Content-Type {headers['content-type']!r}, expected {expected!r}"
        )
    length = headers.get("content-length")
    if length is not None and int(length) != len(body):
        raise ValidationError(f"/{test}: Content-Length {length} but {len(body)} bytes")


def check_plaintext(body: bytes) -> None:
    if body != b"Hello, World!":
        raise ValidationError(f"/plaintext: body {body[:100]!r}")


def check_json(body: bytes) -> None:
    if _loads("json", body) != {"message": "Hello, World!"}:
        raise ValidationError(f"/json: body {body[:100]!r}")


def _loads(test: str, body: bytes):
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ValidationError(f"/{test}: not JSON ({exc}): {body[:100]!r}") from None


def check_world(test: str, obj) -> tuple[int, int]:
    """Check one World object: exactly id and randomNumber, ints in 1..10000."""
    if not isinstance(obj, dict) or set(obj) != {"id", "randomNumber"}:
        raise ValidationError(f"/{test}: expected {{id, randomNumber}}, got {obj!r}")
    for key in ("id", "randomNumber"):
        value = obj[key]
        if type(value) is not int or not 1 <= value <= 10000:
            raise ValidationError(f"/{test}: {key}={value!r} not an int in 1..10000")
    return obj["id"], obj["randomNumber"]


def check_world_list(test: str, body: bytes, count: int) -> list[tuple[int, int]]:
    data = _loads(test, body)
    if not isinstance(data, list) or len(data) != count:
        size = len(data) if isinstance(data, list) else type(data).__name__
        raise ValidationError(f"/{test}: expected a list of {count}, got {size}")
    return [check_world(test, obj) for obj in data]


class _FortuneTable(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self._cell: list[str] | None = None
        self._tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            (self.headers if tag == "th" else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def expected_fortunes() -> list[tuple[int, str]]:
    """Return the rows /fortunes must show, in order."""
    return sorted([*FORTUNES, (0, ADDITIONAL_FORTUNE)], key=lambda row: row[1])


def check_fortunes(body: bytes) -> None:
    """Check the page: doctype, table, every row escaped, sorted by message."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"/fortunes: not UTF-8: {exc}") from None
    if not text.lstrip().lower().startswith("<!doctype html>"):
        raise ValidationError("/fortunes: page does not start with <!DOCTYPE html>")
    if "<script>" in text or "</script>" in text:
        raise ValidationError("/fortunes: the <script> fortune is not escaped")
    for tag in ("<html>", "<head>", "<title>Fortunes</title>", "<body>", "<table>"):
        if tag not in text:
            raise ValidationError(f"/fortunes: missing {tag}")
    parser = _FortuneTable()
    parser.feed(text)
    parser.close()
    if parser.headers != ["id", "message"]:
        raise ValidationError(f"/fortunes: header row {parser.headers!r}")
    rows = [tuple(r) for r in parser.rows if r]
    got = [(int(r[0]), r[1]) if len(r) == 2 and r[0].isdigit() else r for r in rows]
    want = expected_fortunes()
    if got != want:
        diff = next(
            (i, g, w)
            for i, (g, w) in enumerate(
                zip(got + [None] * 13, want + [None] * 13, strict=False)
            )
            if g != w
        )
        raise ValidationError(
            f"/fortunes: {len(got)} rows, expected {len(want)} sorted by message; "
            f"first difference at row {diff[0]}: got {diff[1]!r}, expected {diff[2]!r}"
        )


# -- validating a running app ---------------------------------------------------

QUERY_CASES = [
    ("", 1),
    ("?queries=", 1),
    ("?queries=foo", 1),
    ("?queries=0", 1),
    ("?queries=-5", 1),
    ("?queries=1", 1),
    ("?queries=7", 7),
    ("?queries=20", 20),
    ("?queries=500", 500),
    ("?queries=501", 500),
]


def _get(port: int, test: str, target: str) -> bytes:
    status, headers, body, raw = fetch(port, target)
    check_common(test, status, headers, body, raw)
    return body


def validate(port: int) -> list[str]:
    """Validate the six endpoints of the app on ``port``; return what was checked.

    Raise ValidationError with a message naming the endpoint on the first failure.
    """
    checked = []
    check_plaintext(_get(port, "plaintext", "/plaintext"))
    checked.append("plaintext")
    check_json(_get(port, "json", "/json"))
    checked.append("json")
    with psycopg.connect(**psycopg_conninfo(), autocommit=True) as db:

        def stored(ids):
            rows = db.execute(
                "SELECT id, randomnumber FROM world WHERE id = ANY(%s)", [list(ids)]
            ).fetchall()
            return dict(rows)

        for _ in range(5):
            wid, number = check_world("db", _loads("db", _get(port, "db", "/db")))
            if stored([wid])[wid] != number:
                raise ValidationError(f"/db: World {wid} is not {number} in the table")
        checked.append("db")
        for query, count in QUERY_CASES:
            worlds = check_world_list(
                "queries", _get(port, "queries", "/queries" + query), count
            )
            table = stored(w for w, _ in worlds)
            wrong = [(w, n, table[w]) for w, n in worlds if table[w] != n]
            if wrong:
                raise ValidationError(
                    f"/queries{query}: (id, sent, stored) {wrong[:3]}"
                )
        checked.append("queries")
        for _ in range(2):
            check_fortunes(_get(port, "fortunes", "/fortunes"))
        checked.append("fortunes")
        for query, count in QUERY_CASES:
            worlds = check_world_list(
                "updates", _get(port, "updates", "/updates" + query), count
            )
            _check_persisted(query, worlds, stored(w for w, _ in worlds))
        checked.append("updates")
    return checked


def _check_persisted(query: str, worlds: list[tuple[int, int]], table: dict) -> None:
    # An id drawn twice in one request may be written with either of its numbers.
    sent: dict[int, set[int]] = {}
    for wid, number in worlds:
        sent.setdefault(wid, set()).add(number)
    lost = [
        (wid, nums, table[wid]) for wid, nums in sent.items() if table[wid] not in nums
    ]
    if lost:
        raise ValidationError(
            f"/updates{query}: {len(lost)} of {len(sent)} rows not persisted, "
            f"e.g. (id, returned, stored) {lost[:3]}"
        )
