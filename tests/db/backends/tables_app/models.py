"""fastdj models of a small installed app, for createtables and ORM tests."""

from fastdj.db import models


class Author(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        app_label = "tables_app"


class Tag(models.Model):
    label = models.CharField(max_length=20)

    class Meta:
        app_label = "tables_app"


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    tags = models.ManyToManyField(Tag, related_name="books")
    pages = models.PositiveIntegerField(default=100)

    class Meta:
        app_label = "tables_app"
        unique_together = [("author", "title")]
