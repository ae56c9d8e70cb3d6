"""Django 5.2 models used to drive fastdj's schema editor.

The schema editor reads models through Django's ``_meta`` and field API, so
Django's own model classes exercise it exactly as fastdj's do, and let the
test compare the resulting tables with the ones Django itself creates.
"""

from django.db import models

APP = "tests_backends_dj"


class Author(models.Model):
    name = models.CharField(max_length=50, unique=True)
    email = models.EmailField(blank=True, default="")
    age = models.PositiveIntegerField(null=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, default=0)

    class Meta:
        app_label = APP


class Tag(models.Model):
    label = models.SlugField(db_index=True)

    class Meta:
        app_label = APP


class Book(models.Model):
    title = models.CharField(max_length=100, db_column="book_title")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    editor = models.ForeignKey(
        Author, null=True, on_delete=models.SET_NULL, related_name="edited"
    )
    year = models.IntegerField()
    published = models.DateTimeField(null=True)
    rating = models.FloatField(default=0.0)
    tags = models.ManyToManyField(Tag, related_name="books")

    class Meta:
        app_label = APP
        unique_together = [("author", "title")]
        indexes = [models.Index(fields=["year"], name="book_year_idx")]


class Odd(models.Model):
    """Names that need quoting: a quote, a space, a reserved word."""

    select = models.IntegerField(db_column='we"ird col')

    class Meta:
        app_label = APP
        db_table = 'odd "table" name'


ALL = (Author, Tag, Book, Odd)
# Django itself cannot create Odd (it does not escape quotes in names).
COMPARABLE = (Author, Tag, Book)
