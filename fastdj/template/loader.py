"""Load and render templates of the default engine, as
``django.template.loader``.
"""

from __future__ import annotations

from fastdj.template.backends.fastdj import FastdjTemplates, _make_context
from fastdj.template.backends.fastdj import Template as BackendTemplate
from fastdj.template.engine import _default_engine
from fastdj.template.exceptions import TemplateDoesNotExist

__all__ = ["get_template", "render_to_string", "select_template"]


def _backend():
    engine = _default_engine()
    backend = engine.__dict__.get("_backend")
    if backend is None:
        backend = FastdjTemplates.__new__(FastdjTemplates)
        backend.name = "django"
        backend.dirs = engine.dirs
        backend.app_dirs = engine.app_dirs
        backend.engine = engine
        engine._backend = backend
    return backend


def get_template(template_name, using=None) -> BackendTemplate:
    """Return the template called ``template_name`` from the default engine.

    ``using`` is accepted for Django compatibility; fastdj has one engine.
    """
    return _backend().get_template(template_name)


def select_template(template_name_list, using=None) -> BackendTemplate:
    """Return the first template of ``template_name_list`` that exists."""
    if isinstance(template_name_list, str):
        raise TypeError(
            "select_template() takes an iterable of template names but got a "
            f"string: {template_name_list!r}. Use get_template() if you want to "
            "load a single template by name."
        )
    chain = []
    backend = _backend()
    for template_name in template_name_list:
        try:
            return backend.get_template(template_name)
        except TemplateDoesNotExist as e:
            chain.append(e)
    if template_name_list:
        raise TemplateDoesNotExist(", ".join(template_name_list), chain=chain)
    raise TemplateDoesNotExist("No template names provided")


def render_to_string(template_name, context=None, request=None, using=None) -> str:
    """Load a template (or the first of a list) and render it with a dict
    and an optional request.
    """
    if isinstance(template_name, (list, tuple)):
        template = select_template(template_name, using=using)
        return template.render(context, request)
    # get_template(name).render(context, request) without the wrapper that
    # get_template() builds for its caller.
    backend = _backend()
    try:
        template = backend.engine.get_template(template_name)
    except TemplateDoesNotExist as exc:
        backend._reraise(exc)
    return template.render(_make_context(backend, context, request))
