"""Django 5.2 twins of tests/db/queries/models.py (the differential oracle)."""

from django.db import models

APP = "dj_db_queries"


class Publisher(models.Model):
    name = models.CharField(max_length=40)
    city = models.CharField(max_length=40, null=True)

    class Meta:
        app_label = APP
        ordering = ["name"]


class Tag(models.Model):
    name = models.CharField(max_length=20, unique=True)

    class Meta:
        app_label = APP


class Author(models.Model):
    name = models.CharField(max_length=40)
    age = models.IntegerField(null=True)
    rating = models.FloatField(default=0.0)
    active = models.BooleanField(default=True)
    joined = models.DateTimeField(null=True)
    mentor = models.ForeignKey(
        "self", models.SET_NULL, null=True, related_name="pupils"
    )

    class Meta:
        app_label = APP


class Book(models.Model):
    title = models.CharField(max_length=60)
    pages = models.IntegerField()
    price = models.DecimalField(max_digits=7, decimal_places=2)
    pubdate = models.DateField()
    author = models.ForeignKey(Author, models.CASCADE, related_name="books")
    publisher = models.ForeignKey(
        Publisher, models.SET_NULL, null=True, related_name="books"
    )
    tags = models.ManyToManyField(Tag, related_name="books")

    class Meta:
        app_label = APP


class Item(models.Model):
    """A flat model for generated filter trees."""

    a = models.IntegerField(null=True)
    b = models.IntegerField(null=True)
    s = models.CharField(max_length=10)

    class Meta:
        app_label = APP


MODELS = [Publisher, Tag, Author, Book, Item]


def _install():
    # Django only wires reverse relations for models of installed apps: give
    # the oracle's app label an AppConfig (Django's INSTALLED_APPS stays []).
    import sys

    from django.apps import AppConfig, apps

    if APP in apps.app_configs:
        return

    class OracleConfig(AppConfig):
        label = APP
        name = "tests.db.queries"
        path = __file__.rsplit("/", 1)[0]

    config = OracleConfig("tests.db.queries", sys.modules["tests.db.queries"])
    config.apps = apps
    config.models = apps.all_models[APP]
    apps.app_configs[APP] = config
    apps.clear_cache()


_install()
