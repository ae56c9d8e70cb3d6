"""Exceptions raised by the template engine, as ``django.template.exceptions``."""

from __future__ import annotations

__all__ = ["TemplateDoesNotExist", "TemplateSyntaxError", "VariableDoesNotExist"]


class TemplateDoesNotExist(Exception):
    """No loader found the template.

    ``tried`` lists (origin, reason) pairs from the loaders that looked;
    ``chain`` holds the TemplateDoesNotExist errors of the names that
    select_template() tried before giving up.
    """

    def __init__(self, msg, tried=None, backend=None, chain=None):
        self.backend = backend
        self.tried = tried if tried is not None else []
        self.chain = chain if chain is not None else []
        super().__init__(msg)


class TemplateSyntaxError(Exception):
    """The template source is not valid template language."""


class VariableDoesNotExist(Exception):
    """A variable lookup failed; the message is formatted lazily because
    most of these are caught and never shown.
    """

    def __init__(self, msg, params=()):
        self.msg = msg
        self.params = params
        super().__init__(msg, params)

    def __str__(self):
        return self.msg % self.params
