"""More QuerySets of issue 4 run on fastdj (both backends) and Django 5.2."""

import datetime

import pytest

from fastdj.db import connection
from tests.db.queries._corpus import namespace
from tests.db.queries.conftest import data, oracle
from tests.db.queries.test_differential import _evaluate

__all__ = ["data", "oracle"]  # fixtures

FAST = namespace("fastdj")
DJANGO = namespace("django")


def _offset_hour(M, E):
    from django.db.models.functions import ExtractHour as DjHour

    from fastdj.db.models.functions import ExtractHour

    cls = DjHour if E is DJANGO else ExtractHour
    tz = datetime.timezone(datetime.timedelta(hours=5))
    qs = M.Author.objects.filter(joined__isnull=False).order_by("pk")
    return list(qs.annotate(h=cls("joined", tzinfo=tz)).values_list("h", flat=True))


def _update_f(M, E):
    n = M.Book.objects.filter(pages__lt=200).update(pages=E.F("pages") * 2 + 1)
    return n, sorted(M.Book.objects.values_list("pages", flat=True))


def _get_or_create_lookup(M, E):
    obj, created = M.Tag.objects.get_or_create(name__iexact="PY")
    return obj.name, created


def _delete_counts(M, E):
    total, per_model = M.Author.objects.filter(pk=1).delete()
    # Labels differ only by app label (tests_db_queries vs dj_db_queries).
    return total, sorted((k.split(".")[1], v) for k, v in per_model.items())


def _bulk_upsert(M, E):
    M.Tag.objects.bulk_create(
        [M.Tag(name="py"), M.Tag(name="new")], ignore_conflicts=True
    )
    return sorted(M.Tag.objects.values_list("name", flat=True))


def _prefetch_to_attr(M, E):
    from django.db.models import Prefetch as DjPrefetch

    from fastdj.db.models import Prefetch

    cls = DjPrefetch if E is DJANGO else Prefetch
    qs = M.Author.objects.order_by("pk").prefetch_related(
        cls("books", M.Book.objects.filter(pages__gt=300), to_attr="big")
    )
    return [(a.pk, sorted(b.pk for b in a.big)) for a in qs]


def _update_or_create_defaults(M, E):
    obj, created = M.Author.objects.update_or_create(
        name="ann", defaults={"age": E.F("age") + 1}
    )
    obj.refresh_from_db()
    return obj.age, created


def _m2m_prefetch_order(M, E):
    from django.db.models import Prefetch as DjPrefetch

    from fastdj.db.models import Prefetch

    cls = DjPrefetch if E is DJANGO else Prefetch
    out = []
    for order in ("-name", "name", "-id"):
        qs = M.Book.objects.order_by("pk").prefetch_related(
            cls("tags", M.Tag.objects.order_by(order))
        )
        out.append([[t.name for t in b.tags.all()] for b in qs])
    qs = M.Tag.objects.order_by("pk").prefetch_related(
        cls("books", M.Book.objects.order_by("-pages"))
    )
    out.append([[b.pk for b in t.books.all()] for t in qs])
    return out


CASES = [
    ("m2m_prefetch_order", _m2m_prefetch_order),
    (
        "iterator_prefetch_no_chunk",
        lambda M, E: list(M.Author.objects.prefetch_related("books").iterator()),
    ),
    (
        "iterator_prefetch_chunk",
        lambda M, E: [
            (a.pk, sorted(b.pk for b in a.books.all()))
            for a in M.Author.objects.order_by("pk")
            .prefetch_related("books")
            .iterator(chunk_size=2)
        ],
    ),
    ("reverse_unordered", lambda M, E: M.Tag.objects.reverse().ordered),
    ("none_aggregate", lambda M, E: M.Book.objects.none().aggregate(s=E.Sum("pages"))),
    ("bulk_ignore_conflicts", _bulk_upsert),
    ("prefetch_to_attr", _prefetch_to_attr),
    ("update_or_create_f", _update_or_create_defaults),
    (
        "annotate_f_arith_order",
        lambda M, E: (
            M.Book.objects.annotate(pp=E.F("pages") * 2 - E.F("id"))
            .order_by("-pp")
            .values_list("pk", "pp")
        ),
    ),
    (
        "case_when_update",
        lambda M, E: (
            M.Book.objects.update(
                pages=E.Case(
                    E.When(pages__gt=400, then=E.Value(1)), default=E.F("pages")
                )
            ),
            sorted(M.Book.objects.values_list("pages", flat=True)),
        ),
    ),
    (
        "q_xor_three",
        lambda M, E: M.Item.objects.filter(E.Q(a=1) ^ E.Q(b=2) ^ E.Q(s="x")).order_by(
            "pk"
        ),
    ),
    (
        "first_last_default_order",
        lambda M, E: (M.Publisher.objects.first(), M.Publisher.objects.last()),
    ),
    (
        "count_filter",
        lambda M, E: (
            M.Author.objects.annotate(
                big=E.Count("books", filter=E.Q(books__pages__gt=300))
            )
            .order_by("pk")
            .values_list("pk", "big")
        ),
    ),
    (
        "exclude_m2m",
        lambda M, E: M.Book.objects.exclude(tags__name="py").order_by("pk"),
    ),
    (
        "aggregate_many",
        lambda M, E: M.Book.objects.aggregate(
            n=E.Count("id"), s=E.Sum("pages"), a=E.Avg("pages"), lo=E.Min("price")
        ),
    ),
    (
        "values_named",
        lambda M, E: [
            tuple(r)
            for r in M.Book.objects.order_by("pk").values_list(
                "title", "author__name", named=True
            )
        ],
    ),
    (
        "subquery_update_order",
        lambda M, E: (
            M.Author.objects.annotate(
                last=E.Subquery(
                    M.Book.objects.filter(author=E.OuterRef("pk"))
                    .order_by("-pubdate")
                    .values("title")[:1]
                )
            )
            .order_by("pk")
            .values_list("last", flat=True)
        ),
    ),
    ("offset_tz_hour", _offset_hour),
    ("update_f", _update_f),
    ("get_or_create_lookup", _get_or_create_lookup),
    ("delete_counts", _delete_counts),
    (
        "exists_filter",
        lambda M, E: M.Author.objects.filter(
            E.Exists(M.Book.objects.filter(author=E.OuterRef("pk"), pages__gt=400))
        ).order_by("pk"),
    ),
    (
        "latest_multi",
        lambda M, E: M.Book.objects.latest("pubdate", "-pages"),
    ),
    (
        "in_bulk_slice_error",
        lambda M, E: M.Book.objects.all()[:2].in_bulk([1]),
    ),
    (
        "distinct_order_values",
        lambda M, E: (
            M.Book.objects.values("author__name")
            .annotate(n=E.Count("id"))
            .order_by("-n", "author__name")
        ),
    ),
]


# Known gap: fastdj/db/backends/sqlite3/_functions.py:_to_tz passes the
# fixed-offset name "UTC+05:00" to zoneinfo.ZoneInfo (Django splits the
# offset off: django.utils.timezone / split_tzname_delta). That module belongs
# to another helper's in-flight work; this xfail is strict so it must go once
# the fix lands.
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_same_as_django(case, data, oracle):
    name, fn = case
    from django.db import transaction as dj_transaction

    from fastdj.db import transaction

    # Writes are rolled back on both sides so that the oracle stays intact.
    try:
        with dj_transaction.atomic():
            expected = _evaluate(fn, oracle, DJANGO)
            raise _Rollback
    except _Rollback:
        pass
    with transaction.atomic():
        got = _evaluate(fn, data, FAST)
        transaction.set_rollback(True)
    assert got == expected, connection.vendor


class _Rollback(Exception):
    pass
