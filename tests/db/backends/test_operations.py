"""connection.ops: quoting, LIKE escaping, limits, date SQL, adapters.

The SQL snippets are executed on both backends and their results compared
with Python's answer, so a snippet that parses but computes the wrong thing
fails too.
"""

import datetime
import decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastdj.db import connection
from fastdj.db.backends.sqlite3.operations import quote_identifier


def scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("plain", '"plain"'),
        ('"already"', '"already"'),
        ('we"ird', '"we""ird"'),
        ('"a" OR 1=1 --"', '"""a"" OR 1=1 --"""'),
        ("", '""'),
    ],
)
def test_quote_name(name, quoted):
    assert quote_identifier(name) == quoted


def test_quote_name_rejects_nul_and_non_str():
    with pytest.raises(ValueError):
        quote_identifier("a\x00b")
    with pytest.raises(ValueError):
        quote_identifier("lone \ud800 surrogate")
    with pytest.raises(TypeError):
        quote_identifier(3)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.text(
        alphabet=st.characters(
            blacklist_characters="\x00", blacklist_categories=["Cs"]
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_name_round_trips_as_a_column_alias(db, name):
    # Whatever the name, the quoted identifier is one identifier.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 AS {connection.ops.quote_name(name)}")
        assert len(cursor.description) == 1
        assert cursor.fetchone() == (1,)
        # sqlite3's PARSE_COLNAMES (as in Django) reads "name [type]" hints.
        # PostgreSQL truncates identifiers to 63 bytes.
        if "[" not in name and len(name.encode()) <= 63:
            assert cursor.description[0][0] == name


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    needle=st.text(alphabet="ab%_\\'x", max_size=6),
    hay=st.text(alphabet="ab%_\\'x", max_size=10),
)
def test_like_escaping_matches_python(db, needle, hay):
    # contains: the needle's % and _ are literal once escaped.
    pattern = "%" + connection.ops.prep_for_like_query(needle) + "%"
    op = connection.operators["contains"]
    lhs = connection.ops.lookup_cast("contains") % "%s"
    sql = f"SELECT CASE WHEN {lhs} {op} THEN 1 ELSE 0 END"
    found = scalar(sql, [hay, pattern])
    if connection.vendor == "sqlite":
        # Django-compatible: SQLite's LIKE is case-insensitive for ASCII.
        assert bool(found) == (needle.lower() in hay.lower())
    else:
        assert bool(found) == (needle in hay)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    needle=st.text(alphabet="aAbB%_", max_size=4),
    hay=st.text(alphabet="aAbB%_", max_size=8),
)
def test_icontains_matches_python(db, needle, hay):
    pattern = "%" + connection.ops.prep_for_like_query(needle) + "%"
    op = connection.operators["icontains"]
    lhs = connection.ops.lookup_cast("icontains") % "%s"
    found = scalar(f"SELECT CASE WHEN {lhs} {op} THEN 1 ELSE 0 END", [hay, pattern])
    assert bool(found) == (needle.lower() in hay.lower())


def test_iexact_keeps_wildcards_literal(db):
    lhs = connection.ops.lookup_cast("iexact") % "%s"
    op = connection.operators["iexact"]
    value = connection.ops.prep_for_iexact_query("A_C")
    sql = f"SELECT CASE WHEN {lhs} {op} THEN 1 ELSE 0 END"
    assert scalar(sql, ["abc", value]) == 0
    assert scalar(sql, ["a_c", value]) == 1


@pytest.mark.parametrize(
    ("lookup", "pattern", "text", "expected"),
    [
        ("regex", "^ab+c$", "abbbc", 1),
        ("regex", "^AB", "abc", 0),
        ("iregex", "^AB", "abc", 1),
        ("regex", "b", None, None),
    ],
)
def test_regex_lookups(db, lookup, pattern, text, expected):
    template = connection.ops.regex_lookup(lookup)
    sql = "SELECT CASE WHEN " + (template % ("%s", "%s")) + " THEN 1 "
    sql += "WHEN " + (template % ("%s", "%s")) + " IS NULL THEN NULL ELSE 0 END"
    assert scalar(sql, [text, pattern, text, pattern]) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, [0, 1, 2, 3, 4]),
        (0, 2, [0, 1]),
        (3, None, [3, 4]),
        (1, 3, [1, 2]),
        (5, None, []),
    ],
)
def test_limit_offset(db, low, high, expected):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE n (i integer)")
        cursor.executemany("INSERT INTO n VALUES (%s)", [(i,) for i in range(5)])
        sql = "SELECT i FROM n ORDER BY i " + connection.ops.limit_offset_sql(low, high)
        cursor.execute(sql)
        assert [r[0] for r in cursor.fetchall()] == expected


MOMENT = datetime.datetime(2024, 2, 29, 23, 30, 15, tzinfo=datetime.timezone.utc)


@pytest.fixture
def moments(db):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE m (d date, dt {connection.data_types['DateTimeField']})"
        )
        cursor.execute(
            "INSERT INTO m VALUES (%s, %s)",
            [
                connection.ops.adapt_datefield_value(MOMENT.date()),
                connection.ops.adapt_datetimefield_value(MOMENT),
            ],
        )
    return db


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [
        ("year", 2024),
        ("month", 2),
        ("day", 29),
        ("week_day", 5),
        ("week", 9),
        ("quarter", 1),
        ("iso_year", 2024),
    ],
)
def test_date_extract(moments, lookup, expected):
    sql, params = connection.ops.date_extract_sql(lookup, "d", ())
    assert int(scalar(f"SELECT {sql} FROM m", params)) == expected


@pytest.mark.parametrize(
    ("lookup", "tz", "expected"),
    [
        ("hour", "UTC", 23),
        ("hour", "Asia/Tokyo", 8),
        ("day", "Asia/Tokyo", 1),
        ("month", "Asia/Tokyo", 3),
        ("week_day", "America/Chicago", 5),
        ("minute", "Asia/Kolkata", 0),
    ],
)
def test_datetime_extract_in_time_zone(moments, lookup, tz, expected):
    sql, params = connection.ops.datetime_extract_sql(lookup, "dt", (), tz)
    assert int(scalar(f"SELECT {sql} FROM m", params)) == expected


def test_datetime_cast_date_in_time_zone(moments):
    sql, params = connection.ops.datetime_cast_date_sql("dt", (), "Asia/Tokyo")
    value = scalar(f"SELECT {sql} FROM m", params)
    assert str(value) == "2024-03-01"


def test_date_trunc(moments):
    sql, params = connection.ops.datetime_trunc_sql("month", "dt", (), "UTC")
    value = scalar(f"SELECT {sql} FROM m", params)
    assert str(value).startswith("2024-02-01 00:00:00")


def test_bad_lookup_type_is_refused():
    from fastdj.db.backends.postgresql.operations import DatabaseOperations

    ops = DatabaseOperations(connection=None)
    with pytest.raises(ValueError):
        ops.date_extract_sql("year FROM x); DROP TABLE y; --", "d", ())
    with pytest.raises(ValueError):
        ops.date_trunc_sql("nope", "d", ())


def test_datetime_round_trip(moments):
    with connection.cursor() as cursor:
        cursor.execute("SELECT dt, d FROM m")
        dt, d = cursor.fetchone()
    if connection.vendor == "sqlite":
        (dt,) = [
            conv(dt, None, connection)
            for conv in [connection.ops.convert_datetimefield_value]
        ]
    assert dt == MOMENT
    assert d == MOMENT.date()


def test_decimal_and_bytes_parameters(db):
    assert decimal.Decimal(str(scalar("SELECT %s", [decimal.Decimal("1.25")]))) == (
        decimal.Decimal("1.25")
    )
    assert bytes(scalar("SELECT %s", [b"\x00\xff"])) == b"\x00\xff"


def test_sql_flush_empties_tables(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE f (id integer PRIMARY KEY)")
        cursor.execute("INSERT INTO f VALUES (1)")
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(None, ["f"], reset_sequences=True)
    )
    assert scalar("SELECT count(*) FROM f") == 0
    assert connection.ops.sql_flush(None, []) == []
