"""Middleware built on demand for the handler tests, for fastdj or for Django.

``define(fw, name, **behaviour)`` creates a middleware class (or function
factory) that records what happens to it in ``support.LOG`` and returns its
dotted path for settings.MIDDLEWARE. ``fw`` is "fastdj" or "django": it picks
the response and exception classes, so one scenario runs on both frameworks.

Behaviour flags:
  short=True             __call__ returns its own response without calling inward
  raise_before="Name"    __call__ raises exception Name before calling inward
  raise_after="Name"     __call__ raises exception Name after the inner response
  view=True              has process_view (view_response=True: it answers)
  exception=True         has process_exception (exception_response=True: answers)
  template=True          has process_template_response
  not_used=True          the factory raises MiddlewareNotUsed
  returns_none=True      the factory returns None
  function=True          a function factory instead of a class
"""

from __future__ import annotations

import builtins
import importlib
import itertools

from tests.core.support import LOG

_counter = itertools.count()


def framework(fw):
    """Return (http module, exceptions module, multipartparser module) of fw."""
    http = importlib.import_module(f"{fw}.http")
    exceptions = importlib.import_module(f"{fw}.core.exceptions")
    multipart = importlib.import_module(f"{fw}.http.multipartparser")
    return http, exceptions, multipart


def exception_class(fw, name):
    """Return the exception class called ``name`` in framework ``fw``."""
    http, exceptions, multipart = framework(fw)
    for namespace in (http, exceptions, multipart, builtins):
        cls = getattr(namespace, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return cls
    raise LookupError(name)


def define(fw, name, **behaviour):
    """Create a middleware for framework ``fw``; return its dotted path."""
    http, exceptions, _ = framework(fw)
    unknown = set(behaviour) - {
        "short",
        "raise_before",
        "raise_after",
        "view",
        "view_response",
        "exception",
        "exception_response",
        "template",
        "not_used",
        "returns_none",
        "function",
    }
    assert not unknown, unknown

    def call(get_response, request):
        LOG.append(f"{name}:before")
        if behaviour.get("raise_before"):
            raise exception_class(fw, behaviour["raise_before"])(f"{name} says no")
        if behaviour.get("short"):
            response = http.HttpResponse(f"short-{name}")
        else:
            response = get_response(request)
        LOG.append(f"{name}:after:{response.status_code}")
        if behaviour.get("raise_after"):
            raise exception_class(fw, behaviour["raise_after"])(f"{name} says no")
        return response

    if behaviour.get("function"):

        def factory(get_response):
            if behaviour.get("not_used"):
                raise exceptions.MiddlewareNotUsed(f"{name} unused")
            if behaviour.get("returns_none"):
                return None

            def middleware(request):
                return call(get_response, request)

            return middleware

        target = factory
    else:

        class Middleware:
            def __init__(self, get_response):
                if behaviour.get("not_used"):
                    raise exceptions.MiddlewareNotUsed(f"{name} unused")
                self.get_response = get_response

            def __call__(self, request):
                return call(self.get_response, request)

        if behaviour.get("view"):

            def process_view(self, request, view_func, view_args, view_kwargs):
                LOG.append(
                    f"{name}:view:{view_func.__name__}:{view_args}:{view_kwargs}"
                )
                if behaviour.get("view_response"):
                    return http.HttpResponse(f"view-{name}")
                return None

            Middleware.process_view = process_view
        if behaviour.get("exception"):

            def process_exception(self, request, exception):
                LOG.append(f"{name}:exception:{type(exception).__name__}")
                if behaviour.get("exception_response"):
                    return http.HttpResponse(f"exception-{name}", status=299)
                return None

            Middleware.process_exception = process_exception
        if behaviour.get("template"):

            def process_template_response(self, request, response):
                LOG.append(f"{name}:template")
                response.marks.append(name)
                return response

            Middleware.process_template_response = process_template_response
        target = Middleware
        if behaviour.get("returns_none"):

            def target(get_response):  # noqa: F811 -- a factory returning None
                return None

    attr = f"{fw}_{name}_{next(_counter)}"
    globals()[attr] = target
    return f"{__name__}.{attr}"
