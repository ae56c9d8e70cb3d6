"""The fastdj template engine: the Django Template Language.

The public names mirror ``django.template``: build an :class:`Engine` (or
configure settings.TEMPLATES and use ``fastdj.template.loader``), compile a
:class:`Template` once, and render it with a :class:`Context`.
"""

from fastdj.template.base import (
    Node,
    NodeList,
    Origin,
    Template,
    Variable,
    VariableDoesNotExist,
)
from fastdj.template.context import Context, ContextPopException, RequestContext
from fastdj.template.engine import Engine
from fastdj.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError
from fastdj.template.library import Library

__all__ = (
    "Context",
    "ContextPopException",
    "Engine",
    "Library",
    "Node",
    "NodeList",
    "Origin",
    "RequestContext",
    "Template",
    "TemplateDoesNotExist",
    "TemplateSyntaxError",
    "Variable",
    "VariableDoesNotExist",
)
