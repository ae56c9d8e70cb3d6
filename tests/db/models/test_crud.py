"""save(), delete(), refresh_from_db() and validate_unique on both backends."""

import datetime
import decimal
import uuid

import pytest

from fastdj.core import exceptions
from fastdj.db import DatabaseError, IntegrityError, connection, transaction
from fastdj.db.models import signals
from fastdj.utils import timezone
from tests.db.conftest import create_tables

from .models import Author, Book, Coded, Everything, Membership, Profile, Tag


@pytest.fixture
def schema(db):
    create_tables(Author, Tag, Book, Profile, Membership, Coded, Everything)
    return db


def test_insert_then_update(schema):
    author = Author(name="ann")
    assert author._state.adding and author.pk is None
    author.save()
    assert author.pk is not None and not author._state.adding
    assert author._state.db == "default"
    author.name = "anne"
    author.save()
    assert Author.objects.count() == 1
    assert Author.objects.get(pk=author.pk).name == "anne"


def test_create_and_explicit_pk(schema):
    a = Author.objects.create(id=10, name="x")
    assert a.pk == 10
    a2 = Author(id=10, name="y")
    a2.save()  # an existing pk updates
    assert Author.objects.get(pk=10).name == "y"
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Author(id=10, name="z").save(force_insert=True)
    assert Author.objects.get(pk=10).name == "y"


def test_update_fields(schema):
    a = Author.objects.create(name="a", email="a@x.org", age=3)
    a.name, a.age = "b", 4
    a.save(update_fields=["age"])
    fresh = Author.objects.get(pk=a.pk)
    assert (fresh.name, fresh.age) == ("a", 4)
    a.save(update_fields=[])  # nothing to do, no query
    with pytest.raises(ValueError, match="do not exist"):
        a.save(update_fields=["nope"])
    with pytest.raises(ValueError, match="Cannot force both"):
        a.save(force_insert=True, update_fields=["age"])
    ghost = Author(id=999, name="g")
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        ghost.save(update_fields=["name"])
    with pytest.raises(DatabaseError, match="Forced update did not affect"):
        ghost.save(force_update=True)
    with pytest.raises(ValueError, match="no primary key"):
        Author(name="n").save(force_update=True)


def test_deferred_save_updates_loaded_fields_only(schema):
    a = Author.objects.create(name="a", age=1)
    partial = Author.objects.only("name").get(pk=a.pk)
    Author.objects.filter(pk=a.pk).update(age=5)
    partial.name = "b"
    partial.save()
    fresh = Author.objects.get(pk=a.pk)
    assert (fresh.name, fresh.age) == ("b", 5)
    # The deferred field loads on access.
    assert partial.age == 5


def test_refresh_from_db(schema):
    a = Author.objects.create(name="a", age=1)
    Author.objects.filter(pk=a.pk).update(name="z", age=9)
    a.refresh_from_db(fields=["age"])
    assert (a.name, a.age) == ("a", 9)
    a.refresh_from_db()
    assert a.name == "z"
    with pytest.raises(ValueError, match='Found "__"'):
        a.refresh_from_db(fields=["books__title"])
    b = Book.objects.create(title="t", author=a)
    other = Author.objects.create(name="o")
    assert b.author == a
    Book.objects.filter(pk=b.pk).update(author=other)
    b.refresh_from_db()
    assert b.author == other  # the cached relation was dropped
    Author.objects.filter(pk=a.pk).delete()
    with pytest.raises(Author.DoesNotExist):
        a.refresh_from_db()


def test_delete_returns_counts(schema):
    a = Author.objects.create(name="a")
    Book.objects.create(title="1", author=a)
    Book.objects.create(title="2", author=a)
    Profile.objects.create(author=a)
    label = Author._meta.app_label
    assert a.delete() == (
        4,
        {f"{label}.Book": 2, f"{label}.Profile": 1, f"{label}.Author": 1},
    )
    assert a.pk is None
    with pytest.raises(ValueError, match="can't be deleted because its id"):
        a.delete()
    t = Tag.objects.create(name="solo")
    assert t.delete() == (1, {f"{label}.Tag": 1})


def test_signals_order_and_arguments(schema):
    seen = []

    def handler(signal, sender, **kwargs):
        seen.append(
            (
                signal_names[signal],
                sender.__name__,
                kwargs.get("created"),
                kwargs.get("update_fields"),
            )
        )

    signal_names = {
        signals.pre_save: "pre_save",
        signals.post_save: "post_save",
        signals.pre_delete: "pre_delete",
        signals.post_delete: "post_delete",
    }
    for sig in signal_names:
        sig.connect(handler, sender=Tag)
    try:
        t = Tag(name="a")
        t.save()
        t.save(update_fields=["name"])
        t.delete()
    finally:
        for sig in signal_names:
            sig.disconnect(handler, sender=Tag)
    assert seen == [
        ("pre_save", "Tag", None, None),
        ("post_save", "Tag", True, None),
        ("pre_save", "Tag", None, frozenset({"name"})),
        ("post_save", "Tag", False, frozenset({"name"})),
        ("pre_delete", "Tag", None, None),
        ("post_delete", "Tag", None, None),
    ]


def test_round_trip_every_field(schema):
    moment = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
    uid = uuid.uuid4()
    e = Everything.objects.create(
        big=2**62,
        small=-5,
        positive=7,
        flt=1.25,
        dec=decimal.Decimal("12345.678"),
        char="héllo",
        text="t" * 1000,
        flag=True,
        maybe=None,
        day=datetime.date(2020, 2, 29),
        moment=moment,
        clock=datetime.time(23, 59, 58, 500),
        span=datetime.timedelta(days=2, microseconds=7),
        uid=uid,
        email="a@b.co",
        slug="a-b",
        url="https://x.org/",
        blob=b"\x00\x01bin",
        data={"k": [1, 2, {"n": None}], "s": "é"},
    )
    got = Everything.objects.get(pk=e.pk)
    assert got.big == 2**62 and got.small == -5 and got.positive == 7
    assert got.flt == 1.25 and got.dec == decimal.Decimal("12345.678")
    assert got.char == "héllo" and got.text == "t" * 1000
    assert got.flag is True and got.maybe is None
    assert got.day == datetime.date(2020, 2, 29)
    assert got.moment == moment and timezone.is_aware(got.moment)
    assert got.clock == datetime.time(23, 59, 58, 500)
    assert got.span == datetime.timedelta(days=2, microseconds=7)
    assert got.uid == uid and isinstance(got.uid, uuid.UUID)
    assert bytes(got.blob) == b"\x00\x01bin"
    assert got.data == {"k": [1, 2, {"n": None}], "s": "é"}
    assert got.created is not None and got.updated >= got.created
    before = got.updated
    got.save()
    assert got.updated >= before


def test_validate_unique(schema):
    Tag.objects.create(name="dup")
    with pytest.raises(exceptions.ValidationError) as info:
        Tag(name="dup").full_clean()
    assert info.value.message_dict == {"name": ["Tag with this Name already exists."]}
    existing = Tag.objects.get(name="dup")
    existing.full_clean()  # itself is no clash
    Membership.objects.create(group="g", member="m")
    with pytest.raises(exceptions.ValidationError) as info:
        Membership(group="g", member="m").full_clean()
    assert info.value.message_dict == {
        "__all__": ["Membership with this Group and Member already exists."]
    }
    Membership(group="g", member="other").full_clean()
    Coded.objects.create(code="c", region="r")
    with pytest.raises(exceptions.ValidationError) as info:
        Coded(code="c", region="r").full_clean()
    assert info.value.message_dict == {
        "__all__": ["Coded with this Code and Region already exists."]
    }
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Coded.objects.create(code="c", region="r")


def test_unsaved_related_object_is_refused(schema):
    author = Author(name="unsaved")
    book = Book(title="t", author=author)
    with pytest.raises(ValueError, match="unsaved related object 'author'"):
        book.save()
    author.save()
    book.save()  # picks up the pk assigned after the assignment
    assert Book.objects.get(pk=book.pk).author_id == author.pk


def test_failed_save_inside_atomic_leaves_nothing(schema):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Tag.objects.create(name="t1")
            Tag.objects.create(name="t1")
    assert Tag.objects.count() == 0
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.fixture
def dj_unique_schema():
    from tests.db.conftest import django_create_tables, django_drop_tables

    from . import dj_models

    models_ = [dj_models.Tag, dj_models.Membership, dj_models.Coded]
    django_create_tables(*models_)
    yield dj_models
    django_drop_tables(*models_)


UNIQUE_CASES = [
    ("Tag", {"name": "dup"}, {"name": "dup"}),
    ("Tag", {"name": "dup"}, {"name": "Not a slug!"}),
    ("Membership", {"group": "g", "member": "m"}, {"group": "g", "member": "m"}),
    ("Membership", {"group": "g", "member": "m"}, {"group": "", "member": "m"}),
    (
        "Membership",
        {"group": "g", "member": "m"},
        {"group": "g", "member": "m", "level": 9},
    ),
    ("Coded", {"code": "c", "region": "r"}, {"code": "c", "region": "r"}),
    ("Coded", {"code": "c", "region": "r"}, {"code": "c", "region": "x" * 11}),
]


@pytest.mark.parametrize("model_name, existing, candidate", UNIQUE_CASES)
def test_full_clean_unique_matches_django(
    schema, dj_unique_schema, model_name, existing, candidate
):
    from django.core.exceptions import ValidationError as DjValidationError

    from . import models as fastdj_models

    results = []
    for module, error in (
        (fastdj_models, exceptions.ValidationError),
        (dj_unique_schema, DjValidationError),
    ):
        model = getattr(module, model_name)
        model.objects.create(**existing)
        try:
            model(**candidate).full_clean()
        except error as exc:
            results.append(exc.message_dict)
        else:
            results.append(None)
    assert results[0] == results[1]
    assert results[0] is not None


@pytest.mark.parametrize(
    "value", ["123", "text", 0, 1.5, True, [1, "a", None], {"k": {"n": [None]}}, None]
)
def test_json_values_round_trip(schema, value):
    e = Everything.objects.create(data=value)
    assert Everything.objects.get(pk=e.pk).data == value
    assert type(Everything.objects.get(pk=e.pk).data) is type(value)


def test_meta_indexes_are_created(db):
    from fastdj.apps import apps
    from fastdj.db import models

    class Indexed(models.Model):
        name = models.CharField(max_length=10, db_index=True)
        rank = models.IntegerField()

        class Meta:
            app_label = "tests_db_models"
            indexes = [models.Index(fields=["name", "-rank"])]

    try:
        from django.db import models as dj_m

        class DjIndexed(dj_m.Model):
            name = dj_m.CharField(max_length=10, db_index=True)
            rank = dj_m.IntegerField()

            class Meta:
                app_label = "dj_db_models"
                db_table = "tests_db_models_indexed"
                indexes = [dj_m.Index(fields=["name", "-rank"])]

        (index,) = Indexed._meta.indexes
        # Django's naming scheme, byte for byte.
        assert index.name == DjIndexed._meta.indexes[0].name
        create_tables(Indexed)
        Indexed.objects.create(name="a", rank=1)
        assert Indexed.objects.get(name="a").rank == 1
        tables = connection.introspection.table_names()
        assert Indexed._meta.db_table in tables
    finally:
        from django.apps import apps as dj_apps

        apps.unregister_model("tests_db_models", "indexed")
        dj_apps.all_models["dj_db_models"].pop("djindexed", None)


def test_full_clean_foreign_key_matches_django(schema):
    from django.core.exceptions import ValidationError as DjValidationError

    from tests.db.conftest import django_create_tables, django_drop_tables

    from . import dj_models
    from . import models as fastdj_models

    django_create_tables(dj_models.Author, dj_models.Tag, dj_models.Book)
    try:
        results = []
        for module, error in (
            (fastdj_models, exceptions.ValidationError),
            (dj_models, DjValidationError),
        ):
            author = module.Author.objects.create(name="a")
            cases = [
                module.Book(title="ok", author_id=author.pk),
                module.Book(title="missing", author_id=author.pk + 100),
                module.Book(title="", author_id=None, price="x"),
            ]
            out = []
            for book in cases:
                try:
                    book.full_clean()
                except error as exc:
                    out.append(exc.message_dict)
                else:
                    out.append(None)
            results.append(out)
        assert results[0] == results[1]
        assert results[0][0] is None and "author" in results[0][1]
    finally:
        django_drop_tables(dj_models.Author, dj_models.Tag, dj_models.Book)
