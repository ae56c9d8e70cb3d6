"""Field conversions and validation, differential against Django 5.2."""

import contextlib
import datetime
import decimal
import types
import uuid
import warnings

import pytest
from django.core import exceptions as dj_exceptions
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.core import exceptions
from fastdj.db import models

from . import dj_models
from .models import Everything

FIELD_NAMES = [
    "big",
    "small",
    "positive",
    "flt",
    "dec",
    "char",
    "text",
    "flag",
    "maybe",
    "day",
    "moment",
    "clock",
    "span",
    "uid",
    "email",
    "slug",
    "url",
    "data",
]

UTC = datetime.timezone.utc
VALUES = [
    None,
    "",
    " ",
    "0",
    "1",
    "-5",
    " 7 ",
    "12",
    "1.5",
    "1e3",
    "abc",
    "t",
    "f",
    "True",
    "False",
    "nan",
    "inf",
    "\x00",
    0,
    1,
    -1,
    2**40,
    1.5,
    -0.25,
    True,
    False,
    decimal.Decimal("1.234"),
    decimal.Decimal("12345.6789"),
    decimal.Decimal("NaN"),
    "2020-01-02",
    "2020-1-2",
    "2020-13-01",
    "2020-02-30",
    "2020-01-02 03:04:05",
    "2020-01-02T03:04:05.123456+02:00",
    "2020-01-02 25:00",
    "03:04",
    "03:04:05.5",
    "25:00",
    "1 day, 2:03:04",
    "P1DT2H",
    "-15:00",
    "12345678123456781234567812345678",
    "12345678-1234-5678-1234-567812345678",
    "not-a-uuid",
    uuid.UUID(int=5),
    datetime.date(2021, 3, 4),
    datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC),
    datetime.time(5, 6, 7),
    datetime.timedelta(days=1, seconds=5),
    b"bytes",
    [1, 2],
    {"a": 1},
]


def _fields(name):
    return (
        Everything._meta.get_field(name),
        dj_models.Everything._meta.get_field(name),
    )


def _outcome(call, value, exc_types):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call(value)
        except exc_types as exc:
            messages = getattr(exc, "messages", None)
            codes = [getattr(e, "code", None) for e in exc.error_list]
            return ("invalid", messages, codes)
        except Exception as exc:
            # Same exception type; texts of Python's own errors may differ.
            return ("raise", type(exc).__name__)
    return ("ok", type(result).__name__, _normal(result))


def _normal(value):
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, memoryview):
        return bytes(value)
    return value


@contextlib.contextmanager
def _portable_integer_ranges(field):
    # fastdj validates integer ranges as PostgreSQL stores them on every
    # backend; Django on SQLite allows 64 bits everywhere. Compare against
    # Django's base (PostgreSQL-like) ranges.
    from django.db import connection as dj_connection
    from django.db.backends.base.operations import BaseDatabaseOperations
    from django.db.models import IntegerField as DjIntegerField

    if not isinstance(field, DjIntegerField):
        yield
        return
    ops = dj_connection.ops
    field.__dict__.pop("validators", None)
    ops.integer_field_range = types.MethodType(
        BaseDatabaseOperations.integer_field_range, ops
    )
    try:
        yield
    finally:
        del ops.integer_field_range
        field.__dict__.pop("validators", None)


def _method(field, method):
    if method == "clean":
        return lambda value: field.clean(value, None)
    return getattr(field, method)


def _compare(method, name, value):
    ours, theirs = _fields(name)
    got = _outcome(_method(ours, method), value, (exceptions.ValidationError,))
    with _portable_integer_ranges(theirs):
        want = _outcome(
            _method(theirs, method), value, (dj_exceptions.ValidationError,)
        )
    assert got == want, (name, method, value)


@pytest.mark.parametrize("name", FIELD_NAMES)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_to_python_matches_django(name, value):
    _compare("to_python", name, value)


# JSONField.get_prep_value is the identity on both sides: nothing to compare.
@pytest.mark.parametrize("name", [n for n in FIELD_NAMES if n != "data"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_get_prep_value_matches_django(name, value):
    _compare("get_prep_value", name, value)


@pytest.mark.parametrize("name", FIELD_NAMES)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_clean_matches_django(name, value):
    _compare("clean", name, value)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, places=4),
    st.text(max_size=25),
    st.text(alphabet="0123456789-:. TZ+e", max_size=25),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.uuids(),
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(FIELD_NAMES), value=scalars)
def test_conversions_hypothesis(name, value):
    _compare("to_python", name, value)
    _compare("clean", name, value)


@pytest.mark.parametrize(
    "factory",
    [
        lambda m: m.CharField(max_length=5),
        lambda m: m.CharField(max_length=5, choices=[("a", "A"), ("b", "B")]),
        lambda m: m.IntegerField(choices=[(1, "one"), ("Group", [(2, "two")])]),
        lambda m: m.DecimalField(max_digits=4, decimal_places=2),
        lambda m: m.SlugField(allow_unicode=True),
        lambda m: m.IntegerField(null=True, blank=True),
        lambda m: m.PositiveSmallIntegerField(),
        lambda m: m.URLField(),
    ],
)
@pytest.mark.parametrize(
    "value",
    [
        "a",
        "abcdef",
        "",
        None,
        1,
        2,
        3,
        "12.345",
        "99.99",
        "100",
        "héllo",
        -1,
        70000,
        "http://example.com/x",
        "ftp://x",
        "http://-bad-.com",
    ],
    ids=repr,
)
def test_standalone_field_clean(factory, value):
    import django.db.models as dj_m

    ours = factory(models)
    theirs = factory(dj_m)
    ours.set_attributes_from_name("f")
    theirs.set_attributes_from_name("f")
    got = _outcome(_method(ours, "clean"), value, (exceptions.ValidationError,))
    with _portable_integer_ranges(theirs):
        want = _outcome(
            _method(theirs, "clean"), value, (dj_exceptions.ValidationError,)
        )
    assert got == want


def test_char_field_rejects_bad_max_length():
    with pytest.raises(ValueError):
        models.CharField(max_length=0)
    with pytest.raises(ValueError):
        models.CharField(max_length="10")


def test_db_types_per_vendor(db):
    from fastdj.db import connection

    field = Everything._meta.get_field
    types = {name: field(name).db_type(connection) for name in FIELD_NAMES}
    assert all(types.values()), types
    if connection.vendor == "postgresql":
        assert types["data"] == "jsonb"
        assert types["uid"] == "uuid"
        assert types["char"] == "varchar(20)"
    else:
        assert types["char"] == "varchar(20)"
    fk = dj_models.Book  # a Django model has no bearing on our FK type
    assert fk is not None
