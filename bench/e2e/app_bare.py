"""The six TechEmpower tests as one bare WSGI callable: psycopg, a hand-built page.

This is the floor: no framework, no ORM, no template engine. What a Python
framework on this server can at best reach.
"""

from __future__ import annotations

import json
from html import escape
from operator import itemgetter
from random import randint
from urllib.parse import parse_qs

import psycopg
from common import ADDITIONAL_FORTUNE, parse_queries, psycopg_conninfo

_db = psycopg.connect(**psycopg_conninfo(), autocommit=True)
_cursor = _db.cursor()
_dumps = json.dumps

SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
UPDATE_WORLD = "UPDATE world SET randomnumber = %s WHERE id = %s"
SELECT_FORTUNES = "SELECT id, message FROM fortune"

JSON = [("Content-Type", "application/json")]
TEXT = [("Content-Type", "text/plain")]
HTML = [("Content-Type", "text/html; charset=utf-8")]


def _respond(start_response, headers, body: bytes):
    start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
    return [body]


def _queries(environ) -> int:
    values = parse_qs(environ.get("QUERY_STRING", "")).get("queries")
    return parse_queries(values[0] if values else None)


def _one_world() -> dict:
    row = _cursor.execute(SELECT_WORLD, (randint(1, 10000),), prepare=True).fetchone()
    return {"id": row[0], "randomNumber": row[1]}


def plaintext(environ, start_response):
    return _respond(start_response, TEXT, b"Hello, World!")


def json_view(environ, start_response):
    body = _dumps({"message": "Hello, World!"}).encode()
    return _respond(start_response, JSON, body)


def db(environ, start_response):
    return _respond(start_response, JSON, _dumps(_one_world()).encode())


def queries(environ, start_response):
    worlds = [_one_world() for _ in range(_queries(environ))]
    return _respond(start_response, JSON, _dumps(worlds).encode())


def fortunes(environ, start_response):
    rows = _cursor.execute(SELECT_FORTUNES, prepare=True).fetchall()
    rows.append((0, ADDITIONAL_FORTUNE))
    rows.sort(key=itemgetter(1))
    parts = [
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body>"
        "<table><tr><th>id</th><th>message</th></tr>"
    ]
    for id_, message in rows:
        parts.append(f"<tr><td>{id_}</td><td>{escape(message)}</td></tr>")
    parts.append("</table></body></html>")
    return _respond(start_response, HTML, "".join(parts).encode())


def updates(environ, start_response):
    worlds = [_one_world() for _ in range(_queries(environ))]
    for world in worlds:
        world["randomNumber"] = randint(1, 10000)
    # Sorted by id: concurrent writers lock rows in the same order.
    params = sorted(((w["randomNumber"], w["id"]) for w in worlds), key=itemgetter(1))
    _cursor.executemany(UPDATE_WORLD, params)
    return _respond(start_response, JSON, _dumps(worlds).encode())


ROUTES = {
    "/plaintext": plaintext,
    "/json": json_view,
    "/db": db,
    "/queries": queries,
    "/fortunes": fortunes,
    "/updates": updates,
}


def application(environ, start_response):
    """Dispatch on the exact path; anything else is a 404."""
    view = ROUTES.get(environ["PATH_INFO"])
    if view is None:
        start_response("404 Not Found", [*TEXT, ("Content-Length", "9")])
        return [b"Not Found"]
    return view(environ, start_response)
