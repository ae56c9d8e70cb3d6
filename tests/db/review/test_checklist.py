"""Issue-4 checklist: every named API exists and works, on both backends."""

import datetime
import decimal
import uuid

import pytest

from fastdj.db import connection, models, transaction
from fastdj.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from fastdj.db.models.functions import Coalesce
from fastdj.test.utils import CaptureQueriesContext
from tests.db.conftest import create_tables
from tests.db.queries import models as qm
from tests.db.queries.conftest import _reset_sequences, oracle, populate

from . import models as rm

UTC = datetime.timezone.utc
__all__ = ["oracle"]  # a fixture, imported for the differential cases


@pytest.fixture
def data(db):
    create_tables(*qm.MODELS)
    populate(qm)
    _reset_sequences()
    create_tables(*rm.MODELS)
    return qm


def test_get_or_create_update_or_create(data):
    tag, created = qm.Tag.objects.get_or_create(name="new")
    assert created and tag.pk
    again, created = qm.Tag.objects.get_or_create(name="new")
    assert not created and again.pk == tag.pk
    obj, created = qm.Tag.objects.update_or_create(
        name="new", defaults={"name": "newer"}
    )
    assert not created and obj.name == "newer"
    obj, created = qm.Tag.objects.update_or_create(
        name="other", create_defaults={"name": "made"}
    )
    assert created and obj.name == "made"


def test_bulk_create_update_in_bulk(data):
    tags = qm.Tag.objects.bulk_create([qm.Tag(name="b1"), qm.Tag(name="b2")])
    assert all(t.pk for t in tags)
    for t in tags:
        t.name = t.name.upper()
    assert qm.Tag.objects.bulk_update(tags, ["name"]) == 2
    names = qm.Tag.objects.in_bulk([t.pk for t in tags])
    assert sorted(v.name for v in names.values()) == ["B1", "B2"]
    assert set(qm.Tag.objects.in_bulk(["B1"], field_name="name")) == {"B1"}


def test_earliest_latest_reverse_distinct(data):
    assert qm.Book.objects.earliest("pubdate").pk == 4
    assert qm.Book.objects.latest("pubdate").pk == 5
    ids = list(qm.Book.objects.order_by("pk").reverse().values_list("pk", flat=True))
    assert ids == [7, 6, 5, 4, 3, 2, 1]
    pubs = qm.Book.objects.values_list("pubdate", flat=True).distinct()
    assert pubs.count() == 6


def test_only_defer_alias(data):
    a = qm.Author.objects.only("name").get(pk=1)
    assert a.get_deferred_fields() >= {"age", "rating"}
    assert a.age == 34
    b = qm.Author.objects.defer("name").get(pk=1)
    assert "name" in b.get_deferred_fields()
    qs = qm.Author.objects.alias(n=Count("books")).filter(n__gte=2)
    assert sorted(qs.values_list("pk", flat=True)) == [1, 2, 4]


def test_only_attname(data):
    book = qm.Book.objects.only("author_id").get(pk=1)
    assert "author_id" not in book.get_deferred_fields()
    assert "title" in book.get_deferred_fields()
    with CaptureQueriesContext(connection) as ctx:
        assert book.author_id == 1
    assert len(ctx) == 0


def test_select_prefetch(data):
    with CaptureQueriesContext(connection) as ctx:
        books = list(qm.Book.objects.select_related("author__mentor").order_by("pk"))
        assert books[1].author.name == "ann"
        assert books[2].author.mentor.name == "ann"
    assert len(ctx) == 1
    with CaptureQueriesContext(connection) as ctx:
        authors = list(qm.Author.objects.prefetch_related("books__tags").order_by("pk"))
        assert sorted(b.pk for b in authors[0].books.all()) == [1, 2]
        assert [t.name for t in authors[0].books.all()[0].tags.all()]
    assert len(ctx) == 3


def test_prefetch_m2m_order(data):
    qs = qm.Tag.objects.order_by("-name")
    book = qm.Book.objects.prefetch_related(Prefetch("tags", queryset=qs)).get(pk=5)
    assert [t.name for t in book.tags.all()] == ["web", "py", "db"]
    asc = qm.Tag.objects.order_by("name")
    book = qm.Book.objects.prefetch_related(Prefetch("tags", queryset=asc)).get(pk=5)
    assert [t.name for t in book.tags.all()] == ["db", "py", "web"]


def test_select_related_reverse_one_to_one(data):
    o1 = rm.Owner.objects.create(name="o1")
    rm.Owner.objects.create(name="o2")
    rm.Profile.objects.create(owner=o1, bio="hi")
    with CaptureQueriesContext(connection) as ctx:
        owners = list(rm.Owner.objects.select_related("profile").order_by("pk"))
        assert owners[0].profile.bio == "hi"
        with pytest.raises(rm.Profile.DoesNotExist):
            owners[1].profile  # noqa: B018
    assert len(ctx) == 1


def test_none_union_iterator_query(data):
    assert list(qm.Tag.objects.none()) == []
    assert qm.Tag.objects.none().count() == 0
    u = qm.Tag.objects.filter(pk=1).union(qm.Tag.objects.filter(pk=2))
    assert sorted(t.pk for t in u) == [1, 2]
    with CaptureQueriesContext(connection):
        got = [b.pk for b in qm.Book.objects.order_by("pk").iterator(chunk_size=2)]
    assert got == [1, 2, 3, 4, 5, 6, 7]
    sql = str(qm.Book.objects.filter(title__icontains="x").query)
    assert "SELECT" in sql and "title" in sql


def test_as_manager_from_queryset(data):
    class TagQS(models.QuerySet):
        def short(self):
            return self.filter(name__regex=r"^..$")

    manager = TagQS.as_manager()
    assert isinstance(manager, models.Manager) and hasattr(manager, "short")
    mgr_cls = models.Manager.from_queryset(TagQS)
    assert hasattr(mgr_cls(), "short")
    qs = TagQS(model=qm.Tag)
    assert sorted(t.name for t in qs.short()) == ["db", "py"]


def test_expressions(data):
    qs = qm.Author.objects.annotate(
        kind=Case(When(age__gte=40, then=Value("old")), default=Value("young")),
        agez=Coalesce("age", Value(0)),
        nbooks=Count("books__tags", distinct=True),
        has=Exists(qm.Book.objects.filter(author=OuterRef("pk"), pages__gt=500)),
        first=Subquery(
            qm.Book.objects.filter(author=OuterRef("pk"))
            .order_by("pk")
            .values("pk")[:1]
        ),
    ).order_by("pk")
    rows = list(qs.values_list("kind", "agez", "nbooks", "has", "first"))
    assert rows[0] == ("young", 34, 2, True, 1)
    assert rows[1] == ("young", 0, 2, False, 3)
    assert rows[2][0] == "old"
    xor = qm.Item.objects.filter(Q(a=1) ^ Q(b=2))
    assert sorted(xor.values_list("pk", flat=True)) == [2]


@pytest.mark.parametrize(
    "lookup,value,expected",
    [
        ("name__exact", "ann", [1]),
        ("name__iexact", "ANN", [1]),
        ("name__contains", "n", [1]),
        ("name__icontains", "N", [1]),
        ("pk__in", [1, 2], [1, 2]),
        ("age__gt", 34, [3]),
        ("age__gte", 34, [1, 3, 5]),
        ("age__lt", 34, [4]),
        ("age__lte", 34, [1, 4, 5]),
        ("name__startswith", "a", [1]),
        ("name__istartswith", "A", [1]),
        ("name__endswith", "e", [4, 5]),
        ("name__iendswith", "E", [4, 5]),
        ("age__range", (30, 40), [1, 5]),
        ("age__isnull", True, [2]),
        ("name__regex", r"^[ab]", [1, 2]),
        ("name__iregex", r"^[AB]", [1, 2]),
        ("joined__date", datetime.date(2020, 1, 5), [1]),
        ("joined__year", 2021, [2]),
        ("joined__month", 12, [4]),
        ("joined__day", 15, [2]),
        ("joined__week_day", 1, [1]),  # 2020-01-05 is a Sunday
        ("joined__hour", 18, [2, 5]),  # America/Chicago (CDT)
        ("books__author__name", "bob", [2]),
    ],
)
def test_lookups(data, oracle, lookup, value, expected):
    qs = qm.Author.objects.filter(**{lookup: value}).distinct()
    got = sorted(qs.values_list("pk", flat=True))
    dj = oracle.Author.objects.filter(**{lookup: value}).distinct()
    assert got == sorted(dj.values_list("pk", flat=True))
    assert got == expected


def test_in_queryset_and_register_lookup(data):
    inner = qm.Author.objects.filter(active=True).values("pk")
    assert qm.Book.objects.filter(author__in=inner).count() == 6

    class NotEqual(models.Lookup):
        lookup_name = "ne"

        def as_sql(self, compiler, conn):
            lhs, lp = self.process_lhs(compiler, conn)
            rhs, rp = self.process_rhs(compiler, conn)
            return f"{lhs} <> {rhs}", [*lp, *rp]

    models.Field.register_lookup(NotEqual)
    try:
        assert qm.Tag.objects.filter(name__ne="py").count() == 3
    finally:
        models.Field._unregister_lookup(NotEqual)


def test_m2m_add_remove_set_clear(data):
    book = qm.Book.objects.get(pk=4)
    py, db_, web = (qm.Tag.objects.get(name=n) for n in ("py", "db", "web"))
    book.tags.add(py, db_)
    assert sorted(t.name for t in book.tags.all()) == ["db", "py"]
    book.tags.remove(py)
    assert [t.name for t in book.tags.all()] == ["db"]
    book.tags.set([web, py])
    assert sorted(t.name for t in book.tags.all()) == ["py", "web"]
    book.tags.clear()
    assert book.tags.count() == 0


def test_transactions(data):
    calls = []
    with transaction.atomic():
        qm.Tag.objects.create(name="t1")
        transaction.on_commit(lambda: calls.append(1))
        try:
            with transaction.atomic():
                qm.Tag.objects.create(name="t2")
                raise RuntimeError
        except RuntimeError:
            pass
        assert calls == []
    assert calls == [1]
    assert qm.Tag.objects.filter(name__in=["t1", "t2"]).count() == 1


def test_signals_and_wrappers(data):
    from fastdj.db.models import signals

    seen = []

    def handler(sender, **kw):
        seen.append((kw.get("created"), sender.__name__))

    signals.post_save.connect(handler, sender=qm.Tag)
    try:
        qm.Tag.objects.create(name="sig")
    finally:
        signals.post_save.disconnect(handler, sender=qm.Tag)
    assert seen == [(True, "Tag")]
    sqls = []

    def wrapper(execute, sql, params, many, context):
        sqls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        qm.Tag.objects.count()
    assert len(sqls) == 1


def test_connection_queries_debug(data):
    from fastdj.test.utils import override_settings

    with override_settings(DEBUG=True):
        connection.queries_log.clear()
        qm.Tag.objects.count()
        assert len(connection.queries) == 1
        assert "sql" in connection.queries[0]


def test_schema_editor_add_field(data):
    field = models.IntegerField(null=True)
    field.set_attributes_from_name("extra")
    field.model = qm.Tag
    with connection.schema_editor() as editor:
        editor.add_field(qm.Tag, field)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "extra" FROM "{qm.Tag._meta.db_table}"')
        assert cursor.fetchall()


def test_field_round_trip(data):
    uid = uuid.uuid4()
    when = datetime.datetime(2024, 2, 29, 12, 30, 15, 123456, tzinfo=UTC)
    k = rm.Kitchen.objects.create(
        uid=uid,
        span=datetime.timedelta(days=2, seconds=5, microseconds=7),
        blob=b"\x00\xffab",
        doc={"a": [1, 2, {"b": None}], "c": "d"},
        amount=decimal.Decimal("12.345"),
        when=when,
        code="x",
    )
    got = rm.Kitchen.objects.get(pk=k.pk)
    assert got.uid == uid
    assert got.span == datetime.timedelta(days=2, seconds=5, microseconds=7)
    assert bytes(got.blob) == b"\x00\xffab"
    assert got.doc == {"a": [1, 2, {"b": None}], "c": "d"}
    assert got.amount == decimal.Decimal("12.345")
    assert got.when == when and got.when.tzinfo is not None
    assert rm.Kitchen.objects.filter(doc__c="d").count() == 1
    assert rm.Kitchen.objects.filter(uid=uid).count() == 1
    assert rm.Kitchen.objects.filter(span__gt=datetime.timedelta(days=1)).count() == 1


def test_conditional_unique_constraint(data):
    from fastdj.db import IntegrityError

    rm.Kitchen.objects.create(code="a")
    rm.Kitchen.objects.create(code="a")  # the condition excludes NULL uid
    rm.Kitchen.objects.create(code="a", uid=uuid.uuid4())
    with pytest.raises(IntegrityError), transaction.atomic():
        rm.Kitchen.objects.create(code="a", uid=uuid.uuid4())


def _json_rows():
    docs = [
        {"c": "d", "n": 5, "t": True, "o": {"x": [1, {"y": "deep"}]}},
        {"c": "D-e", "n": 12, "z": None},
        {"n": 7.5, "o": {"x": [2]}},
        ["array"],
        None,
    ]
    return docs


@pytest.mark.parametrize(
    "lookup,value",
    [
        ("doc__c", "d"),
        ("doc__c__exact", "D-e"),
        ("doc__n", 5),
        ("doc__n__gt", 6),
        ("doc__n__lte", 7.5),
        ("doc__t", True),
        ("doc__o__x__0", 2),
        ("doc__o__x__1__y", "deep"),
        ("doc__o", {"x": [2]}),
        ("doc__c__icontains", "d"),
        ("doc__c__startswith", "D-"),
        ("doc__c__iexact", "D"),
        ("doc__c__isnull", True),
        ("doc__z__isnull", False),
        ("doc__0", "array"),
        ("doc__c__in", ["d", "x"]),
        ("doc__n__in", [12, 7.5]),
        ("doc", ["array"]),
        ("doc__o", {"x": [2]}),
        ("doc__isnull", True),
        ("doc__z", None),
        ("doc__has_key", "n"),
        ("doc__has_key", "z"),
        ("doc__has_keys", ["c", "n"]),
        ("doc__has_any_keys", ["t", "z"]),
        ("doc__has_keys", "cn"),
        ("doc__o__has_key", "x"),
        ("doc__o__x__1__has_key", "y"),
    ],
)
def test_json_key_transforms(data, oracle, lookup, value):
    from tests.db.conftest import django_create_tables, django_drop_tables

    from . import dj_models

    for doc in _json_rows():
        rm.Kitchen.objects.create(doc=doc)
    django_create_tables(*dj_models.MODELS)
    try:
        for doc in _json_rows():
            dj_models.Kitchen.objects.create(doc=doc)
        dj_ids = sorted(
            dj_models.Kitchen.objects.filter(**{lookup: value}).values_list(
                "pk", flat=True
            )
        )
    finally:
        django_drop_tables(*dj_models.MODELS)
    got = sorted(
        rm.Kitchen.objects.filter(**{lookup: value}).values_list("pk", flat=True)
    )
    assert got == dj_ids
    assert got  # every case selects something


def test_json_key_values_and_order(data):
    for doc in _json_rows()[:3]:
        rm.Kitchen.objects.create(doc=doc)
    qs = rm.Kitchen.objects.order_by("pk").values_list("doc__c", "doc__n")
    assert list(qs) == [("d", 5), ("D-e", 12), (None, 7.5)]


def test_result_set_exceptions_live_in_core():
    import django.core.exceptions as dj_exceptions

    from fastdj.core import exceptions
    from fastdj.db.models.sql import datastructures, where

    for name in ("EmptyResultSet", "FullResultSet"):
        assert hasattr(dj_exceptions, name)
        cls = getattr(exceptions, name)
        assert getattr(datastructures, name) is cls
        assert getattr(where, name) is cls


def test_partial_unique_index_sql_matches_django(sqlite_db):
    from django.db import connections as dj_connections

    from . import dj_models

    constraint = rm.Kitchen._meta.constraints[0]
    dj_constraint = dj_models.Kitchen._meta.constraints[0]
    with connection.schema_editor() as editor:
        assert constraint.constraint_sql(rm.Kitchen, editor) is None
        ours = str(constraint.create_sql(rm.Kitchen, editor))
    with dj_connections["default"].schema_editor() as editor:
        theirs = str(dj_constraint.create_sql(dj_models.Kitchen, editor))
    table = '"tests_db_review_kitchen"'
    assert ours == theirs.replace('"dj_db_review_kitchen"', table)


def test_partial_index_condition(db):
    index = models.Index(
        fields=["code"], name="kitchen_code_partial", condition=Q(code="z")
    )
    create_tables(*rm.MODELS)
    with connection.schema_editor() as editor:
        sql = str(index.create_sql(rm.Kitchen, editor))
        editor.add_index(rm.Kitchen, index)
    assert sql.endswith("""WHERE "code" = 'z'""")
    assert index.clone().condition == Q(code="z")


def test_select_related_reverse_one_to_one_cached_shape(data):
    owner = rm.Owner.objects.create(name="o1")
    rm.Profile.objects.create(owner=owner, bio="hi")
    for _ in range(3):  # cold then warm SQL shape cache
        got = rm.Owner.objects.select_related("profile").get(name="o1")
        with CaptureQueriesContext(connection) as ctx:
            assert got.profile.bio == "hi"
            assert got.profile.owner is got
        assert len(ctx) == 0
    profile = rm.Profile.objects.select_related("owner__profile").get()
    with CaptureQueriesContext(connection) as ctx:
        assert profile.owner.profile.bio == "hi"
    assert len(ctx) == 0


def test_select_related_bad_name_lists_reverse_choice(data):
    from fastdj.core.exceptions import FieldError

    with pytest.raises(FieldError, match="profile"):
        list(rm.Owner.objects.select_related("nope"))


def test_json_key_shape_cache_rebinds_values(data):
    for doc in _json_rows():
        rm.Kitchen.objects.create(doc=doc)
    pks = list(rm.Kitchen.objects.order_by("pk").values_list("pk", flat=True))

    def ids(**kw):
        return sorted(rm.Kitchen.objects.filter(**kw).values_list("pk", flat=True))

    for _ in range(2):  # the second round runs on warm shapes
        assert ids(doc__n=5) == [pks[0]]
        assert ids(doc__n=12) == [pks[1]]
        assert ids(doc__c="D-e") == [pks[1]]
        assert ids(doc__c__in=["d", "D-e"]) == pks[:2]
        assert ids(doc__n__gt=6) == pks[1:3]
        assert ids(doc__z=None) == [pks[1]]
        assert ids(doc__o__x__0=1) == [pks[0]]


def test_json_key_names_are_bound_not_injected(data):
    rm.Kitchen.objects.create(doc={"c": "d", "x') OR 1=1 --": 1})
    rm.Kitchen.objects.create(doc={"c": "e"})
    evil = "x') OR 1=1 --"
    assert rm.Kitchen.objects.filter(**{f"doc__{evil}": 1}).count() == 1
    got = list(rm.Kitchen.objects.order_by("-doc__c").values_list("doc__c", flat=True))
    assert got == ["e", "d"]
    # As in Django 5.2 (CVE-2024-42005), values() refuses such key names.
    with pytest.raises(ValueError, match="Column aliases"):
        rm.Kitchen.objects.values_list(f"doc__{evil}")
    plain = rm.Kitchen.objects.order_by("pk").values_list("doc__c", flat=True)
    assert list(plain) == ["d", "e"]


@pytest.fixture
def owners(data):
    from tests.db.conftest import django_create_tables, django_drop_tables

    from . import dj_models

    django_create_tables(*dj_models.MODELS)
    for mod in (rm, dj_models):
        o1 = mod.Owner.objects.create(name="o1")
        mod.Owner.objects.create(name="o2")
        mod.Profile.objects.create(owner=o1, bio="hi")
    yield dj_models
    django_drop_tables(*dj_models.MODELS)


@pytest.mark.parametrize(
    "fn",
    [
        lambda M: list(M.Owner.objects.filter(profile__bio="hi").values_list("name")),
        lambda M: list(
            M.Owner.objects.filter(profile__isnull=True).values_list("name")
        ),
        lambda M: [
            (o.name, getattr(getattr(o, "profile", None), "bio", None))
            for o in M.Owner.objects.select_related("profile").order_by("name")
        ],
        lambda M: [
            (p.bio, p.owner.name)
            for p in M.Profile.objects.select_related("owner").only(
                "bio", "owner__name"
            )
        ],
        lambda M: list(
            M.Owner.objects.select_related("profile")
            .order_by("name")
            .values_list("name", "profile__bio")
        ),
    ],
    ids=["filter", "isnull", "select_related", "only_related", "values"],
)
def test_reverse_one_to_one_same_as_django(owners, fn):
    assert fn(rm) == fn(owners)


def test_every_field_round_trips_like_django(owners):
    from fastdj.utils import timezone

    dj_models = owners
    ours = rm.AllFields.objects.create()
    theirs = dj_models.AllFields.objects.create()
    assert isinstance(ours.big, int) and ours.big == theirs.big
    assert ours.at.tzinfo is not None and timezone.is_aware(ours.up)
    got = rm.AllFields.objects.get(pk=ours.pk)
    want = dj_models.AllFields.objects.get(pk=theirs.pk)
    skip = {"at", "up"}
    for field in rm.AllFields._meta.concrete_fields:
        if field.name in skip:
            continue
        mine, other = getattr(got, field.attname), getattr(want, field.attname)
        if field.name == "bin":
            mine, other = bytes(mine), bytes(other)
        assert (field.name, mine) == (field.name, other)
    assert got.get_ch_display() == want.get_ch_display() == "A"
    got.full_clean()
    got.ch = "z"
    with pytest.raises(Exception) as ours_error:
        got.full_clean()
    want.ch = "z"
    with pytest.raises(Exception) as dj_error:
        want.full_clean()
    assert type(ours_error.value).__name__ == type(dj_error.value).__name__
    assert set(ours_error.value.message_dict) == set(dj_error.value.message_dict)


def test_json_has_key_shape_cache(data):
    for doc in _json_rows():
        rm.Kitchen.objects.create(doc=doc)
    pks = list(rm.Kitchen.objects.order_by("pk").values_list("pk", flat=True))

    def ids(**kw):
        return sorted(rm.Kitchen.objects.filter(**kw).values_list("pk", flat=True))

    for _ in range(2):
        assert ids(doc__has_key="c") == pks[:2]
        assert ids(doc__has_key="t") == [pks[0]]
        assert ids(doc__has_keys=["n", "o"]) == [pks[0], pks[2]]
        assert ids(doc__has_keys=["n", "z"]) == [pks[1]]
        assert ids(doc__o__has_key="x") == [pks[0], pks[2]]
    assert ids(doc__has_keys="cn") == pks[:2]  # Django: a str is its chars
    assert ids(doc__has_keys="cnt") == [pks[0]]  # same shape, more keys
    assert ids(doc__has_any_keys=["t", "z", "q"]) == pks[:2]
    with pytest.raises(TypeError):
        ids(doc__has_keys=5)


def test_json_key_values_same_as_django(owners):
    dj_models = owners
    docs = [
        {"k": "5"},
        {"k": True},
        {"k": None},
        {"k": {"a": [1, "x"]}},
        {"k": 2.5},
        {"k": "null"},
        {},
    ]
    for doc in docs:
        rm.Kitchen.objects.create(doc=doc)
        dj_models.Kitchen.objects.create(doc=doc)
    ours = list(rm.Kitchen.objects.order_by("pk").values_list("doc__k", flat=True))
    if connection.vendor == "postgresql":
        # jsonb keeps types; the SQLite oracle turns the strings "5" and
        # "null" into 5 and None (Django's own SQLite behaviour).
        expected = [doc.get("k") for doc in docs]
        assert [(type(v), v) for v in ours] == [(type(v), v) for v in expected]
        return
    theirs = list(
        dj_models.Kitchen.objects.order_by("pk").values_list("doc__k", flat=True)
    )
    from django.db.models import Count as DjCount

    grouped = rm.Kitchen.objects.values("doc__k").annotate(n=Count("id"))
    dj_grouped = dj_models.Kitchen.objects.values("doc__k").annotate(n=DjCount("id"))
    assert sorted(map(repr, grouped)) == sorted(map(repr, dj_grouped))
    assert [(type(v), v) for v in ours] == [(type(v), v) for v in theirs]
