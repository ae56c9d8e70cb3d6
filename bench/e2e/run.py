"""Run the TechEmpower-style end-to-end benchmark:  python bench/e2e/run.py

For each app (bare WSGI, Falcon, Django, fastdj, fastdj with FASTDJ_PURE_PYTHON=1):
serve it on meinheld (one process), validate every endpoint, then load each
endpoint with wrk on loopback and record requests/sec. Prints the table and
writes RESULTS.md, results.json and results.png next to this file.
See README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
import setup_db  # noqa: E402

TESTS = [
    ("plaintext", "/plaintext"),
    ("json", "/json"),
    ("db", "/db"),
    ("queries", "/queries?queries=20"),
    ("fortunes", "/fortunes"),
    ("updates", "/updates?queries=20"),
]
BASELINE = "bare"
SERVER_CPU, WRK_CPU = 0, 1


def _connections(test: str, args) -> int:
    if args.connections:
        return args.connections
    return 64 if test in ("plaintext", "json") else 32


def wrk(port: int, target: str, duration: int, connections: int, pin: bool) -> dict:
    """Load ``target`` with wrk; return requests/sec and error counts."""
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        f"http://127.0.0.1:{port}{target}",
    ]
    if pin:
        cmd = ["taskset", "-c", str(WRK_CPU), *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"cannot parse wrk output:\n{out}")
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: (.*)"):
        found = re.search(pattern, out)
        if found:
            errors += sum(int(n) for n in re.findall(r"\d+", found.group(1)))
    return {"rps": float(match.group(1)), "errors": errors}


def _check_banner(name: str, banner: str) -> None:
    # The fastdj columns must run the twins they claim to.
    if name == "fastdj" and "'python'" in banner:
        raise SystemExit(f"fastdj column runs pure-Python twins: {banner}")
    if name == "fastdj-pure" and "'cython'" in banner:
        raise SystemExit(f"fastdj-pure column runs Cython twins: {banner}")


def _start_servers(apps: list[str], stack: contextlib.ExitStack, pin: bool) -> dict:
    """Serve every app in ``apps`` at once and validate each; return the servers."""
    servers = {}
    for app in apps:
        server = stack.enter_context(
            harness.serve(app, pin_cpu=SERVER_CPU if pin else None)
        )
        _check_banner(app, server.banner)
        try:
            harness.validate(server.port)
        except harness.ValidationError as exc:
            raise SystemExit(f"VALIDATION FAILED for {app}: {exc}") from None
        print(f"{app}: validated ({server.banner})", flush=True)
        servers[app] = server
    return servers


def bench_all(apps: list[str], args, pin: bool, pin_db: bool) -> dict:
    """Load every app's endpoints in interleaved rounds, each on new servers.

    Returns {app: {test: {"rps": best round, "rounds": [...], "errors": n}}}.
    Each round starts every app in a new process: where a process's code and
    data land in memory decides how they share the caches, and one process of
    the same app can run a test 20% slower than the next for the whole of its
    life. Within a round each test type runs every app once in turn, so a
    burst of background load hits all columns alike. The best round is kept,
    since outside load and an unlucky layout can only slow a run down.
    """
    results = {app: {} for app in apps}
    for number in range(1, args.rounds + 1):
        print(f"round {number} of {args.rounds}", flush=True)
        with contextlib.ExitStack() as stack:
            servers = _start_servers(apps, stack, pin)
            for test, target in TESTS:
                conns = _connections(test, args)
                if pin_db:
                    # Again per test: an app that reconnected has a new backend.
                    harness.pin_database_backends(SERVER_CPU)
                for app in apps:
                    if args.warmup:
                        wrk(servers[app].port, target, args.warmup, conns, pin)
                for app in apps:
                    run = wrk(servers[app].port, target, args.duration, conns, pin)
                    entry = results[app].setdefault(test, {"rounds": [], "errors": 0})
                    entry["rounds"].append(run["rps"])
                    entry["errors"] += run["errors"]
    for test, _ in TESTS:
        for app in apps:
            entry = results[app][test]
            entry["rps"] = max(entry["rounds"])
            note = f" ({entry['errors']} errors)" if entry["errors"] else ""
            rounds = ", ".join(f"{r:.0f}" for r in entry["rounds"])
            print(
                f"  {test:<10} {app:<12} {entry['rps']:>9.0f} req/s  [{rounds}]{note}",
                flush=True,
            )
    return results


def geomean(values) -> float:
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


def table(results: dict) -> str:
    """Return the markdown table: req/s and (ratio to bare) per test and app."""
    apps = list(results)
    lines = [
        "| test | " + " | ".join(apps) + " |",
        "| --- |" + " ---: |" * len(apps),
    ]
    for test, _ in TESTS:
        base = results[BASELINE][test]["rps"]
        cells = []
        for app in apps:
            rps = results[app][test]["rps"]
            cells.append(f"{rps:,.0f} ({rps / base:.2f}x)")
        lines.append(f"| {test} | " + " | ".join(cells) + " |")
    cells = []
    for app in apps:
        rps = geomean(results[app][t]["rps"] for t, _ in TESTS)
        ratio = geomean(
            results[app][t]["rps"] / results[BASELINE][t]["rps"] for t, _ in TESTS
        )
        cells.append(f"{rps:,.0f} ({ratio:.2f}x)")
    lines.append("| **geomean** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(results: dict) -> list[str]:
    """Return one line per issue target per fastdj column: met or missed."""
    out = []
    tests = [t for t, _ in TESTS]
    for col in ("fastdj", "fastdj-pure"):
        if col not in results or BASELINE not in results:
            continue
        r = {t: results[col][t]["rps"] for t in tests}
        ratio = {t: r[t] / results[BASELINE][t]["rps"] for t in tests}
        gm = geomean(ratio.values())
        low = min(ratio, key=ratio.get)
        out.append(
            f"- {col}: geomean {gm:.2f}x bare (target >= 0.85): "
            f"{'met' if gm >= 0.85 else 'MISSED'}; lowest {low} {ratio[low]:.2f}x "
            f"(target >= 0.70): {'met' if ratio[low] >= 0.7 else 'MISSED'}"
        )
        if "falcon" in results:
            behind = [t for t in tests if r[t] <= results["falcon"][t]["rps"]]
            vs = ", ".join(
                f"{t} {r[t] / results['falcon'][t]['rps']:.2f}x" for t in tests
            )
            out.append(
                f"- {col} vs falcon ({vs}): ahead on every type "
                + ("met" if not behind else f"MISSED (behind on {', '.join(behind)})")
            )
        if "django" in results:
            short = [t for t in tests if r[t] < 3 * results["django"][t]["rps"]]
            vs = ", ".join(
                f"{t} {r[t] / results['django'][t]['rps']:.1f}x" for t in tests
            )
            out.append(
                f"- {col} vs django ({vs}): >= 3x on every type "
                f"{'met' if not short else 'MISSED (' + ', '.join(short) + ')'}"
            )
    return out


def machine() -> dict:
    """Return the CPU model, core count and software versions."""
    model = "unknown"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        found = re.search(r"Model name:\s*(.+)", lscpu)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    import django
    import falcon
    import jinja2
    import psycopg

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "falcon": falcon.__version__,
        "jinja2": jinja2.__version__,
        "psycopg": psycopg.__version__,
        "wrk": (wrk_version.stdout + wrk_version.stderr).split("[")[0].strip(),
    }


def write_results(results: dict, meta: dict) -> None:
    (HERE / "results.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1)
    )
    m = meta["machine"]
    load = " / ".join("n/a" if v is None else f"{v:.2f}" for v in meta["load"])
    pinning = ", pinned to CPU 0; wrk pinned to CPU 1" if meta["pinned"] else ""
    db_pinning = (
        ", each app's backend pinned to the server's CPU 0"
        if meta.get("db_pinned")
        else " (unpinned)"
    )
    text = f"""# End-to-end results

Run `{meta["command"]}` on {meta["date"]}.

Machine: {m["cpu"]}, {m["cores"]} cores; Python {m["python"]}; Django {m["django"]},
Falcon {m["falcon"]}, Jinja2 {m["jinja2"]}, psycopg {m["psycopg"]}; {m["wrk"]};
PostgreSQL on the same machine{db_pinning}.
Server: meinheld, one process, HTTP keep-alive on{pinning}.
wrk: 1 thread, {meta["duration"]}s per endpoint after a {meta["warmup"]}s warm-up;
{meta["connections"]}. /queries and /updates use queries=20.
All servers run at once; each endpoint is loaded in {meta["rounds"]} interleaved
rounds (every app once per round, on servers started afresh for each round) and
the best round is kept (every round is in results.json).
ORM prepared statements (E2E_PREPARE): {meta["prepare"]}.
Load average (1 min) before/after the run: {load}, on {m["cores"]} cores:
other work shared the machine, so expect run-to-run noise.

Requests per second; in brackets the ratio to the bare WSGI app (higher is better).

{table(results)}

## Targets (issue 5)

{chr(10).join(targets(results)) or "- (not all columns were run)"}

![requests per second relative to the bare WSGI app](results.png)
"""
    (HERE / "RESULTS.md").write_text(text)


def draw(results: dict, path: Path) -> None:
    """Draw a grouped bar chart of each app's ratio to the bare app."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    apps = list(results)
    tests = [t for t, _ in TESTS] + ["geomean"]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(apps)
    for i, app in enumerate(apps):
        ratios = [
            results[app][t]["rps"] / results[BASELINE][t]["rps"] for t, _ in TESTS
        ]
        ratios.append(geomean(ratios))
        xs = [x + (i - (len(apps) - 1) / 2) * width for x in range(len(tests))]
        bars = ax.bar(xs, ratios, width, label=app)
        for x, ratio in zip(xs, ratios, strict=True):
            ax.text(
                x, ratio + 0.01, f"{ratio:.2f}", ha="center", va="bottom", fontsize=7
            )
        del bars
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(len(tests)), tests)
    ax.set_ylabel("requests/sec relative to the bare WSGI app")
    ax.set_title("TechEmpower test types on meinheld (one process)")
    top = max(
        max(results[a][t]["rps"] / results[BASELINE][t]["rps"] for t, _ in TESTS)
        for a in apps
    )
    ax.set_ylim(0, top * 1.2)
    ax.legend(loc="upper center", ncol=len(apps), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per endpoint (5)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds (1)")
    parser.add_argument(
        "--connections",
        type=int,
        default=0,
        help="wrk connections for every test (default: 64 plaintext/json, 32 others)",
    )
    parser.add_argument(
        "--apps",
        default=",".join(harness.APPS),
        help=f"comma-separated columns (default: {','.join(harness.APPS)})",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds, best kept (2)"
    )
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset")
    parser.add_argument(
        "--no-pin-db",
        action="store_true",
        help="leave the apps' PostgreSQL backends where the kernel puts them",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    parser.add_argument(
        "--redraw",
        action="store_true",
        help="rewrite RESULTS.md and results.png from results.json; run nothing",
    )
    args = parser.parse_args(argv)
    if args.redraw:
        saved = json.loads((HERE / "results.json").read_text())
        write_results(saved["results"], saved["meta"])
        draw(saved["results"], HERE / "results.png")
        print(table(saved["results"]))
        return 0
    apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    unknown = set(apps) - set(harness.APPS)
    if unknown:
        parser.error(
            f"unknown apps {sorted(unknown)}; choose from {list(harness.APPS)}"
        )
    if BASELINE not in apps:
        apps.insert(0, BASELINE)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    if setup_db.main() != 0:
        return 1
    pin = harness.can_pin() and not args.no_pin
    pin_db = pin and not args.no_pin_db and harness.database_is_local()
    load_before = os.getloadavg()
    results = bench_all(apps, args, pin, pin_db)
    load_after = os.getloadavg()
    print()
    print(table(results))
    print()
    print("\n".join(targets(results)))
    if args.no_write:
        return 0
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
        "command": " ".join(["python bench/e2e/run.py", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "pinned": pin,
        "db_pinned": pin_db,
        "duration": args.duration,
        "rounds": args.rounds,
        "load": (load_before[0], load_after[0]),
        "prepare": os.environ.get("E2E_PREPARE", "") or "0",
        "warmup": args.warmup,
        "connections": (
            f"{args.connections} connections"
            if args.connections
            else "64 connections for plaintext/json, 32 for the database tests"
        ),
    }
    write_results(results, meta)
    draw(results, HERE / "results.png")
    print(f"\nwrote {HERE / 'RESULTS.md'} and {HERE / 'results.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
