"""Shortcuts that span several layers, as ``django.shortcuts``.

``get_object_or_404`` arrives with the ORM.
"""

from __future__ import annotations

from fastdj.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from fastdj.template import loader
from fastdj.urls import NoReverseMatch, reverse

__all__ = ["redirect", "render", "resolve_url"]


def render(
    request, template_name, context=None, content_type=None, status=None, using=None
) -> HttpResponse:
    """Return an HttpResponse whose content is ``template_name`` (a name or a
    list of names) rendered with ``context`` and ``request``.
    """
    content = loader.render_to_string(template_name, context, request, using)
    return HttpResponse(content, content_type, status)


def redirect(
    to, *args, permanent: bool = False, preserve_request: bool = False, **kwargs
) -> HttpResponseRedirect:
    """Return a redirect response to the URL that ``to`` resolves to.

    ``to`` may be an object with get_absolute_url(), a view name or callable
    (reversed with ``args``/``kwargs``), or a URL. ``permanent`` gives 301 (308
    with ``preserve_request``) instead of 302 (307).
    """
    cls = HttpResponsePermanentRedirect if permanent else HttpResponseRedirect
    url = resolve_url(to, *args, **kwargs)
    if preserve_request:
        return cls(url, preserve_request=True)
    return cls(url)


def resolve_url(to, *args, **kwargs) -> str:
    """Return a URL for ``to``, as redirect() understands it."""
    if hasattr(to, "get_absolute_url"):
        return to.get_absolute_url()
    if not isinstance(to, str) and not callable(to):
        # A lazy string such as reverse_lazy(): evaluate it now.
        to = str(to)
    if isinstance(to, str) and to.startswith(("./", "../")):
        # Relative URLs are used as they are, never reversed.
        return to
    try:
        return reverse(to, args=args, kwargs=kwargs)
    except NoReverseMatch:
        if callable(to):
            raise
        if "/" not in to and "." not in to:
            # Looks like a view name, not a URL: the error is the useful answer.
            raise
    return to
