"""Create the `hello_world` database with the TechEmpower World and Fortune tables.

Idempotent: the database and tables are created if missing; World is refilled
only when it does not hold exactly 10000 rows; Fortune is reset to the 12
standard rows. Run:  python bench/e2e/setup_db.py
"""

from __future__ import annotations

import random
import sys

import psycopg
from common import FORTUNES, PG, WORLD_ROWS, psycopg_conninfo
from psycopg import sql


def _ensure_database() -> None:
    admin = {**psycopg_conninfo(), "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG["dbname"]]
        ).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG["dbname"]))
            )


def _ensure_tables() -> tuple[int, int]:
    with psycopg.connect(**psycopg_conninfo(), connect_timeout=5) as conn:
        # Unquoted names: PostgreSQL folds them to world / fortune / randomnumber.
        conn.execute(
            "CREATE TABLE IF NOT EXISTS World ("
            " id integer NOT NULL PRIMARY KEY,"
            " randomNumber integer NOT NULL DEFAULT 0)"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS Fortune ("
            " id integer NOT NULL PRIMARY KEY,"
            " message varchar(2048) NOT NULL)"
        )
        count, lo, hi = conn.execute(
            "SELECT count(*), min(id), max(id) FROM World"
        ).fetchone()
        if (count, lo, hi) != (WORLD_ROWS, 1, WORLD_ROWS):
            conn.execute("TRUNCATE World")
            with conn.cursor().copy("COPY World (id, randomNumber) FROM STDIN") as cp:
                for i in range(1, WORLD_ROWS + 1):
                    cp.write_row((i, random.randint(1, 10000)))
        rows = conn.execute("SELECT id, message FROM Fortune ORDER BY id").fetchall()
        if rows != FORTUNES:
            conn.execute("DELETE FROM Fortune")
            conn.cursor().executemany(
                "INSERT INTO Fortune (id, message) VALUES (%s, %s)", FORTUNES
            )
        conn.commit()
        world = conn.execute("SELECT count(*) FROM World").fetchone()[0]
        fortune = conn.execute("SELECT count(*) FROM Fortune").fetchone()[0]
    return world, fortune


def main() -> int:
    """Create the database and tables; print what is there."""
    try:
        _ensure_database()
        world, fortune = _ensure_tables()
    except psycopg.OperationalError as exc:
        print(
            f"setup_db: cannot reach PostgreSQL at {PG['host']}:{PG['port']} "
            f"as {PG['user']}: {exc}",
            file=sys.stderr,
        )
        return 1
    print(f"setup_db: {PG['dbname']}: World {world} rows, Fortune {fortune} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
