"""Context processors: functions of the request whose dicts RequestContext
adds to every template's context, as ``django.template.context_processors``.

fastdj has no CSRF middleware, so ``csrf`` only passes on a token that
something else put on the request.
"""

from __future__ import annotations

__all__ = ["csrf", "debug", "media", "request", "static", "tz"]


def csrf(request) -> dict:
    """Return {"csrf_token": ...} if the request carries a token."""
    token = getattr(request, "csrf_token", None)
    if token is None:
        meta = getattr(request, "META", {}) or {}
        token = meta.get("CSRF_COOKIE")
    return {"csrf_token": token} if token else {}


def debug(request) -> dict:
    """Return {"debug": True} when DEBUG is on and the client is internal."""
    from fastdj.conf import settings

    context = {}
    remote = getattr(request, "META", {}).get("REMOTE_ADDR")
    if getattr(settings, "DEBUG", False) and remote in getattr(
        settings, "INTERNAL_IPS", []
    ):
        context["debug"] = True
    return context


def static(request) -> dict:
    """Return {"STATIC_URL": settings.STATIC_URL}."""
    from fastdj.conf import settings

    return {"STATIC_URL": getattr(settings, "STATIC_URL", None)}


def media(request) -> dict:
    """Return {"MEDIA_URL": settings.MEDIA_URL}."""
    from fastdj.conf import settings

    return {"MEDIA_URL": getattr(settings, "MEDIA_URL", "")}


def tz(request) -> dict:
    """Return {"TIME_ZONE": name of the current time zone}."""
    from fastdj.utils.timezone import get_current_timezone_name

    return {"TIME_ZONE": get_current_timezone_name()}


def request(request) -> dict:
    """Return {"request": request}."""
    return {"request": request}
