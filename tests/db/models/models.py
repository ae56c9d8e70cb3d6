"""fastdj test models (app "tests_db_models"); dj_models.py mirrors them in Django."""

import uuid

from fastdj.db import models

APP = "tests_db_models"


class Author(models.Model):
    name = models.CharField(max_length=50)
    email = models.EmailField(blank=True)
    age = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        app_label = APP
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.SlugField(unique=True)

    class Meta:
        app_label = APP


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, models.CASCADE, related_name="books")
    editor = models.ForeignKey(
        Author, models.SET_NULL, null=True, blank=True, related_name="edited"
    )
    price = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    published = models.DateField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, related_name="books", blank=True)

    class Meta:
        app_label = APP


class Profile(models.Model):
    author = models.OneToOneField(Author, models.CASCADE, related_name="profile")
    bio = models.TextField(blank=True)

    class Meta:
        app_label = APP


class Person(models.Model):
    name = models.CharField(max_length=30)
    friends = models.ManyToManyField("self", blank=True)

    class Meta:
        app_label = APP


class Membership(models.Model):
    group = models.CharField(max_length=20)
    member = models.CharField(max_length=20)
    level = models.IntegerField(choices=[(1, "Low"), (2, "High")], default=1)

    class Meta:
        app_label = APP
        unique_together = [("group", "member")]


class Coded(models.Model):
    code = models.CharField(max_length=10)
    region = models.CharField(max_length=10)

    class Meta:
        app_label = APP
        constraints = [
            models.UniqueConstraint(fields=["code", "region"], name="uniq_code_region")
        ]


class Everything(models.Model):
    big = models.BigIntegerField(default=0)
    small = models.SmallIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    flt = models.FloatField(default=0.0)
    dec = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    char = models.CharField(max_length=20, default="")
    text = models.TextField(default="")
    flag = models.BooleanField(default=False)
    maybe = models.BooleanField(null=True)
    day = models.DateField(null=True)
    moment = models.DateTimeField(null=True)
    clock = models.TimeField(null=True)
    span = models.DurationField(null=True)
    uid = models.UUIDField(default=uuid.uuid4)
    email = models.EmailField(blank=True)
    slug = models.SlugField(blank=True)
    url = models.URLField(blank=True)
    blob = models.BinaryField(null=True)
    data = models.JSONField(null=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = APP


# -- deletion --------------------------------------------------------------


class Parent(models.Model):
    name = models.CharField(max_length=20)

    class Meta:
        app_label = APP


def get_sentinel_parent():
    # An explicit id: rows created with explicit ids do not advance
    # PostgreSQL's sequence.
    return Parent.objects.get_or_create(name="sentinel", defaults={"id": 99})[0].pk


class ChildCascade(models.Model):
    parent = models.ForeignKey(Parent, models.CASCADE, related_name="cascades")

    class Meta:
        app_label = APP


class GrandChild(models.Model):
    child = models.ForeignKey(ChildCascade, models.CASCADE)

    class Meta:
        app_label = APP


class ChildProtect(models.Model):
    parent = models.ForeignKey(Parent, models.PROTECT, related_name="protects")

    class Meta:
        app_label = APP


class ChildRestrict(models.Model):
    parent = models.ForeignKey(Parent, models.RESTRICT, related_name="restricts")
    # Deleting the cascade child's parent also deletes this row via CASCADE, so
    # RESTRICT does not block it (Django's semantics).
    via = models.ForeignKey(
        ChildCascade, models.CASCADE, null=True, related_name="restricts"
    )

    class Meta:
        app_label = APP


class ChildSetNull(models.Model):
    parent = models.ForeignKey(
        Parent, models.SET_NULL, null=True, related_name="setnulls"
    )

    class Meta:
        app_label = APP


class ChildSetDefault(models.Model):
    parent = models.ForeignKey(
        Parent, models.SET_DEFAULT, null=True, default=None, related_name="setdefaults"
    )

    class Meta:
        app_label = APP


class ChildSet(models.Model):
    parent = models.ForeignKey(
        Parent, models.SET(get_sentinel_parent), null=True, related_name="sets"
    )

    class Meta:
        app_label = APP


class ChildNothing(models.Model):
    parent = models.ForeignKey(
        Parent, models.DO_NOTHING, db_constraint=False, related_name="nothings"
    )

    class Meta:
        app_label = APP


DELETION_MODELS = [
    Parent,
    ChildCascade,
    GrandChild,
    ChildProtect,
    ChildRestrict,
    ChildSetNull,
    ChildSetDefault,
    ChildSet,
    ChildNothing,
]
