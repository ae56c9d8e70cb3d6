"""``{% load static %}``: the static and get_static_prefix/get_media_prefix
tags, as ``django.templatetags.static``.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

from fastdj.template.base import Node, TemplateSyntaxError
from fastdj.template.library import Library
from fastdj.utils.encoding import iri_to_uri
from fastdj.utils.html import conditional_escape

register = Library()


class PrefixNode(Node):
    """Output (or store ``as`` a variable) a URL prefix setting."""

    child_nodelists = ()

    def __repr__(self):
        return f"<PrefixNode for {self.name!r}>"

    def __init__(self, varname=None, name=None):
        if name is None:
            raise TemplateSyntaxError("Prefix nodes must be given a name to return.")
        self.varname = varname
        self.name = name

    @classmethod
    def handle_token(cls, parser, token, name):
        # Plain split: these tags take no variables.
        tokens = token.contents.split()
        if len(tokens) > 1 and tokens[1] != "as":
            raise TemplateSyntaxError(f"First argument in '{tokens[0]}' must be 'as'")
        varname = tokens[2] if len(tokens) > 1 else None
        return cls(varname, name)

    @classmethod
    def handle_simple(cls, name):
        """Return the value of setting ``name`` as a URI (empty if unset)."""
        from fastdj.conf import settings

        return iri_to_uri(getattr(settings, name, None) or "")

    def render(self, context):
        prefix = self.handle_simple(self.name)
        if self.varname is None:
            return prefix
        context[self.varname] = prefix
        return ""


@register.tag
def get_static_prefix(parser, token):
    """Output settings.STATIC_URL: ``{% get_static_prefix [as varname] %}``."""
    return PrefixNode.handle_token(parser, token, "STATIC_URL")


@register.tag
def get_media_prefix(parser, token):
    """Output settings.MEDIA_URL: ``{% get_media_prefix [as varname] %}``."""
    return PrefixNode.handle_token(parser, token, "MEDIA_URL")


class StaticNode(Node):
    """``{% static path [as varname] %}``: STATIC_URL joined with ``path``."""

    child_nodelists = ()

    def __init__(self, varname=None, path=None):
        if path is None:
            raise TemplateSyntaxError(
                "Static template nodes must be given a path to return."
            )
        self.path = path
        self.varname = varname

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(varname={self.varname!r}, path={self.path!r})"
        )

    def url(self, context):
        return self.handle_simple(self.path.resolve(context))

    def render(self, context):
        url = self.url(context)
        if context.autoescape:
            url = conditional_escape(url)
        if self.varname is None:
            return url
        context[self.varname] = url
        return ""

    @classmethod
    def handle_simple(cls, path):
        """Return the URL of static file ``path``."""
        return urljoin(PrefixNode.handle_simple("STATIC_URL"), quote(path))

    @classmethod
    def handle_token(cls, parser, token):
        bits = token.split_contents()
        if len(bits) < 2:
            raise TemplateSyntaxError(
                f"'{bits[0]}' takes at least one argument (path to file)"
            )
        path = parser.compile_filter(bits[1])
        varname = bits[3] if len(bits) >= 2 and bits[-2] == "as" else None
        return cls(varname, path)


@register.tag("static")
def do_static(parser, token):
    """Join ``path`` with settings.STATIC_URL."""
    return StaticNode.handle_token(parser, token)


def static(path: str) -> str:
    """Return the URL of static file ``path`` (for Python code)."""
    return StaticNode.handle_simple(path)
