"""The six TechEmpower tests on Falcon 4, with psycopg and Jinja2."""

from __future__ import annotations

from operator import itemgetter
from pathlib import Path
from random import randint

import falcon
import jinja2
import psycopg
from common import ADDITIONAL_FORTUNE, parse_queries, psycopg_conninfo

_db = psycopg.connect(**psycopg_conninfo(), autocommit=True)
_cursor = _db.cursor()

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
)
_fortunes_template = _env.get_template("fortunes.jinja")

SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
UPDATE_WORLD = "UPDATE world SET randomnumber = %s WHERE id = %s"
SELECT_FORTUNES = "SELECT id, message FROM fortune"


def _one_world() -> dict:
    row = _cursor.execute(SELECT_WORLD, (randint(1, 10000),), prepare=True).fetchone()
    return {"id": row[0], "randomNumber": row[1]}


def _queries(req) -> int:
    return parse_queries(req.get_param("queries"))


class Plaintext:
    def on_get(self, req, resp):
        resp.data = b"Hello, World!"
        resp.content_type = "text/plain"


class Json:
    def on_get(self, req, resp):
        resp.media = {"message": "Hello, World!"}


class Db:
    def on_get(self, req, resp):
        resp.media = _one_world()


class Queries:
    def on_get(self, req, resp):
        resp.media = [_one_world() for _ in range(_queries(req))]


class Fortunes:
    def on_get(self, req, resp):
        rows = _cursor.execute(SELECT_FORTUNES, prepare=True).fetchall()
        rows.append((0, ADDITIONAL_FORTUNE))
        rows.sort(key=itemgetter(1))
        fortunes = [{"id": id_, "message": message} for id_, message in rows]
        resp.text = _fortunes_template.render(fortunes=fortunes)
        resp.content_type = "text/html; charset=utf-8"


class Updates:
    def on_get(self, req, resp):
        worlds = [_one_world() for _ in range(_queries(req))]
        for world in worlds:
            world["randomNumber"] = randint(1, 10000)
        params = sorted(
            ((w["randomNumber"], w["id"]) for w in worlds), key=itemgetter(1)
        )
        _cursor.executemany(UPDATE_WORLD, params)
        resp.media = worlds


application = falcon.App()
application.add_route("/plaintext", Plaintext())
application.add_route("/json", Json())
application.add_route("/db", Db())
application.add_route("/queries", Queries())
application.add_route("/fortunes", Fortunes())
application.add_route("/updates", Updates())
