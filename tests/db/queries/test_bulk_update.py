"""bulk_update() against Django 5.2, on every route it can take.

fastdj sends a bulk_update() batch by one of three routes (see
fastdj/db/models/_bulk_update.py): unnest arrays on PostgreSQL, a remembered
CASE statement elsewhere, or the general Case/When compile. Each case below
runs twice on the same rows, so the second call hits the remembered shape;
the return values and the final table state must equal Django's.
"""

import datetime
import decimal

import pytest

from fastdj.db import connection
from fastdj.db.models import F
from fastdj.db.models import _bulk_update as bulk
from fastdj.test.utils import CaptureQueriesContext

from .test_differential import _evaluate
from .test_writes import DJANGO, FAST, _state, oracle_rw  # noqa: F401 (fixture)

UTC = datetime.timezone.utc


def _twice(update):
    """Run ``update(M, E, round)`` for rounds 0 and 1; return both results."""
    return lambda M, E: [update(M, E, r) for r in (0, 1)]


def _items(M, pks, **values):
    objs = [M.Item.objects.get(pk=pk) for pk in pks]
    for i, obj in enumerate(objs):
        for name, fn in values.items():
            setattr(obj, name, fn(i))
    return objs


CASES = [
    (
        "ints_and_strings",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                _items(M, [1, 2, 3], a=lambda i: i + 10 * r, s=lambda i: f"v{i}{r}"),
                ["a", "s"],
            )
        ),
    ),
    (
        "negative_and_large_ints",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                _items(M, [2, 3, 5], a=lambda i: (-1) ** i * (2**31 - 1 - i - r)),
                ["a"],
            )
        ),
    ),
    (
        "null_values",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                _items(M, [1, 4, 5], a=lambda i: None if i != r else i), ["a"]
            )
        ),
    ),
    (
        "expression_values",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                _items(M, [2, 3], b=lambda i: E.F("a") + i + r), ["b"]
            )
        ),
    ),
    (
        "duplicate_objects_first_wins",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                _items(M, [6, 7, 6], a=lambda i: 100 + i + r), ["a"]
            )
        ),
    ),
    (
        "several_batches",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                _items(M, range(1, 9), b=lambda i: i * 7 + r), ["b"], batch_size=3
            )
        ),
    ),
    (
        "filtered_queryset",
        _twice(
            lambda M, E, r: M.Item.objects.filter(s="x").bulk_update(
                _items(M, [1, 2, 3], a=lambda i: 50 + i + r), ["a"]
            )
        ),
    ),
    (
        "missing_rows_are_not_counted",
        _twice(
            lambda M, E, r: M.Item.objects.bulk_update(
                [M.Item(pk=1, a=r, b=1, s="m"), M.Item(pk=999, a=1, b=1, s="m")],
                ["a", "s"],
            )
        ),
    ),
    (
        "every_column_type",
        _twice(
            lambda M, E, r: M.Author.objects.bulk_update(
                [
                    M.Author(
                        pk=pk,
                        name=f"n{pk}{r}",
                        age=pk + r,
                        rating=pk / 4 + r,
                        active=bool((pk + r) % 2),
                        joined=datetime.datetime(2020, pk, 1 + r, 12, tzinfo=UTC),
                        mentor_id=None if pk == 1 else 1,
                    )
                    for pk in (1, 2, 3)
                ],
                ["name", "age", "rating", "active", "joined", "mentor"],
            )
        ),
    ),
    (
        "decimal_date_fk",
        _twice(
            lambda M, E, r: M.Book.objects.bulk_update(
                [
                    M.Book(
                        pk=pk,
                        title="t",
                        pages=1,
                        price=decimal.Decimal(f"{pk}.{r}5"),
                        pubdate=datetime.date(2001, pk, 2 + r),
                        author_id=1,
                        publisher_id=None if r else 2,
                    )
                    for pk in (2, 4)
                ],
                ["price", "pubdate", "publisher"],
            )
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bulk_update_same_as_django(case, data, oracle_rw):  # noqa: F811
    _, fn = case
    bulk._SHAPES.clear()
    expected = _evaluate(fn, oracle_rw, DJANGO)
    got = _evaluate(fn, data, FAST)
    assert got == expected
    assert _state(data) == _state(oracle_rw)


def test_statement_text_does_not_grow_with_the_batch(data):
    """Every batch of a shape sends the same SQL text, whatever the values."""
    bulk._SHAPES.clear()
    texts = []
    for round_ in range(3):
        objs = [data.Item.objects.get(pk=pk) for pk in (1, 2, 3, 4)]
        for obj in objs:
            obj.a = round_
        with CaptureQueriesContext(connection) as ctx:
            assert data.Item.objects.bulk_update(objs, ["a"]) == 4
        texts.append(ctx.captured_queries[-1]["sql"].split(" -- params")[0])
    if connection.vendor == "postgresql":
        assert "unnest(" in texts[0]
        assert all(text == texts[0] for text in texts)
    else:
        assert "CASE WHEN" in texts[0]
    got = data.Item.objects.filter(pk__lte=4).values_list("a", flat=True)
    assert list(got) == [2] * 4


def test_case_shape_is_used_only_when_the_compiler_agrees(data, monkeypatch):
    """A field whose saved value the shortcut cannot derive keeps the general path."""
    bulk._SHAPES.clear()
    field = data.Item._meta.get_field("s")
    original = type(field).get_db_prep_save

    def shouting(self, value, connection):
        value = original(self, value, connection)
        return value.upper() if self is field and isinstance(value, str) else value

    monkeypatch.setattr(type(field), "get_db_prep_save", shouting)
    monkeypatch.setattr(type(field), "__module__", "tests.custom_fields")
    objs = [data.Item.objects.get(pk=pk) for pk in (1, 2)]
    for obj in objs:
        obj.s = "low"
    data.Item.objects.bulk_update(objs, ["s"])
    data.Item.objects.bulk_update(objs, ["s"])
    assert set(data.Item.objects.filter(pk__in=[1, 2]).values_list("s", flat=True)) == {
        "LOW"
    }
    assert False in bulk._SHAPES.values()


def test_single_batch_needs_no_transaction(data):
    """One statement is atomic by itself: no BEGIN/COMMIT around it."""
    objs = [data.Item.objects.get(pk=pk) for pk in (1, 2)]
    for obj in objs:
        obj.b = 77
    assert connection.get_autocommit()
    calls = []
    original = connection.set_autocommit

    def spy(value, *args, **kwargs):
        calls.append(value)
        return original(value, *args, **kwargs)

    connection.set_autocommit = spy
    try:
        data.Item.objects.bulk_update(objs, ["b"])
        assert calls == []
        data.Item.objects.bulk_update(objs, ["b"], batch_size=1)
        assert calls == [False, True]
    finally:
        del connection.set_autocommit
    assert list(data.Item.objects.filter(b=77).values_list("pk", flat=True)) == [1, 2]


def test_expressions_still_work_after_a_plain_shape(data):
    bulk._SHAPES.clear()
    objs = [data.Item.objects.get(pk=pk) for pk in (3, 4)]
    for obj in objs:
        obj.b = 5
    data.Item.objects.bulk_update(objs, ["b"])
    for obj in objs:
        obj.b = F("b") * 2
    data.Item.objects.bulk_update(objs, ["b"])
    assert list(
        data.Item.objects.filter(pk__in=[3, 4]).values_list("b", flat=True)
    ) == [
        10,
        10,
    ]


def test_not_null_violation_raises_and_changes_nothing(data):
    from fastdj.db import IntegrityError

    book = data.Book.objects.get(pk=1)
    other = data.Book.objects.get(pk=2)
    book.title, other.title = None, "changed"
    with pytest.raises(IntegrityError):
        data.Book.objects.bulk_update([other, book], ["title"])
    titles = data.Book.objects.filter(pk__in=[1, 2]).order_by("pk")
    assert list(titles.values_list("title", flat=True)) == [
        "python basics",
        "advanced db",
    ]


def test_a_failed_statement_marks_the_atomic_block_for_rollback(data):
    from fastdj.db import IntegrityError, transaction
    from fastdj.db.transaction import TransactionManagementError

    book = data.Book.objects.get(pk=1)
    book.title = None
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            data.Book.objects.bulk_update([book], ["title"])
        assert connection.needs_rollback
        with pytest.raises(TransactionManagementError):
            data.Book.objects.get(pk=2)
    assert data.Book.objects.get(pk=1).title == "python basics"


def test_postgresql_sends_int_arrays_as_array_literals():
    from fastdj.db.backends.postgresql.operations import DatabaseOperations

    ops = DatabaseOperations(connection=None)
    assert ops.bulk_update_array_param("integer", [3, -1, 2**40]) == (
        "{3,-1,1099511627776}"
    )
    assert ops.bulk_update_array_param("bigint", [7]) == "{7}"
    # Anything else is the list, for psycopg to adapt element by element.
    assert ops.bulk_update_array_param("integer", [1, None]) == [1, None]
    assert ops.bulk_update_array_param("integer", [True, 2]) == [True, 2]
    assert ops.bulk_update_array_param("text", ["a", "b"]) == ["a", "b"]
    assert ops.bulk_update_array_param("numeric(5, 2)", [1]) == [1]
