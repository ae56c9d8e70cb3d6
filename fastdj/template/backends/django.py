"""``django.template.backends.django`` under its fastdj path, so a ported
settings module (``fastdj.template.backends.django.DjangoTemplates``) works.
"""

from fastdj.template.backends.fastdj import FastdjTemplates, Template

__all__ = ["DjangoTemplates", "Template"]

DjangoTemplates = FastdjTemplates
