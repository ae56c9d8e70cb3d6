"""Differential tests: the corpus gives the same results/errors as Django 5.2."""

import datetime
import decimal

import pytest

from fastdj.db import connection

from ._corpus import CASES, namespace

FAST = namespace("fastdj")
# PostgreSQL sorts NULLs last in ascending order, SQLite (the oracle) first:
# these cases are compared as sets there.
NULL_ORDER = {"order_fk_meta", "annotate_sum_order", "values_annotate_values"}
DJANGO = namespace("django")


def _norm(value):
    if hasattr(value, "_meta") and hasattr(value, "_state"):
        fields = tuple(
            _norm(getattr(value, f.attname))
            for f in value._meta.concrete_fields
            if f.attname in value.__dict__
        )
        return ("obj", value._meta.model_name, value.pk, fields)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _norm(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return round(float(value), 4)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _evaluate(fn, models, ns):
    """Return ("ok", normalized result) or ("error", exception class name)."""
    try:
        result = fn(models, ns)
        if hasattr(result, "model") and hasattr(result, "_result_cache"):
            items = list(result)
            normalized = [_norm(item) for item in items]
            if not result.ordered:
                normalized.sort(key=repr)
            return "ok", tuple(normalized)
        return "ok", _norm(result)
    except Exception as exc:  # noqa: BLE001 - the exception type is the result
        name = type(exc).__name__
        if name.endswith("DoesNotExist"):
            name = "DoesNotExist"
        return "error", name


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_same_as_django(case, data, oracle):
    name, fn = case
    expected = _evaluate(fn, oracle, DJANGO)
    got = _evaluate(fn, data, FAST)
    if name in NULL_ORDER and connection.vendor == "postgresql":
        expected = (expected[0], sorted(expected[1], key=repr))
        got = (got[0], sorted(got[1], key=repr))
    assert got == expected


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_twin_cold_and_warm(case, kernel, data, oracle):
    """Each SQL kernel twin, cold then warm cache, gives Django's answer."""
    name, fn = case
    first = _evaluate(fn, data, FAST)
    second = _evaluate(fn, data, FAST)
    assert first == second
    expected = _evaluate(fn, oracle, DJANGO)
    if name in NULL_ORDER and connection.vendor == "postgresql":
        expected = (expected[0], sorted(expected[1], key=repr))
        first = (first[0], sorted(first[1], key=repr))
    assert first == expected
