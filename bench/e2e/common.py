"""Constants and helpers shared by the four e2e apps, the set-up and the runner."""

from __future__ import annotations

import os

PG = {
    "host": os.environ.get("FASTDJ_PG_HOST", "127.0.0.1"),
    "port": int(os.environ.get("FASTDJ_PG_PORT", "5432")),
    "user": os.environ.get("FASTDJ_PG_USER", "postgres"),
    "password": os.environ.get("FASTDJ_PG_PASSWORD", ""),
    "dbname": os.environ.get("FASTDJ_E2E_DB", "hello_world"),
}

WORLD_ROWS = 10000

FORTUNES = [
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. — Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (
        11,
        '<script>alert("This should not be displayed in a browser alert box.");'
        "</script>",
    ),
    (12, "フレームワークのベンチマーク"),
]

ADDITIONAL_FORTUNE = "Additional fortune added at request time."


def psycopg_conninfo() -> dict:
    """Return keyword arguments for psycopg.connect() to the benchmark database."""
    kw = dict(PG)
    if not kw["password"]:
        del kw["password"]
    return kw


def django_style_databases(engine: str) -> dict:
    """Return a DATABASES setting (Django's shape) for the benchmark database.

    Each ORM runs with its own default: fastdj lets psycopg prepare a query on
    its 5th run on a connection; Django never prepares (its client-side
    binding cursor cannot). E2E_PREPARE=1 sets OPTIONS prepare_threshold=1:
    fastdj then prepares from the first run, Django still does not. The
    raw-psycopg apps always prepare.
    """
    options = {}
    if os.environ.get("E2E_PREPARE", "").lower() in ("1", "true", "yes", "on"):
        options["prepare_threshold"] = 1
    return {
        "default": {
            "ENGINE": engine,
            "NAME": PG["dbname"],
            "USER": PG["user"],
            "PASSWORD": PG["password"],
            "HOST": PG["host"],
            "PORT": str(PG["port"]),
            # One persistent connection per process, as every TechEmpower entry.
            "CONN_MAX_AGE": None,
            "OPTIONS": options,
        }
    }


def parse_queries(raw: str | None) -> int:
    """Return the queries parameter per the rules: 1..500, bad or missing -> 1."""
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return 1
    if n < 1:
        return 1
    if n > 500:
        return 500
    return n
