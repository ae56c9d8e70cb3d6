"""Instructions and cold cache lines per request of the e2e apps, under callgrind.

On the loaded server a request rarely finds its code and data in the core's
caches: meinheld, the kernel's socket work and PostgreSQL run between two
requests. What a request then costs follows how many distinct cache lines it
touches about as much as how many instructions it executes. This tool measures
both for each app, in-process (no server, no wrk): each request is preceded by
a sweep of a buffer larger than the simulated last-level cache, so every line
it touches is a miss, and callgrind's collection is switched on around the
request alone. The simulated last-level cache has this machine's L2 size
(``--ll``): what a core keeps to itself.

Usage: python bench/e2e/cachelines.py [--apps bare,falcon,fastdj]
           [--requests N] [--ll BYTES] [--top K] [--keep DIR] ENDPOINT [ENDPOINT ...]

ENDPOINT is a path such as /plaintext or "/queries?queries=20". The apps need
the hello_world database (setup_db.py). Needs valgrind and a C compiler.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from callgrind import build_control  # noqa: E402  (bench/callgrind.py)
from harness import APPS  # noqa: E402

_TOGGLE_C = """
#include <valgrind/callgrind.h>
void fastdj_cg_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
"""
# Requests before counting: first-use compilation and specialisation settle.
WARMUP = 50
EVENTS = ("Ir", "ILmr", "DLmr", "DLmw")


def _environ(path: str, query: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def child(module: str, endpoint: str, n: int, sweep_bytes: int, control: str) -> None:
    """Serve ``endpoint`` of app ``module`` n times, each after a cache sweep,
    with callgrind collecting around the requests only."""
    import ctypes
    import importlib

    app = importlib.import_module(f"app_{module}").application
    path, _, query = endpoint.partition("?")

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise SystemExit(f"{module} {endpoint}: {status}")

    def one():
        body = app(_environ(path, query), start_response)
        try:
            for _ in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    for _ in range(WARMUP):
        one()
    sweep = bytearray(sweep_bytes)
    toggle = ctypes.CDLL(control).fastdj_cg_toggle
    for _ in range(n):
        bytes(sweep)
        toggle()
        one()
        toggle()


def totals(text: str) -> dict[str, int]:
    """Return the EVENTS totals of callgrind output ``text``."""
    events: list[str] = []
    values: list[str] = []
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key == "events":
            events = rest.split()
        elif key in ("totals", "summary") and not values:
            values = rest.split()
    if not events or not values:
        raise ValueError("no events/totals lines in the callgrind output")
    return {e: int(values[events.index(e)]) for e in EVENTS}


def measure(app: str, endpoint: str, args, control: str, directory: Path) -> dict:
    """Return the per-request counts of one app and endpoint."""
    module, extra_env = APPS[app]
    safe = endpoint.strip("/").replace("/", "_").replace("?", "_").replace("=", "")
    out = (args.keep or directory) / f"{app}-{safe or 'root'}.out"
    env = {**os.environ, **extra_env, "PYTHONHASHSEED": "0"}
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--collect-atstart=no",
        "--cache-sim=yes",
        f"--LL={args.ll},16,64",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--child",
        module,
        endpoint,
        str(args.requests),
        str(4 * args.ll),
        control,
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{app} {endpoint} failed:\n{done.stderr[-3000:]}")
    counts = totals(out.read_text())
    result = {
        "instructions": counts["Ir"] / args.requests,
        "code lines": counts["ILmr"] / args.requests,
        "data lines": (counts["DLmr"] + counts["DLmw"]) / args.requests,
    }
    if args.top:
        annotate = subprocess.run(
            [
                "callgrind_annotate",
                "--inclusive=no",
                "--tree=none",
                "--auto=no",
                "--sort=ILmr",
                str(out),
            ],
            capture_output=True,
            text=True,
        )
        result["annotate"] = "\n".join(annotate.stdout.splitlines()[: args.top + 25])
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        module, endpoint, n, sweep, control = argv[1:]
        child(module, endpoint, int(n), int(sweep), control)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", nargs="+", metavar="ENDPOINT")
    parser.add_argument("--apps", default="bare,falcon,fastdj")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--ll",
        type=int,
        default=2 * 1024 * 1024,
        help="simulated last-level cache bytes (default: 2 MiB)",
    )
    parser.add_argument(
        "--top",
        type=int,
        default=0,
        help="also print the K functions with most code-line misses",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="write the callgrind output files to this folder "
        "(APP-ENDPOINT.out, for callgrind_annotate) instead of a temporary one",
    )
    args = parser.parse_args(argv)
    apps = args.apps.split(",")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    unknown = [a for a in apps if a not in APPS]
    if unknown or args.requests <= 0:
        parser.error(f"unknown apps {unknown} (have {sorted(APPS)}) or requests <= 0")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        source = directory / "toggle.c"
        source.write_text(_TOGGLE_C)
        control = build_control(directory, source)
        if control is None:
            raise SystemExit("needs a C compiler (cc) and valgrind/callgrind.h")
        print("| endpoint | app | instructions | code lines | data lines | lines |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for endpoint in args.endpoints:
            for app in apps:
                r = measure(app, endpoint, args, control, directory)
                print(
                    f"| {endpoint} | {app} | {r['instructions']:,.0f} | "
                    f"{r['code lines']:,.0f} | {r['data lines']:,.0f} | "
                    f"{r['code lines'] + r['data lines']:,.0f} |",
                    flush=True,
                )
                if "annotate" in r:
                    print(r["annotate"], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
