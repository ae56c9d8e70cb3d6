"""Instructions per operation of each hot-path kernel, pure Python against Cython.

Each workload (a middleware chain, a URL resolve, a template render, a SQL
compile, rows to instances) runs in a subprocess under valgrind's callgrind, once
per twin: the set-up and a warm-up, then N operations, with callgrind counting
instructions (Ir) only around those operations. The same subprocess with 0
operations counts what the measuring itself costs; Ir/op = (Ir_N - Ir_0) / N.
Instruction counts do not depend on the machine's load, so they are steadier
than the timings of bench/run.py; they are not times (a cache miss costs no more
than an add here).

Usage: python bench/callgrind.py [--only NAME[,NAME]] [--n N] [--markdown]

A NAME is a workload ("urls-100-last") or a kernel ("urls": all its workloads).
Each workload has a default N (a few seconds under valgrind); ``--n`` sets one N
for all. Exit status: 0, 1 when a run failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gc
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TWINS = ("py", "cy")
IMPLEMENTATIONS = {"py": "python", "cy": "cython"}
# Operations run before counting: first-use compilation (route table, template,
# query shape) and CPython's specialising interpreter settle in these.
WARMUP = 20
ROWS = 100

# Callgrind's client requests, compiled into a tiny library that the subprocess
# calls through ctypes: instrumenting only the operations, not the interpreter's
# start-up and the imports (Django's among them, through the bench modules),
# makes a run about five times faster under valgrind.
_CONTROL_C = """
#include <valgrind/callgrind.h>
void fastdj_cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void fastdj_cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


# -- workloads (built in the subprocess) ----------------------------------------


def _middleware(twin, stack):
    import test_bench_middleware as bench

    get_response, request = bench._fastdj_get_response(twin, bench._middleware(10))
    assert get_response(request).content == b"Hello, world"
    return functools.partial(get_response, request)


def _urls(position):
    def build(twin, stack):
        import test_bench_urls as bench

        hit, miss = bench._make("fastdj-" + twin, 100)
        resolve = miss if position == "missing" else hit
        path = bench._path(100, position)
        assert (resolve(path) is None) == (position == "missing"), path
        return functools.partial(resolve, path)

    return build


def _template(scenario):
    def build(twin, stack):
        import test_bench_template as bench

        from fastdj.template import base

        stack.enter_context(bench._fastdj_kernel(twin))
        _check_module(base._kernel(), "template", twin)
        render = bench._renderer("fastdj-" + twin, *bench.SCENARIOS[scenario])
        assert "<table>" in render()
        return render

    return build


def _orm():
    """Return (bench module, Author, Book) on a fresh SQLite database of 100
    authors and ROWS books, with test_bench_orm's models and alias."""
    import sqlite3

    import test_bench_orm as bench

    from fastdj.conf import settings
    from fastdj.db import connections

    # bench.PATH is in a fresh directory under TMPDIR, which the parent points
    # at its own temporary directory.
    con = sqlite3.connect(bench.PATH)
    bench.create_database(con, ROWS)
    con.close()
    database = {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": str(bench.PATH)}
    settings.DATABASES = {"default": database, bench.ALIAS: database}
    connections.reset()
    return (bench, *bench._fastdj_models())


def _sql(twin, stack):
    from fastdj.db.models.sql import _shapes

    bench, Author, Book = _orm()
    _check_module(_shapes.sql_kernel(), "sql", twin)
    make = bench._fastdj_queries(Author, Book)["pk_get"]
    counter = bench._counter()

    def compile_pk_get():
        return make(next(counter))._select_compiler(bench.ALIAS).as_sql()

    sql, params = compile_pk_get()
    assert sql.startswith("SELECT") and params == (1,), (sql, params)
    return compile_pk_get


def _rows_fetch(twin, stack):
    from fastdj.db.models import _rowplan

    bench, _, Book = _orm()
    _check_module(_rowplan.rows_kernel(), "rows", twin)
    query = Book.objects.using(bench.ALIAS).all

    def fetch():
        return list(query())

    assert len(fetch()) == ROWS
    return fetch


def _rows_materialize(twin, stack):
    import sqlite3

    from fastdj.db.models import _rowplan

    bench, _, Book = _orm()
    kernel = _rowplan.rows_kernel()
    _check_module(kernel, "rows", twin)
    columns = ("id", "title", "pages", "price", "pubdate", "author_id")
    con = sqlite3.connect(bench.PATH)
    rows = con.execute(f"SELECT {', '.join(columns)} FROM book").fetchall()
    con.close()
    plan = kernel.RowPlan(Book, columns, 0, bench.ALIAS)
    assert len(kernel.materialize(rows, plan)) == ROWS
    return functools.partial(kernel.materialize, rows, plan)


@dataclass(frozen=True)
class Workload:
    """One operation on one kernel, and how many of them a run counts."""

    kernel: str
    n: int
    about: str
    # (twin, ExitStack) -> one operation: a callable without arguments.
    build: Callable


WORKLOADS: dict[str, Workload] = {
    "middleware-10": Workload(
        "middleware",
        2000,
        "BaseHandler.get_response through 10 pass-through middleware",
        _middleware,
    ),
    "urls-100-last": Workload(
        "urls", 2000, "resolve() of the last route of 100", _urls("last")
    ),
    "urls-100-missing": Workload(
        "urls",
        2000,
        "resolve() of a path that 100 routes miss, Resolver404 caught",
        _urls("missing"),
    ),
    "template-fortunes": Workload(
        "template", 500, "render the 13-row fortunes table", _template("fortunes")
    ),
    "template-page": Workload(
        "template", 50, "render the 100-row page (extends, include)", _template("page")
    ),
    "sql-pk_get": Workload(
        "sql", 1000, "filter(pk=i) to (sql, params), shape cached", _sql
    ),
    "rows-fetch-100": Workload(
        "rows", 200, "list(Book.objects.all()): 100 rows from SQLite", _rows_fetch
    ),
    "rows-materialize-100": Workload(
        "rows", 500, "materialize(rows, plan): 100 fetched rows", _rows_materialize
    ),
}


def _check_module(module, kernel: str, twin: str) -> None:
    from fastdj import _accel

    expected = _accel.KERNELS[kernel][TWINS.index(twin)]
    if module.__name__ != expected:
        raise SystemExit(f"{kernel}: runs {module.__name__}, not {expected}")


def child(name: str, twin: str, n: int, control: str) -> None:
    """Run workload ``name`` on ``twin``: build it, warm it up, then count ``n``
    operations between the callgrind start and stop requests of library
    ``control`` ("-": none, callgrind counts the whole process)."""
    import ctypes

    sys.path[:0] = [str(BENCH), str(ROOT)]
    from fastdj import _accel

    # The parent chose the twin with FASTDJ_PURE_PYTHON: every kernel must be it.
    active = _accel.speedups()
    if set(active.values()) != {IMPLEMENTATIONS[twin]}:
        raise SystemExit(f"asked for the {twin} twin, the kernels are {active}")
    workload = WORKLOADS[name]
    if control == "-":
        start = stop = lambda: None
    else:
        library = ctypes.CDLL(control)
        start, stop = library.fastdj_cg_start, library.fastdj_cg_stop
    with contextlib.ExitStack() as stack:
        operation = workload.build(twin, stack)
        _check_module(_accel.kernel(workload.kernel), workload.kernel, twin)
        for _ in range(WARMUP):
            operation()
        # Collections during the count then scan the objects the operations
        # make, not the start-up heap (Django and the bench modules are
        # imported here, not in an app using fastdj).
        gc.collect()
        gc.freeze()
        loop = itertools.repeat(None, n)
        start()
        for _ in loop:
            operation()
        stop()


# -- measuring (in the parent) --------------------------------------------------


def total_ir(text: str) -> int:
    """Return the total instruction count (Ir) in callgrind output ``text``.

    It is the "totals:" line's value for the "Ir" event (the "summary:" line
    when there is no "totals:").
    """
    events = ["Ir"]
    totals = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key == "events":
            events = rest.split()
        elif key in ("totals", "summary"):
            totals[key] = rest.split()
    values = totals.get("totals") or totals.get("summary")
    if values is None:
        raise ValueError("no 'totals:' or 'summary:' line in the callgrind output")
    if "Ir" not in events:
        raise ValueError(f"the callgrind output has no Ir event (events: {events})")
    return int(values[events.index("Ir")])


def per_op(ir_n: int, ir_0: int, n: int) -> float:
    """Return the instructions of one operation: (Ir_N - Ir_0) / N."""
    if n <= 0:
        raise ValueError(f"the number of operations must be positive, not {n}")
    return (ir_n - ir_0) / n


def build_control(directory: Path, source: Path | None = None) -> str | None:
    """Compile a callgrind control library into ``directory``; return its path,
    or None when there is no C compiler or no valgrind/callgrind.h.

    ``source`` is its C file (default: the start/stop library).
    """
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        return None
    if source is None:
        source = directory / "cgcontrol.c"
        source.write_text(_CONTROL_C)
    library = source.with_suffix(".so")
    done = subprocess.run(
        [compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
        capture_output=True,
        text=True,
    )
    return str(library) if done.returncode == 0 else None


class RunFailed(Exception):
    """A subprocess under callgrind failed; the message holds its output."""


def run_callgrind(
    name: str, twin: str, n: int, control: str | None, directory: Path
) -> int:
    """Return the Ir that callgrind counted for ``n`` operations of ``name``."""
    out = directory / f"{name}.{twin}.{n}.out"
    env = dict(os.environ)
    env.update(
        PYTHONHASHSEED="0",
        TMPDIR=str(directory),
        FASTDJ_PURE_PYTHON="1" if twin == "py" else "0",
        FASTDJ_REQUIRE_EXTENSIONS="0" if twin == "py" else "1",
    )
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        f"--instr-atstart={'yes' if control is None else 'no'}",
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        name,
        twin,
        str(n),
        control or "-",
    ]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not out.exists():
        raise RunFailed(
            f"{name} ({twin}, n={n}) exited {done.returncode}:\n"
            + done.stdout[-2000:]
            + done.stderr[-3000:]
        )
    text = out.read_text()
    out.unlink()
    return total_ir(text)


@dataclass
class Result:
    """Ir/op of one workload on each twin (None where the run failed)."""

    name: str
    n: int
    py: float | None = None
    cy: float | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """Return pure Ir/op over Cython Ir/op: how many times fewer
        instructions the Cython twin runs."""
        if self.py is None or not self.cy:
            return None
        return self.py / self.cy


def measure(name: str, n: int, count: Callable[[str, str, int], int]) -> Result:
    """Return the Ir/op of workload ``name`` on both twins; ``count(name, twin,
    n)`` returns one run's total Ir or raises RunFailed."""
    result = Result(name, n)
    for twin in TWINS:
        try:
            ir_n, ir_0 = count(name, twin, n), count(name, twin, 0)
        except RunFailed as exc:
            result.errors.append(str(exc))
        else:
            setattr(result, twin, per_op(ir_n, ir_0, n))
    return result


def render(results: list[Result], markdown: bool = False) -> str:
    """Return the table: one row per workload, Ir/op of each twin and the ratio."""
    header = ["workload", "Ir/op pure", "Ir/op cython", "ratio"]
    rows = [
        [
            r.name,
            "-" if r.py is None else f"{r.py:,.0f}",
            "-" if r.cy is None else f"{r.cy:,.0f}",
            "-" if r.ratio is None else f"{r.ratio:.2f}x",
        ]
        for r in results
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * 3]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    )


def select(only: list[str] | None) -> list[str]:
    """Return the workloads that ``only`` names (workloads or kernels, or
    comma-separated lists of them); every workload when it is empty.

    Raise ValueError for a name that is neither.
    """
    if not only:
        return list(WORKLOADS)
    names = [part.strip() for item in only for part in item.split(",")]
    chosen = []
    for name in filter(None, names):
        matches = [
            w for w, workload in WORKLOADS.items() if name in (w, workload.kernel)
        ]
        if not matches:
            kernels = sorted({w.kernel for w in WORKLOADS.values()})
            raise ValueError(
                f"unknown workload {name!r}; workloads: {', '.join(WORKLOADS)}; "
                f"kernels: {', '.join(kernels)}"
            )
        chosen += [m for m in matches if m not in chosen]
    return chosen


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        name, twin, n, control = argv[1:]
        child(name, twin, int(n), control)
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="workloads: "
        + "; ".join(f"{name}: {w.about}" for name, w in WORKLOADS.items()),
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME[,NAME]",
        help="workloads or kernels to measure (repeatable; default: all)",
    )
    parser.add_argument(
        "--n",
        type=int,
        metavar="N",
        help="operations counted per run (default: each workload's own)",
    )
    parser.add_argument("--markdown", action="store_true", help="a markdown table")
    args = parser.parse_args(argv)
    try:
        names = select(args.only)
    except ValueError as exc:
        parser.error(str(exc))
    if args.n is not None and args.n < 1:
        parser.error("--n must be at least 1")
    if shutil.which("valgrind") is None:
        print("callgrind: valgrind is not installed", file=sys.stderr)
        return 1

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="fastdj-callgrind-") as tmp:
        directory = Path(tmp)
        control = build_control(directory)
        if control is None:
            log("callgrind: no C compiler or valgrind headers: counting whole runs")

        def count(name: str, twin: str, n: int) -> int:
            return run_callgrind(name, twin, n, control, directory)

        for name in names:
            n = args.n or WORKLOADS[name].n
            log(f"{name}: {WORKLOADS[name].about}, {n} ops per twin ...")
            results.append(measure(name, n, count))
    ops = ", ".join(f"{r.name} {r.n}" for r in results)
    print(
        f"Instructions per operation (callgrind Ir), "
        f"{datetime.date.today().isoformat()}; ratio = pure / cython; ops: {ops}"
    )
    print(render(results, args.markdown))
    log(f"callgrind took {time.monotonic() - started:.0f}s")
    errors = [error for r in results for error in r.errors]
    if errors:
        print("\nFAILED:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
