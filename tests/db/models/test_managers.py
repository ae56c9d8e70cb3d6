"""Managers (custom, from_queryset, as_manager), lazy signal senders, multi-db."""

import pytest

from fastdj.apps import apps
from fastdj.db import models
from fastdj.db.models import signals
from tests.db.conftest import create_tables

from .models import APP, Author, Book, Profile, Tag


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def _private(self):
        return "hidden"


class PublishedManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(published=True)


class Article(models.Model):
    title = models.CharField(max_length=20)
    published = models.BooleanField(default=False)

    objects = models.Manager()
    live = PublishedManager()
    custom = models.Manager.from_queryset(PublishedQuerySet)()
    via_qs = PublishedQuerySet.as_manager()

    class Meta:
        app_label = APP


@pytest.fixture
def schema(db):
    create_tables(Article, Author, Tag, Book, Profile)
    Article.objects.create(title="draft")
    Article.objects.create(title="out", published=True)
    return db


def test_custom_managers(schema):
    assert Article._default_manager is Article.objects
    assert Article.objects.count() == 2
    assert [a.title for a in Article.live.all()] == ["out"]
    assert [a.title for a in Article.custom.published()] == ["out"]
    assert [a.title for a in Article.via_qs.published()] == ["out"]
    assert not hasattr(Article.custom, "_private")
    assert Article.custom.all().published().count() == 1
    assert {m.name for m in Article._meta.managers} == {
        "objects",
        "live",
        "custom",
        "via_qs",
    }
    assert type(Article.custom).__name__ == "ManagerFromPublishedQuerySet"


def test_default_manager_name_and_base_manager(schema):
    class Ordered(models.Model):
        name = models.CharField(max_length=5)
        live = PublishedManager()
        objects = models.Manager()

        class Meta:
            app_label = APP
            default_manager_name = "objects"

    try:
        assert Ordered._default_manager.name == "objects"
        assert Ordered._base_manager.name == "_base_manager"
        assert type(Ordered._base_manager) is models.Manager
    finally:
        apps.unregister_model(APP, "ordered")


def test_lazy_string_sender(schema):
    seen = []

    def handler(sender, instance, created, **kwargs):
        seen.append((sender, instance.name, created))

    signals.post_save.connect(handler, sender=f"{APP}.Tag")
    try:
        Tag.objects.create(name="lazy")
        Author.objects.create(name="not a tag")
    finally:
        signals.post_save.disconnect(handler, sender=f"{APP}.Tag")
    assert seen == [(Tag, "lazy", True)]


def test_other_database(schema):
    create_tables(Author, Tag, Book, Profile, using="other")
    a = Author(name="elsewhere")
    a.save(using="other")
    assert a._state.db == "other"
    assert Author.objects.count() == 0
    assert Author.objects.using("other").get().name == "elsewhere"
    fetched = Author.objects.using("other").get()
    assert fetched._state.db == "other"
    fetched.name = "moved"
    fetched.save()  # stays on its database
    assert Author.objects.using("other").get().name == "moved"
    book = Book.objects.using("other").create(title="t", author=fetched)
    assert book.author is fetched
    assert [b.title for b in fetched.books.all()] == ["t"]
    assert fetched.delete()[0] == 2
    assert Book.objects.using("other").count() == 0


def test_deferred_foreign_key_loads(schema):
    a = Author.objects.create(name="a")
    Book.objects.create(title="t", author=a)
    book = Book.objects.only("title").get()
    assert book.get_deferred_fields() >= {"author_id", "price"}
    assert book.author_id == a.pk
    assert book.author == a
