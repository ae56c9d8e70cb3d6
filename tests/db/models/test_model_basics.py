"""Model classes and instances without a database, differential with Django."""

import copy
import datetime
import decimal
import pickle
import uuid

import pytest
from django.core import exceptions as dj_exceptions
from django.db import models as dj_m

from fastdj.apps import AppConfig, apps
from fastdj.apps.registry import Apps
from fastdj.core import exceptions
from fastdj.db import models

from . import dj_models
from .models import APP, Author, Book, Everything, Membership, Person, Profile, Tag


def _outcome(call):
    try:
        result = call()
    except (exceptions.ValidationError, dj_exceptions.ValidationError) as exc:
        return ("invalid", exc.message_dict)
    except Exception as exc:
        return ("raise", type(exc).__name__, str(exc))
    return ("ok", result)


def test_registry_knows_models():
    assert apps.get_model(APP, "Author") is Author
    assert apps.get_model(f"{APP}.book") is Book
    with pytest.raises(LookupError):
        apps.get_model(APP, "Nope")
    assert Author._meta.label == f"{APP}.Author"
    assert Author._meta.label_lower == f"{APP}.author"


def test_populate_installed_apps():
    registry = Apps(installed_apps=["tests.db.models"])
    config = registry.get_app_config("models")
    assert isinstance(config, AppConfig)
    assert config.name == "tests.db.models" and config.path.endswith("models")
    assert registry.ready
    with pytest.raises(LookupError):
        registry.get_app_config("nope")


def test_model_without_app_label_outside_apps_fails():
    with pytest.raises(RuntimeError):

        class Orphan(models.Model):
            pass


def test_meta_matches_django():
    for ours, theirs in [(Author, dj_models.Author), (Book, dj_models.Book)]:
        assert [f.name for f in ours._meta.fields] == [
            f.name for f in theirs._meta.fields
        ]
        assert [f.attname for f in ours._meta.concrete_fields] == [
            f.attname for f in theirs._meta.concrete_fields
        ]
        assert [f.column for f in ours._meta.local_fields] == [
            f.column for f in theirs._meta.local_fields
        ]
        assert ours._meta.db_table.replace(APP, "x") == theirs._meta.db_table.replace(
            "dj_db_models", "x"
        )
        assert ours._meta.pk.name == theirs._meta.pk.name
        assert ours._meta.verbose_name == theirs._meta.verbose_name
    assert Author._meta.ordering == ["name"]
    through = Book._meta.get_field("tags").remote_field.through
    dj_through = dj_models.Book._meta.get_field("tags").remote_field.through
    assert through._meta.db_table == f"{APP}_book_tags"
    assert [f.name for f in through._meta.fields] == [
        f.name for f in dj_through._meta.fields
    ]
    # Django lists relations of installed apps only; the oracle app is not
    # installed, so compare with the expected names.
    assert sorted(r.name for r in Author._meta.related_objects) == [
        "books",
        "edited",
        "profile",
    ]
    assert Author._meta.get_field("books").related_model is Book
    assert Tag._meta.get_field("books").many_to_many
    assert Membership._meta.unique_together == (("group", "member"),)


def test_get_field_errors():
    with pytest.raises(exceptions.FieldDoesNotExist):
        Author._meta.get_field("nope")


def test_field_accessors_and_relations():
    assert Book._meta.get_field("author").attname == "author_id"
    assert Book._meta.get_field("author").target_field is Author._meta.pk
    assert Book._meta.get_field("tags").m2m_field_name() == "book"
    assert Book._meta.get_field("tags").m2m_reverse_field_name() == "tag"
    friends = Person._meta.get_field("friends")
    assert friends.remote_field.symmetrical
    assert friends.m2m_field_name() == "from_person"
    assert friends.m2m_reverse_field_name() == "to_person"
    assert not hasattr(Person, "person_set")


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((), {}),
        ((1, "a"), {}),
        ((1, "a", "e@x.org", 5), {}),
        ((1, "a", "e", 5, 6), {}),
        ((1,), {"name": "b"}),
        ((1,), {"id": 2}),
        ((), {"nope": 1}),
        ((), {"nope": 1, "other": 2}),
        ((), {"pk": 3}),
        ((), {"name": "x", "age": 3}),
    ],
)
def test_init_matches_django(args, kwargs):
    got = _outcome(lambda: _fields_of(Author(*args, **kwargs)))
    want = _outcome(lambda: _fields_of(dj_models.Author(*args, **kwargs)))
    assert got == want


def _fields_of(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_init_relations():
    author = Author(id=4, name="a")
    book = Book(title="t", author=author)
    assert book.author_id == 4 and book.author is author
    book.author_id = 5
    assert not Book._meta.get_field("author").is_cached(book)
    with pytest.raises(ValueError, match='must be a "Author" instance'):
        Book(author=Tag(id=1))
    with pytest.raises(TypeError, match="Direct assignment to the forward side"):
        Book(tags=[])
    book.author = None
    assert book.author_id is None
    with pytest.raises(Book.author.RelatedObjectDoesNotExist):
        book.author  # noqa: B018
    assert issubclass(Book.author.RelatedObjectDoesNotExist, Author.DoesNotExist)
    assert issubclass(Book.author.RelatedObjectDoesNotExist, AttributeError)


def test_defaults_and_callable_defaults():
    e1, e2 = Everything(), Everything()
    assert e1.uid != e2.uid and isinstance(e1.uid, uuid.UUID)
    assert e1.dec == 0 and e1.char == "" and e1.flag is False and e1.maybe is None
    assert Book().price == 0 and Book().editor_id is None


def test_identity_equality_hash_repr():
    a1, a2 = Author(id=1, name="x"), Author(id=1, name="y")
    assert a1 == a2 and hash(a1) == hash(a2)
    assert Author(id=1) != Book(id=1)
    unsaved = Author()
    assert unsaved == unsaved and unsaved != Author()
    with pytest.raises(TypeError):
        hash(unsaved)
    assert repr(Author(name="ann")) == "<Author: ann>"
    assert str(Tag(id=3)) == "Tag object (3)"
    assert str(Tag()) == str(dj_models.Tag())
    assert a1.pk == 1
    a1.pk = 9
    assert a1.id == 9


def test_exceptions_per_model():
    assert issubclass(Author.DoesNotExist, exceptions.ObjectDoesNotExist)
    assert issubclass(
        Author.MultipleObjectsReturned, exceptions.MultipleObjectsReturned
    )
    assert Author.DoesNotExist is not Book.DoesNotExist
    assert Author.DoesNotExist.__qualname__ == "Author.DoesNotExist"


def test_abstract_inheritance():
    class Stamped(models.Model):
        stamp = models.IntegerField(default=1)
        objects = models.Manager()

        class Meta:
            abstract = True
            ordering = ["stamp"]

    class Thing(Stamped):
        name = models.CharField(max_length=5)

        class Meta(Stamped.Meta):
            app_label = APP

    class Thing2(Stamped):
        class Meta:
            app_label = APP

    try:
        assert [f.name for f in Thing._meta.fields] == ["id", "stamp", "name"]
        assert Thing._meta.get_field("stamp").model is Thing
        assert Thing._meta.ordering == ["stamp"]
        assert Thing2._meta.get_field("stamp") is not Thing._meta.get_field("stamp")
        with pytest.raises(TypeError):
            Stamped()
        with pytest.raises(AttributeError):
            Stamped.objects  # noqa: B018
        assert Thing.objects.model is Thing
    finally:
        apps.unregister_model(APP, "thing")
        apps.unregister_model(APP, "thing2")


def test_unsupported_inheritance_is_refused():
    with pytest.raises(TypeError, match="multi-table"):

        class SubAuthor(Author):
            class Meta:
                app_label = APP


def test_choices_display():
    assert Membership(level=2).get_level_display() == "High"
    assert Membership(level=7).get_level_display() == "7"


def test_pickle_and_copy():
    a = Author(id=3, name="z")
    b = pickle.loads(pickle.dumps(a))
    assert b == a and b.name == "z" and b._state.adding
    c = copy.copy(a)
    assert c.name == "z"


def test_manager_not_accessible_from_instances():
    with pytest.raises(AttributeError, match="isn't accessible"):
        Author().objects  # noqa: B018


FULL_CLEAN_CASES = [
    {},
    {"name": "", "email": "bad", "age": -1},
    {"name": "x" * 51, "email": "a@b.co", "age": "12"},
    {"name": "ok", "age": "abc"},
    {"name": None},
    {"name": "fine", "email": "x@localhost"},
]


@pytest.mark.parametrize("kwargs", FULL_CLEAN_CASES, ids=repr)
def test_full_clean_without_unique_matches_django(kwargs):
    got = _outcome(
        lambda: Author(**kwargs).full_clean(validate_unique=False) or "clean"
    )
    want = _outcome(
        lambda: dj_models.Author(**kwargs).full_clean(validate_unique=False) or "clean"
    )
    assert got == want


EVERYTHING_CASES = [
    {},
    {"big": "x", "small": "s", "positive": -3, "flt": "f"},
    {"dec": decimal.Decimal("123456.1"), "char": "y" * 21},
    {"dec": "1.2345", "slug": "no spaces", "url": "nope", "email": "@"},
    {"day": "2020-02-30", "moment": "2020-01-01 25:00", "clock": "x", "span": "?"},
    {"uid": "zz", "flag": None, "maybe": "maybe"},
    {"day": datetime.date(2020, 1, 1), "clock": datetime.time(1, 2)},
]


@pytest.mark.parametrize("kwargs", EVERYTHING_CASES, ids=repr)
def test_full_clean_everything_matches_django(kwargs):
    got = _outcome(
        lambda: (
            Everything(**kwargs).full_clean(
                validate_unique=False, exclude=["data", "blob"]
            )
            or "clean"
        )
    )
    want = _outcome(
        lambda: (
            dj_models.Everything(**kwargs).full_clean(
                validate_unique=False, exclude=["data", "blob"]
            )
            or "clean"
        )
    )
    assert got == want


def test_integer_ranges_are_portable():
    # PostgreSQL's column ranges on every backend (Django on SQLite allows
    # 64 bits for every integer field).
    with pytest.raises(exceptions.ValidationError) as info:
        Everything(small=40000, positive=2**31).full_clean(
            validate_unique=False, exclude=["data", "blob"]
        )
    errors = info.value.message_dict
    assert errors["small"] == ["Ensure this value is less than or equal to 32767."]
    assert errors["positive"] == [
        "Ensure this value is less than or equal to 2147483647."
    ]


def test_clean_hook_errors_merge():
    class Checked(models.Model):
        a = models.IntegerField()

        class Meta:
            app_label = APP

        def clean(self):
            raise exceptions.ValidationError("whole object is wrong")

    try:
        with pytest.raises(exceptions.ValidationError) as info:
            Checked(a="x").full_clean(validate_unique=False)
        assert info.value.message_dict == {
            "a": ["“x” value must be an integer."],
            "__all__": ["whole object is wrong"],
        }
    finally:
        apps.unregister_model(APP, "checked")


def test_field_errors_for_wrong_types_before_sql():
    with pytest.raises(ValueError, match="expected a number"):
        Author._meta.get_field("age").get_prep_value("abc")
    with pytest.raises(TypeError):
        models.ForeignKey(123, models.CASCADE)
    with pytest.raises(TypeError, match="on_delete must be callable"):
        models.ForeignKey(Author, None)


def test_profile_one_to_one_reverse_without_db():
    author = Author(id=1, name="a")
    profile = Profile(author=author, bio="b")
    assert profile.author is author
    assert author.profile is profile
    assert dj_m is not None


SETUP_SCRIPT = """
from fastdj.conf import settings
settings.configure(INSTALLED_APPS=["tests.db.models.sample_app"])
import fastdj
fastdj.setup()
from fastdj.apps import apps
config = apps.get_app_config("sample")
widget = apps.get_model("sample", "Widget")
gadget = apps.get_model("sample.gadget")
print(type(config).__name__, type(config).ready_called, config.verbose_name)
print(widget._meta.label, widget._meta.db_table)
print(gadget._meta.get_field("widget").related_model is widget)
print(sorted(m.__name__ for m in apps.get_models()))
"""


def test_setup_populates_installed_apps():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert out[:4] == [
        "SampleConfig True Sample things",
        "sample.Widget sample_widget",
        "True",
        "['Gadget', 'Widget']",
    ]


def test_keyword_init_fast_path_applies_to_plain_models_only():
    # Model.__init__ takes a keyword-only path when every field is a plain
    # column; a relation sends the model down the general path.
    assert Author._meta._plain_init is not None
    assert Everything._meta._plain_init is not None
    assert Book._meta._plain_init is None
    assert Profile._meta._plain_init is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"char": "c", "big": 7},
        {"big": 7, "char": "c", "maybe": True},
        {"flt": 1.5, "nope": 1},
        {"pk": 9, "char": "x"},
    ],
)
def test_keyword_init_matches_django_with_defaults(kwargs):
    def fields(obj):
        values = _fields_of(obj)
        values.pop("uid")  # a callable default: a new UUID each time
        return values

    got = _outcome(lambda: fields(Everything(**kwargs)))
    want = _outcome(lambda: fields(dj_models.Everything(**kwargs)))
    assert got == want


def test_keyword_init_sends_init_signals_to_receivers():
    from fastdj.db.models import signals

    seen = []

    def pre(sender, args, kwargs, **extra):
        seen.append(("pre", sender, args, dict(kwargs)))

    def post(sender, instance, **extra):
        seen.append(("post", sender, instance.name))

    signals.pre_init.connect(pre, sender=Author)
    signals.post_init.connect(post, sender=Author)
    try:
        Author(name="n", age=3)
    finally:
        signals.pre_init.disconnect(pre, sender=Author)
        signals.post_init.disconnect(post, sender=Author)
    assert seen == [
        ("pre", Author, (), {"name": "n", "age": 3}),
        ("post", Author, "n"),
    ]
    # Without receivers nothing is sent, and the instance is the same.
    assert _fields_of(Author(name="n", age=3))["age"] == 3


def test_keyword_init_leaves_deferred_fields_unset():
    from fastdj.db.models.base import DEFERRED

    author = Author(id=1, name=DEFERRED)
    assert "name" not in author.__dict__
    assert author.get_deferred_fields() == {"name"}


def test_keyword_init_calls_a_mixin_init_after_model():
    class Tracking:
        def __init__(self):
            self.tracked = True
            super().__init__()

    class Tracked(models.Model, Tracking):
        label = models.CharField(max_length=10)

        class Meta:
            app_label = APP

    assert Tracked._meta._plain_init[1] is True
    tracked = Tracked(label="x")
    assert tracked.tracked is True and tracked.label == "x"
    assert Author._meta._plain_init[1] is False
