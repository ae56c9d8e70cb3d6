"""Registries of template tags and filters, as ``django.template.library``.

A module that defines tags or filters creates ``register = Library()`` and
decorates its functions; ``{% load %}`` and the engine's ``libraries`` and
``builtins`` options find those registries by module path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import import_module
from inspect import getfullargspec, unwrap

from fastdj.template.base import Node, Template, token_kwargs
from fastdj.template.exceptions import TemplateSyntaxError
from fastdj.utils.html import conditional_escape

__all__ = [
    "InclusionNode",
    "InvalidTemplateLibrary",
    "Library",
    "SimpleBlockNode",
    "SimpleNode",
    "TagHelperNode",
    "import_library",
    "parse_bits",
]


class InvalidTemplateLibrary(Exception):
    """A ``libraries``/``builtins`` module path does not name a usable Library."""


class Library:
    """A collection of template tags and filters registered under names."""

    def __init__(self) -> None:
        self.filters: dict[str, Callable] = {}
        self.tags: dict[str, Callable] = {}

    def tag(self, name=None, compile_function=None):
        """Register a compile function ``(parser, token) -> Node`` as a tag.

        Usable as ``@register.tag``, ``@register.tag("name")``,
        ``@register.tag(name="name")`` or ``register.tag("name", func)``.
        """
        if name is None and compile_function is None:
            return self.tag_function
        if name is not None and compile_function is None:
            if callable(name):
                return self.tag_function(name)

            def dec(func):
                return self.tag(name, func)

            return dec
        if name is not None and compile_function is not None:
            self.tags[name] = compile_function
            return compile_function
        raise ValueError(
            f"Unsupported arguments to Library.tag: ({name!r}, {compile_function!r})"
        )

    def tag_function(self, func):
        """Register ``func`` as a tag under its own (or its wrapped) name."""
        self.tags[getattr(func, "_decorated_function", func).__name__] = func
        return func

    def filter(self, name=None, filter_func=None, **flags):
        """Register a filter; ``flags`` may set is_safe, needs_autoescape and
        expects_localtime on the function.
        """
        if name is None and filter_func is None:

            def dec(func):
                return self.filter_function(func, **flags)

            return dec
        if name is not None and filter_func is None:
            if callable(name):
                return self.filter_function(name, **flags)

            def dec(func):
                return self.filter(name, func, **flags)

            return dec
        if name is not None and filter_func is not None:
            self.filters[name] = filter_func
            for attr in ("expects_localtime", "is_safe", "needs_autoescape"):
                if attr in flags:
                    value = flags[attr]
                    setattr(filter_func, attr, value)
                    # Decorators such as stringfilter keep the wrapped function
                    # here; it must carry the flags too.
                    if hasattr(filter_func, "_decorated_function"):
                        setattr(filter_func._decorated_function, attr, value)
            filter_func._filter_name = name
            return filter_func
        raise ValueError(
            f"Unsupported arguments to Library.filter: ({name!r}, {filter_func!r})"
        )

    def filter_function(self, func, **flags):
        """Register ``func`` as a filter under its own (or its wrapped) name."""
        return self.filter(
            getattr(func, "_decorated_function", func).__name__, func, **flags
        )

    def simple_tag(self, func=None, takes_context=None, name=None):
        """Register a function as a tag whose return value is rendered
        (escaped when autoescaping), or stored with ``{% tag ... as var %}``.
        """

        def dec(func):
            params, varargs, varkw, defaults, kwonly, kwonly_defaults, _ = (
                getfullargspec(unwrap(func))
            )
            function_name = name or func.__name__

            @functools.wraps(func)
            def compile_func(parser, token):
                bits = token.split_contents()[1:]
                target_var = None
                if len(bits) >= 2 and bits[-2] == "as":
                    target_var = bits[-1]
                    bits = bits[:-2]
                args, kwargs = parse_bits(
                    parser,
                    bits,
                    params,
                    varargs,
                    varkw,
                    defaults,
                    kwonly,
                    kwonly_defaults,
                    takes_context,
                    function_name,
                )
                return SimpleNode(func, takes_context, args, kwargs, target_var)

            self.tag(function_name, compile_func)
            return func

        if func is None:
            return dec
        if callable(func):
            return dec(func)
        raise ValueError("Invalid arguments provided to simple_tag")

    def simple_block_tag(self, func=None, takes_context=None, name=None, end_name=None):
        """Register a function as a block tag (``{% name %}...{% endname %}``)
        called with the rendered block as its ``content`` argument (after
        ``context`` with takes_context); new in Django 5.2.
        """

        def dec(func):
            params, varargs, varkw, defaults, kwonly, kwonly_defaults, _ = (
                getfullargspec(unwrap(func))
            )
            function_name = name or func.__name__
            closing = end_name if end_name is not None else f"end{function_name}"

            @functools.wraps(func)
            def compile_func(parser, token):
                tag_params = list(params)
                if takes_context:
                    if len(tag_params) >= 2 and tag_params[1] == "content":
                        del tag_params[1]
                    else:
                        raise TemplateSyntaxError(
                            f"{function_name!r} is decorated with takes_context=True "
                            "so it must have a first argument of 'context' and a "
                            "second argument of 'content'"
                        )
                elif tag_params and tag_params[0] == "content":
                    del tag_params[0]
                else:
                    raise TemplateSyntaxError(
                        f"'{function_name}' must have a first argument of 'content'"
                    )
                bits = token.split_contents()[1:]
                target_var = None
                if len(bits) >= 2 and bits[-2] == "as":
                    target_var = bits[-1]
                    bits = bits[:-2]
                nodelist = parser.parse((closing,))
                parser.delete_first_token()
                args, kwargs = parse_bits(
                    parser,
                    bits,
                    tag_params,
                    varargs,
                    varkw,
                    defaults,
                    kwonly,
                    kwonly_defaults,
                    takes_context,
                    function_name,
                )
                return SimpleBlockNode(
                    nodelist, func, takes_context, args, kwargs, target_var
                )

            self.tag(function_name, compile_func)
            return func

        if func is None:
            return dec
        if callable(func):
            return dec(func)
        raise ValueError("Invalid arguments provided to simple_block_tag")

    def inclusion_tag(self, filename, func=None, takes_context=None, name=None):
        """Register a function whose returned dict renders template ``filename``."""

        def dec(func):
            params, varargs, varkw, defaults, kwonly, kwonly_defaults, _ = (
                getfullargspec(unwrap(func))
            )
            function_name = name or func.__name__

            @functools.wraps(func)
            def compile_func(parser, token):
                bits = token.split_contents()[1:]
                args, kwargs = parse_bits(
                    parser,
                    bits,
                    params,
                    varargs,
                    varkw,
                    defaults,
                    kwonly,
                    kwonly_defaults,
                    takes_context,
                    function_name,
                )
                return InclusionNode(func, takes_context, args, kwargs, filename)

            self.tag(function_name, compile_func)
            return func

        return dec


class TagHelperNode(Node):
    """Base of the nodes built by simple_tag and inclusion_tag."""

    def __init__(self, func, takes_context, args, kwargs):
        self.func = func
        self.takes_context = takes_context
        self.args = args
        self.kwargs = kwargs

    def get_resolved_arguments(self, context):
        """Return (args, kwargs) resolved against ``context``."""
        resolved_args = [var.resolve(context) for var in self.args]
        if self.takes_context:
            resolved_args = [context, *resolved_args]
        resolved_kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        return resolved_args, resolved_kwargs


class SimpleNode(TagHelperNode):
    child_nodelists = ()

    def __init__(self, func, takes_context, args, kwargs, target_var):
        super().__init__(func, takes_context, args, kwargs)
        self.target_var = target_var

    def render(self, context):
        resolved_args, resolved_kwargs = self.get_resolved_arguments(context)
        output = self.func(*resolved_args, **resolved_kwargs)
        if self.target_var is not None:
            context[self.target_var] = output
            return ""
        if context.autoescape:
            output = conditional_escape(output)
        return output


class SimpleBlockNode(SimpleNode):
    """A simple_block_tag: the function also receives the rendered block."""

    def __init__(self, nodelist, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodelist = nodelist

    def get_resolved_arguments(self, context):
        resolved_args, resolved_kwargs = super().get_resolved_arguments(context)
        # "content" comes first, or second after the context.
        resolved_args.insert(
            1 if self.takes_context else 0, self.nodelist.render(context)
        )
        return resolved_args, resolved_kwargs


class InclusionNode(TagHelperNode):
    def __init__(self, func, takes_context, args, kwargs, filename):
        super().__init__(func, takes_context, args, kwargs)
        self.filename = filename

    def render(self, context):
        """Render the inclusion template with the dict the function returned.

        The template is looked up once per render context, so a tag inside a
        loop does not hit the loaders on every iteration.
        """
        resolved_args, resolved_kwargs = self.get_resolved_arguments(context)
        _dict = self.func(*resolved_args, **resolved_kwargs)

        t = context.render_context.get(self)
        if t is None:
            if isinstance(self.filename, Template):
                t = self.filename
            elif isinstance(getattr(self.filename, "template", None), Template):
                t = self.filename.template
            elif not isinstance(self.filename, str) and hasattr(
                self.filename, "__iter__"
            ):
                t = context.template.engine.select_template(self.filename)
            else:
                t = context.template.engine.get_template(self.filename)
            context.render_context[self] = t
        new_context = context.new(_dict)
        # Carry the CSRF token across, as Django does, so forms rendered by
        # inclusion tags keep working.
        csrf_token = context.get("csrf_token")
        if csrf_token is not None:
            new_context["csrf_token"] = csrf_token
        return t.render(new_context)


def parse_bits(
    parser,
    bits,
    params,
    varargs,
    varkw,
    defaults,
    kwonly,
    kwonly_defaults,
    takes_context,
    name,
):
    """Return (args, kwargs) of FilterExpressions parsed from a tag's ``bits``,
    checked against the signature of the tag function.
    """
    if takes_context:
        if params and params[0] == "context":
            params = params[1:]
        else:
            raise TemplateSyntaxError(
                f"'{name}' is decorated with takes_context=True so it must "
                "have a first argument of 'context'"
            )
    args = []
    kwargs = {}
    unhandled_params = list(params)
    unhandled_kwargs = [
        kwarg for kwarg in kwonly if not kwonly_defaults or kwarg not in kwonly_defaults
    ]
    for bit in bits:
        kwarg = token_kwargs([bit], parser)
        if kwarg:
            param, value = kwarg.popitem()
            if param not in params and param not in kwonly and varkw is None:
                raise TemplateSyntaxError(
                    f"'{name}' received unexpected keyword argument '{param}'"
                )
            elif param in kwargs:
                raise TemplateSyntaxError(
                    f"'{name}' received multiple values for keyword argument '{param}'"
                )
            else:
                kwargs[str(param)] = value
                if param in unhandled_params:
                    unhandled_params.remove(param)
                elif param in unhandled_kwargs:
                    unhandled_kwargs.remove(param)
        else:
            if kwargs:
                raise TemplateSyntaxError(
                    f"'{name}' received some positional argument(s) after some "
                    "keyword argument(s)"
                )
            else:
                args.append(parser.compile_filter(bit))
                try:
                    unhandled_params.pop(0)
                except IndexError:
                    if varargs is None:
                        raise TemplateSyntaxError(
                            f"'{name}' received too many positional arguments"
                        ) from None
    if defaults is not None:
        # Parameters with defaults need no value in the tag.
        unhandled_params = unhandled_params[: -len(defaults)]
    if unhandled_params or unhandled_kwargs:
        missing = ", ".join(f"'{p}'" for p in unhandled_params + unhandled_kwargs)
        raise TemplateSyntaxError(
            f"'{name}' did not receive value(s) for the argument(s): {missing}"
        )
    return args, kwargs


def import_library(name: str) -> Library:
    """Return the ``register`` Library of the module at dotted path ``name``."""
    try:
        module = import_module(name)
    except ImportError as e:
        raise InvalidTemplateLibrary(
            f"Invalid template library specified. ImportError raised when trying "
            f"to load '{name}': {e}"
        ) from e
    try:
        return module.register
    except AttributeError:
        raise InvalidTemplateLibrary(
            f"Module  {name} does not have a variable named 'register'"
        ) from None
