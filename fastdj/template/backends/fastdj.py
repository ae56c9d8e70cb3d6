"""The settings.TEMPLATES backend for the fastdj engine, as
``django.template.backends.django``.
"""

from __future__ import annotations

from fastdj.template.context import Context, make_context
from fastdj.template.engine import Engine
from fastdj.template.exceptions import TemplateDoesNotExist

__all__ = ["FastdjTemplates", "Template"]


class FastdjTemplates:
    """A settings.TEMPLATES entry turned into an Engine.

    Accepts Django's keys (BACKEND, NAME, DIRS, APP_DIRS, OPTIONS) so a
    Django settings module works as is.
    """

    app_dirname = "templates"

    def __init__(self, params):
        params = dict(params)
        options = dict(params.pop("OPTIONS", {}))
        self.name = params.get("NAME") or "django"
        self.dirs = list(params.get("DIRS", []))
        self.app_dirs = params.get("APP_DIRS", False)
        if "debug" not in options:
            from fastdj.conf import settings

            options["debug"] = getattr(settings, "DEBUG", False)
        options.setdefault("file_charset", "utf-8")
        self.engine = Engine(self.dirs, self.app_dirs, **options)

    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            self._reraise(exc)

    def _reraise(self, exc):
        # A miss of the engine, raised again as this backend's.
        raise TemplateDoesNotExist(
            exc.args[0], tried=exc.tried, backend=self, chain=exc.chain
        ) from exc


class Template:
    """A compiled template that renders with a dict and an optional request,
    as the templates returned by ``django.template.loader``.
    """

    def __init__(self, template, backend):
        self.template = template
        self.backend = backend

    @property
    def origin(self):
        return self.template.origin

    def render(self, context=None, request=None):
        """Return the template rendered with the dict ``context``; with a
        request, the engine's context processors run.
        """
        return self.template.render(_make_context(self.backend, context, request))


def _make_context(backend, context, request):
    # make_context() for ``backend``'s engine; the usual dict without a
    # request skips its checks and keyword arguments.
    autoescape = backend.engine.autoescape
    if request is None and (context is None or context.__class__ is dict):
        return Context(context, autoescape)
    return make_context(context, request, autoescape=autoescape)
