"""The "rows" kernel: both twins build the same instances from the same rows."""

import importlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj import _accel
from fastdj.db import models
from fastdj.db.models import signals

from .models import Author, Book, Profile, Tag

PURE = "fastdj.db.models._rows"
TWIN = "fastdj._speedups.db_rows"


def _params():
    # As the root conftest's twin fixture: pure only when forced (outside CI).
    if _accel.env_flag("FASTDJ_PURE_PYTHON") and not os.environ.get("CI"):
        return ["py"]
    if "rows" in _accel.KERNELS:
        return _accel.available()
    return ["py", "cy"]


@pytest.fixture(params=_params())
def rows(request):
    """The rows kernel module of one twin ("py" or "cy")."""
    if "rows" in _accel.KERNELS:
        with _accel.using(request.param):
            yield _accel.kernel("rows")
        return
    if request.param == "py":
        yield importlib.import_module(PURE)
        return
    try:
        yield importlib.import_module(TWIN)
    except ImportError as exc:
        if os.environ.get("CI") == "true" or _accel.env_flag(
            "FASTDJ_REQUIRE_EXTENSIONS"
        ):
            pytest.fail(f"{TWIN} is not built: {exc}")
        pytest.skip(f"{TWIN} is not built")


ATTS = ("id", "name", "email", "age")


def test_builds_instances_without_init(rows):
    plan = rows.RowPlan(Author, ATTS, 0, "default")
    objs = rows.materialize([(1, "ann", "a@x.org", 30), (2, "bob", "", None)], plan)
    assert [type(o) for o in objs] == [Author, Author]
    assert objs[0].pk == 1 and objs[0].name == "ann" and objs[1].age is None
    assert objs[0]._state.db == "default" and objs[0]._state.adding is False
    assert objs[0]._state.fields_cache == {}
    assert objs[0] == Author(id=1)
    assert objs[0].get_deferred_fields() == set()


def test_matches_from_db(rows):
    plan = rows.RowPlan(Author, ATTS, 0, "other")
    (obj,) = rows.materialize([(7, "c", "c@x.org", 4)], plan)
    ref = Author.from_db("other", ATTS, (7, "c", "c@x.org", 4))
    assert obj.__dict__.keys() == ref.__dict__.keys()
    assert {k: v for k, v in obj.__dict__.items() if k != "_state"} == {
        k: v for k, v in ref.__dict__.items() if k != "_state"
    }
    assert (obj._state.db, obj._state.adding) == (ref._state.db, ref._state.adding)


def test_deferred_fields_are_left_out(rows):
    plan = rows.RowPlan(Author, ("id", "name"), 0, "default")
    (obj,) = rows.materialize([(3, "x")], plan)
    assert obj.get_deferred_fields() == {"email", "age"}


def test_offset_and_row_types(rows):
    plan = rows.RowPlan(Author, ATTS, 2, "default")
    data = ["junk", 0, 5, "n", "e", 1]
    for row in (tuple(data), list(data), _Seq(data)):
        (obj,) = rows.materialize([row], plan)
        assert (obj.pk, obj.name, obj.age) == (5, "n", 1)


class _Seq:
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]

    def __iter__(self):
        return iter(self.items)


def test_converters_run_in_order_with_expression_and_connection(rows):
    calls = []

    def plus_one(value, expression, connection):
        calls.append((expression, connection))
        return value + 1

    def to_str(value, expression, connection):
        return f"n{value}"

    conn = object()
    plan = rows.RowPlan(
        Author,
        ATTS,
        0,
        "default",
        conn,
        converters=[(0, (plus_one,), "expr0"), (1, (plus_one, to_str), "expr1")],
    )
    (obj,) = rows.materialize([(1, 10, "", None)], plan)
    assert (obj.pk, obj.name) == (2, "n11")
    assert calls == [("expr0", conn), ("expr1", conn)]


def _book_plan(rows, with_profile=False):
    author_field = Book._meta.get_field("author")
    profile_rel = Author._meta.get_field("profile")
    profile_plans = ()
    if with_profile:
        profile_plans = (
            rows.RowPlan(
                Profile,
                ("id", "author_id", "bio"),
                7,
                "default",
                pk_index=7,
                local_setter=profile_rel.set_cached_value,
                remote_setter=profile_rel.field.set_cached_value,
            ),
        )
    author_plan = rows.RowPlan(
        Author,
        ATTS,
        3,
        "default",
        related=profile_plans,
        pk_index=3,
        local_setter=author_field.set_cached_value,
        remote_setter=lambda obj, from_obj: None,
    )
    return rows.RowPlan(
        Book, ("id", "title", "author_id"), 0, "default", related=(author_plan,)
    )


def test_select_related_nested(rows):
    plan = _book_plan(rows, with_profile=True)
    books = rows.materialize(
        [
            (1, "T1", 9, 9, "ann", "", None, 4, 9, "bio"),
            (2, "T2", 8, 8, "bob", "", 3, None, None, None),
        ],
        plan,
    )
    first, second = books
    assert Book._meta.get_field("author").is_cached(first)
    assert first.author.name == "ann" and first.author.pk == 9
    assert first.author.profile.bio == "bio"
    assert first.author.profile.author is first.author
    assert second.author.name == "bob"
    rel = Author._meta.get_field("profile")
    assert rel.get_cached_value(second.author) is None


def test_related_null_pk_gives_none(rows):
    plan = _book_plan(rows)
    (book,) = rows.materialize([(1, "T", None, None, None, None, None)], plan)
    assert Book._meta.get_field("author").get_cached_value(book) is None


def test_annotations(rows):
    plan = rows.RowPlan(
        Author, ATTS, 0, "default", annotations=[("n_books", 4), ("label", 5)]
    )
    (obj,) = rows.materialize([(1, "a", "", None, 3, "L")], plan)
    assert (obj.n_books, obj.label) == (3, "L")


def test_post_init_sent_only_with_receivers(rows):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((sender, instance.name))

    plan = rows.RowPlan(Author, ATTS, 0, "default")
    rows.materialize([(1, "a", "", None)], plan)
    assert seen == []
    signals.post_init.connect(receiver, sender=Author)
    try:
        rows.materialize([(1, "a", "", None), (2, "b", "", None)], plan)
    finally:
        signals.post_init.disconnect(receiver, sender=Author)
    assert seen == [(Author, "a"), (Author, "b")]


def test_pre_init_receivers_see_from_db_arguments(rows):
    seen = []

    def receiver(sender, args, kwargs, **extra):
        seen.append(args)

    plan = rows.RowPlan(Author, ATTS, 0, "default")
    signals.pre_init.connect(receiver, sender=Author)
    try:
        (obj,) = rows.materialize([(1, "a", "e", 2)], plan)
    finally:
        signals.pre_init.disconnect(receiver, sender=Author)
    assert seen == [(1, "a", "e", 2)]
    assert obj.name == "a" and obj._state.adding is False


class Custom(models.Model):
    name = models.CharField(max_length=10)
    inits = 0

    class Meta:
        app_label = "tests_db_models"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initialised = True


class CustomFromDb(models.Model):
    name = models.CharField(max_length=10)

    class Meta:
        app_label = "tests_db_models"

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj.loaded_from = db
        return obj


def test_custom_init_and_from_db_are_honoured(rows):
    (obj,) = rows.materialize([(1, "x")], rows.RowPlan(Custom, ("id", "name"), 0, "d"))
    assert obj.initialised is True and obj._state.db == "d"
    (obj,) = rows.materialize(
        [(1, "x")], rows.RowPlan(CustomFromDb, ("id", "name"), 0, "d")
    )
    assert obj.loaded_from == "d"


class _RecordingDescriptor:
    """A data descriptor on a field's attname: records each set."""

    sets: list = []

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, cls=None):
        return self if obj is None else obj.__dict__[self.name]

    def __set__(self, obj, value):
        _RecordingDescriptor.sets.append(value)
        obj.__dict__[self.name] = value


class WithDescriptor(models.Model):
    name = models.CharField(max_length=10)

    class Meta:
        app_label = "tests_db_models"


WithDescriptor.name = _RecordingDescriptor("name")


@pytest.mark.parametrize("model", [Author, WithDescriptor])
def test_instances_hold_the_row_values_in_column_order(rows, model):
    # Plain attributes may be set one by one, attributes behind a data
    # descriptor never are: either way the descriptor does not run.
    _RecordingDescriptor.sets.clear()
    atts = ATTS if model is Author else ("id", "name")
    row = (3, "x", "x@y.org", 9)[: len(atts)]
    objs = rows.materialize([row, row], rows.RowPlan(model, atts, 0, "d"))
    for obj in objs:
        assert list(obj.__dict__) == [*atts, "_state"]
        assert tuple(obj.__dict__[a] for a in atts) == row
        assert obj.name == "x" and obj._state.db == "d"
    assert objs[0]._state is not objs[1]._state
    assert _RecordingDescriptor.sets == []


def test_bad_input_raises_precise_errors(rows):
    plan = rows.RowPlan(Author, ATTS, 0, "default")
    with pytest.raises(TypeError):
        rows.materialize([(1, "a", "", None)], object())
    with pytest.raises(IndexError):
        rows.materialize([(1, "a")], plan)
    with pytest.raises(TypeError):
        rows.materialize([None], plan)
    with pytest.raises(TypeError):
        rows.RowPlan(Author, ATTS, 0, "default", related=[object()])
    sub = rows.RowPlan(Author, ATTS, 0, "default")
    with pytest.raises(ValueError):
        rows.RowPlan(Book, ("id",), 0, "default", related=[sub])


def test_twins_export_the_same_api():
    pure = importlib.import_module(PURE)
    try:
        twin = importlib.import_module(TWIN)
    except ImportError:
        pytest.skip(f"{TWIN} is not built")
    assert pure.__all__ == twin.__all__
    assert pure.KERNEL_VERSION == twin.KERNEL_VERSION


values = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.floats())


@settings(max_examples=100, deadline=None)
@given(
    data=st.lists(st.tuples(values, values, values, values), max_size=8),
    start=st.integers(0, 2),
)
def test_hypothesis_twins_agree(data, start):
    pure = importlib.import_module(PURE)
    try:
        twin = importlib.import_module(TWIN)
    except ImportError:
        pytest.skip(f"{TWIN} is not built")
    rows_in = [("pad",) * start + row for row in data]
    results = []
    for kernel in (pure, twin):
        plan = kernel.RowPlan(Author, ATTS, start, "default")
        objs = kernel.materialize(rows_in, plan)
        results.append(
            [{k: v for k, v in o.__dict__.items() if k != "_state"} for o in objs]
        )
    assert repr(results[0]) == repr(results[1])


@pytest.fixture
def through_queryset(rows, monkeypatch):
    """Make QuerySets use the ``rows`` twin (until "rows" is registered)."""
    from fastdj.db.models import _rowplan

    if "rows" not in _accel.KERNELS:
        monkeypatch.setattr(_rowplan, "rows_kernel", lambda: rows)
    return rows


def _snapshot(obj):
    data = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    return type(obj).__name__, data, obj._state.db, obj._state.adding


def test_querysets_build_the_same_instances(db, through_queryset):
    import datetime
    import decimal
    import uuid

    from tests.db.conftest import create_tables

    from .models import Everything

    create_tables(Author, Tag, Book, Profile, Everything)
    a = Author.objects.create(name="ann", age=3)
    Profile.objects.create(author=a, bio="b")
    Book.objects.create(title="t", author=a, price=decimal.Decimal("1.50"))
    Book.objects.create(title="u", author=a, editor=a)
    Everything.objects.create(
        dec=decimal.Decimal("2.125"),
        flag=True,
        day=datetime.date(2020, 1, 2),
        moment=datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        clock=datetime.time(1, 2, 3),
        span=datetime.timedelta(seconds=90),
        uid=uuid.UUID(int=7),
        data={"x": [1]},
    )
    (e,) = Everything.objects.all()
    assert e.dec == decimal.Decimal("2.125") and e.flag is True
    assert e.uid == uuid.UUID(int=7) and e.span == datetime.timedelta(seconds=90)
    assert e.data == {"x": [1]}
    books = list(Book.objects.select_related("author", "editor").order_by("title"))
    assert [b.author.name for b in books] == ["ann", "ann"]
    assert books[0].editor is None and books[1].editor.name == "ann"
    assert Book._meta.get_field("editor").is_cached(books[0])
    annotated = list(
        Author.objects.annotate(n=models.Count("books")).only("name").order_by("pk")
    )
    assert annotated[0].n == 2 and annotated[0].get_deferred_fields() == {
        "email",
        "age",
    }
    assert _snapshot(e)[1]["dec"] == decimal.Decimal("2.125")
    profile = Profile.objects.select_related("author").get()
    assert profile.author.profile is profile  # the one-to-one remote setter


def test_nested_select_related(db, through_queryset):
    from tests.db.conftest import create_tables

    from .models import ChildCascade, GrandChild, Parent

    create_tables(Parent, ChildCascade, GrandChild)
    parent = Parent.objects.create(name="p")
    child = ChildCascade.objects.create(parent=parent)
    GrandChild.objects.create(child=child)
    (grand,) = GrandChild.objects.select_related("child__parent")
    assert GrandChild._meta.get_field("child").is_cached(grand)
    assert ChildCascade._meta.get_field("parent").is_cached(grand.child)
    assert grand.child.parent.name == "p"
    assert grand._state.db == grand.child._state.db == "default"


def test_fetched_instances_pickle_and_copy(rows):
    import copy
    import pickle

    plan = rows.RowPlan(Author, ATTS, 0, "other")
    (obj,) = rows.materialize([(1, "a", "e", 2)], plan)
    obj._state.fields_cache["x"] = 1
    for clone in (pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj)):
        assert clone == obj and clone.name == "a"
        assert (clone._state.db, clone._state.adding) == ("other", False)
        assert clone._state.fields_cache == {"x": 1}
    obj._state.db = "default"
    obj._state.adding = True
    assert (obj._state.db, obj._state.adding) == ("default", True)
    (other,) = rows.materialize([(2, "b", "e", 2)], plan)
    assert (other._state.db, other._state.adding) == ("other", False)


class _Meta:
    abstract = False
    object_name = "Plain"

    def __init__(self, managers_map):
        self.managers_map = managers_map


class _Named:
    def __init__(self, name):
        self.name = name


def test_manager_descriptor_gives_the_class_its_manager(rows):
    first, second = object(), object()

    class Plain:
        _meta = _Meta({"objects": first})
        objects = rows.ManagerDescriptor(_Named("objects"))

    class Child(Plain):
        _meta = _Meta({"objects": second})

    for _ in range(2):  # the second answer is the remembered one
        assert Plain.objects is first
        assert Child.objects is second
    # A change to the class (as a manager set on it makes) is seen at once.
    Plain._meta.managers_map = {"objects": second}
    Plain.touched = True
    assert Plain.objects is second
    with pytest.raises(AttributeError, match="^Manager isn't accessible via Plain"):
        Plain().objects  # noqa: B018
    Child._meta.abstract = True
    Child.touched = True
    with pytest.raises(AttributeError, match="^Manager isn't available; Plain is"):
        Child.objects  # noqa: B018


def test_manager_descriptor_messages_match_django(rows):
    from tests.db.queries import dj_models

    with pytest.raises(AttributeError) as fast:
        Author().objects  # noqa: B018
    with pytest.raises(AttributeError) as django:
        dj_models.Author().objects  # noqa: B018
    assert str(fast.value) == str(django.value)
    # The descriptor on a model class is the kernel's active at its creation.
    assert type(Author.__dict__["objects"]).__name__ == "ManagerDescriptor"
    assert Author.objects.model is Author
