"""fastdj models for the issue-4 checklist (Django twins in dj_models.py)."""

import datetime
import uuid

from fastdj.db import models

APP = "tests_db_review"


class Owner(models.Model):
    name = models.CharField(max_length=30)

    class Meta:
        app_label = APP


class Profile(models.Model):
    owner = models.OneToOneField(Owner, models.CASCADE, related_name="profile")
    bio = models.CharField(max_length=30, default="")

    class Meta:
        app_label = APP


class Kitchen(models.Model):
    uid = models.UUIDField(null=True)
    span = models.DurationField(null=True)
    blob = models.BinaryField(null=True)
    doc = models.JSONField(null=True)
    amount = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    when = models.DateTimeField(null=True)
    code = models.CharField(max_length=10, default="")

    class Meta:
        app_label = APP
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(uid__isnull=False),
                name="kitchen_code_uid_uniq",
            )
        ]


class AllFields(models.Model):
    big = models.BigAutoField(primary_key=True)
    i = models.IntegerField(default=-3)
    bi = models.BigIntegerField(default=2**40)
    si = models.SmallIntegerField(default=-7)
    pi = models.PositiveIntegerField(default=7)
    f = models.FloatField(default=1.5)
    d = models.DecimalField(max_digits=6, decimal_places=2, default="3.10")
    c = models.CharField(max_length=5, default="abc", db_column="c_col")
    t = models.TextField(default="long")
    b = models.BooleanField(default=False)
    day = models.DateField(default=datetime.date(2024, 2, 29))
    at = models.DateTimeField(auto_now_add=True)
    up = models.DateTimeField(auto_now=True)
    tm = models.TimeField(default=datetime.time(23, 59, 58, 5))
    dur = models.DurationField(default=datetime.timedelta(microseconds=-1))
    u = models.UUIDField(default=uuid.UUID(int=5))
    e = models.EmailField(default="a@b.cd")
    sl = models.SlugField(default="a-slug")
    url = models.URLField(default="https://x.org/")
    bin = models.BinaryField(default=b"\x01")
    j = models.JSONField(default=list, blank=True)
    ch = models.CharField(max_length=1, choices=[("a", "A"), ("b", "B")], default="a")

    class Meta:
        app_label = APP


MODELS = [Owner, Profile, Kitchen, AllFields]
