"""ForeignKey, OneToOneField and ManyToManyField descriptors and managers."""

import pytest

from fastdj.db.models import signals
from tests.db.conftest import create_tables

from .models import Author, Book, Person, Profile, Tag


@pytest.fixture
def schema(db):
    create_tables(Author, Tag, Book, Profile, Person)
    return db


def test_forward_fk_loads_and_caches(schema):
    a = Author.objects.create(name="a")
    b = Book.objects.create(title="t", author=a)
    fresh = Book.objects.get(pk=b.pk)
    assert fresh.author_id == a.pk
    assert fresh.author == a
    assert fresh.author is fresh.author  # cached
    assert fresh.editor is None


def test_reverse_fk_manager(schema):
    a = Author.objects.create(name="a")
    other = Author.objects.create(name="o")
    b1 = a.books.create(title="1")
    assert b1.author == a and b1.pk is not None
    Book.objects.create(title="2", author=other)
    assert [b.title for b in a.books.all()] == ["1"]
    assert a.books.count() == 1
    assert a.books.filter(title="1").exists()
    b3 = Book.objects.create(title="3", author=other)
    a.books.add(b3)
    assert sorted(a.books.values_list("title", flat=True)) == ["1", "3"]
    obj, created = a.books.get_or_create(title="4")
    assert created and obj.author_id == a.pk
    with pytest.raises(TypeError, match="Direct assignment to the reverse side"):
        a.books = []
    with pytest.raises(TypeError):
        a.books.add(a)
    assert not hasattr(a.books, "remove")  # non-null FK: no remove/clear
    with pytest.raises(ValueError, match="primary key value"):
        Author(name="unsaved").books.all()


def test_reverse_fk_nullable_remove_clear_set(schema):
    a = Author.objects.create(name="ed")
    writer = Author.objects.create(name="w")
    b1 = Book.objects.create(title="1", author=writer, editor=a)
    b2 = Book.objects.create(title="2", author=writer, editor=a)
    b3 = Book.objects.create(title="3", author=writer)
    a.edited.remove(b1)
    assert list(a.edited.all()) == [b2]
    # As in Django: the error is the target model's DoesNotExist.
    with pytest.raises(Author.DoesNotExist, match="is not related to"):
        a.edited.remove(b3)
    a.edited.set([b1, b3])
    assert sorted(b.title for b in a.edited.all()) == ["1", "3"]
    a.edited.clear()
    assert a.edited.count() == 0
    assert Book.objects.count() == 3


def test_one_to_one(schema):
    a = Author.objects.create(name="a")
    with pytest.raises(Author.profile.RelatedObjectDoesNotExist):
        a.profile  # noqa: B018
    p = Profile.objects.create(author=a, bio="b")
    fresh = Author.objects.get(pk=a.pk)
    assert fresh.profile == p
    assert fresh.profile.author is fresh


def test_many_to_many(schema):
    b = Book.objects.create(title="t", author=Author.objects.create(name="a"))
    t1, t2, t3 = (Tag.objects.create(name=n) for n in ("x", "y", "z"))
    events = []

    def on_change(sender, action, pk_set, reverse, **kwargs):
        events.append((action, None if pk_set is None else sorted(pk_set), reverse))

    through = Book.tags.through
    signals.m2m_changed.connect(on_change, sender=through)
    try:
        b.tags.add(t1, t2.pk)
        b.tags.add(t1)  # already there: no duplicate row
        assert sorted(t.name for t in b.tags.all()) == ["x", "y"]
        assert [bk.pk for bk in t1.books.all()] == [b.pk]
        b.tags.remove(t1)
        assert [t.name for t in b.tags.all()] == ["y"]
        b.tags.set([t2, t3])
        assert sorted(t.name for t in b.tags.all()) == ["y", "z"]
        t3.books.clear()
        assert [t.name for t in b.tags.all()] == ["y"]
        new = b.tags.create(name="w")
        assert sorted(t.name for t in b.tags.all()) == ["w", "y"]
        assert new.pk is not None
    finally:
        signals.m2m_changed.disconnect(on_change, sender=through)
    assert events[:4] == [
        ("pre_add", [t1.pk, t2.pk], False),
        ("post_add", [t1.pk, t2.pk], False),
        ("pre_add", [], False),
        ("post_add", [], False),
    ]
    assert ("pre_clear", None, True) in events
    assert through.objects.count() == 2
    with pytest.raises(TypeError, match="Direct assignment to the forward side"):
        b.tags = [t1]
    with pytest.raises(ValueError, match="needs to have a value"):
        Book(title="unsaved").tags.all()
    with pytest.raises(TypeError):
        b.tags.add(b)


def test_symmetrical_self_m2m(schema):
    ann, bob, cid = (Person.objects.create(name=n) for n in ("ann", "bob", "cid"))
    ann.friends.add(bob)
    assert [p.name for p in bob.friends.all()] == ["ann"]
    assert [p.name for p in ann.friends.all()] == ["bob"]
    cid.friends.add(ann)
    assert sorted(p.name for p in ann.friends.all()) == ["bob", "cid"]
    people = _assert_queries(
        2, lambda: list(Person.objects.order_by("name").prefetch_related("friends"))
    )
    assert _assert_queries(
        0, lambda: [sorted(f.name for f in p.friends.all()) for p in people]
    ) == [["bob", "cid"], ["ann"], ["ann"]]
    ann.friends.remove(bob)
    assert list(bob.friends.all()) == []


def test_deleting_removes_m2m_rows(schema):
    b = Book.objects.create(title="t", author=Author.objects.create(name="a"))
    t = Tag.objects.create(name="x")
    b.tags.add(t)
    label = Book._meta.app_label
    count, per_model = t.delete()
    assert per_model == {f"{label}.Book_tags": 1, f"{label}.Tag": 1}
    assert count == 2
    assert b.tags.count() == 0


def _assert_queries(n, func):
    from fastdj.db import connection
    from fastdj.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = func()
    assert len(ctx.captured_queries) == n, [q["sql"] for q in ctx.captured_queries]
    return result


def test_prefetch_related_through_descriptors(schema):
    a1 = Author.objects.create(name="a1")
    a2 = Author.objects.create(name="a2")
    b1 = Book.objects.create(title="b1", author=a1)
    b2 = Book.objects.create(title="b2", author=a1)
    Book.objects.create(title="b3", author=a2)
    t1, t2 = Tag.objects.create(name="t1"), Tag.objects.create(name="t2")
    b1.tags.add(t1, t2)
    b2.tags.add(t1)
    Profile.objects.create(author=a1, bio="p1")

    authors = _assert_queries(
        2, lambda: list(Author.objects.order_by("name").prefetch_related("books"))
    )
    titles = _assert_queries(
        0, lambda: [sorted(b.title for b in a.books.all()) for a in authors]
    )
    assert titles == [["b1", "b2"], ["b3"]]

    books = _assert_queries(
        2, lambda: list(Book.objects.order_by("title").prefetch_related("author"))
    )
    assert _assert_queries(0, lambda: [b.author.name for b in books]) == [
        "a1",
        "a1",
        "a2",
    ]

    books = _assert_queries(
        2, lambda: list(Book.objects.order_by("title").prefetch_related("tags"))
    )
    tags = _assert_queries(
        0, lambda: [sorted(t.name for t in b.tags.all()) for b in books]
    )
    assert tags == [["t1", "t2"], ["t1"], []]

    tags = _assert_queries(
        2, lambda: list(Tag.objects.order_by("name").prefetch_related("books"))
    )
    assert _assert_queries(
        0, lambda: [sorted(b.title for b in t.books.all()) for t in tags]
    ) == [["b1", "b2"], ["b1"]]

    authors = _assert_queries(
        2, lambda: list(Author.objects.order_by("name").prefetch_related("profile"))
    )
    assert authors[0].profile.bio == "p1"
    with pytest.raises(Author.profile.RelatedObjectDoesNotExist):
        authors[1].profile  # noqa: B018


def test_select_related_sets_caches(schema):
    a = Author.objects.create(name="a")
    Book.objects.create(title="b", author=a)
    Profile.objects.create(author=a, bio="x")
    book = _assert_queries(1, lambda: Book.objects.select_related("author").get())
    assert _assert_queries(0, lambda: book.author.name) == "a"
    profile = _assert_queries(1, lambda: Profile.objects.select_related("author").get())
    assert _assert_queries(0, lambda: profile.author.profile) is profile


def test_explicit_through_model(db):
    from fastdj.apps import apps
    from fastdj.db import models

    class Club(models.Model):
        name = models.CharField(max_length=10)
        members = models.ManyToManyField(
            "Member", through="Enrolment", related_name="clubs"
        )

        class Meta:
            app_label = "tests_db_models"

    class Member(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "tests_db_models"

    class Enrolment(models.Model):
        club = models.ForeignKey(Club, models.CASCADE)
        member = models.ForeignKey(Member, models.CASCADE)
        role = models.CharField(max_length=10, default="member")

        class Meta:
            app_label = "tests_db_models"

    try:
        assert Club._meta.get_field("members").remote_field.through is Enrolment
        create_tables(Club, Member, Enrolment)
        club = Club.objects.create(name="c")
        ann, bob = Member.objects.create(name="ann"), Member.objects.create(name="bob")
        club.members.add(ann, through_defaults={"role": "chair"})
        Enrolment.objects.create(club=club, member=bob)
        assert sorted(m.name for m in club.members.all()) == ["ann", "bob"]
        assert [c.name for c in bob.clubs.all()] == ["c"]
        assert Enrolment.objects.get(member=ann).role == "chair"
        assert sorted(m.name for m in Member.objects.filter(clubs__name="c")) == [
            "ann",
            "bob",
        ]
        club.members.remove(ann)
        assert [m.name for m in club.members.all()] == ["bob"]
        assert club.delete()[1] == {
            "tests_db_models.Enrolment": 1,
            "tests_db_models.Club": 1,
        }
    finally:
        for name in ("club", "member", "enrolment"):
            apps.unregister_model("tests_db_models", name)
