"""Views for the handler tests, built for fastdj or for Django (same behaviour)."""

from __future__ import annotations

import importlib
import io

from tests.core.mw import exception_class, framework
from tests.core.support import LOG


def make_views(fw):
    """Return {name: view} for framework ``fw`` ("fastdj" or "django")."""
    http, _, _ = framework(fw)
    urls = importlib.import_module(f"{fw}.urls")

    class Renderable(http.HttpResponse):
        """A response with deferred rendering (like a TemplateResponse)."""

        def __init__(self, fail=False):
            super().__init__("unrendered")
            self.marks = []
            self.fail = fail

        def render(self):
            LOG.append("render")
            if self.fail:
                raise ValueError("render failed")
            self.content = "rendered:" + ",".join(self.marks)
            return self

    def ok(request):
        LOG.append("view:ok")
        return http.HttpResponse("ok")

    def raising(request, name):
        LOG.append(f"view:raise:{name}")
        raise exception_class(fw, name)("view says no")

    def none(request):
        LOG.append("view:none")
        return None

    class NoneView:
        def __call__(self, request):
            return None

    def template(request):
        LOG.append("view:template")
        return Renderable()

    def template_raise(request):
        LOG.append("view:template-raise")
        return Renderable(fail=True)

    def kwargs(request, a, b):
        LOG.append("view:kwargs")
        return http.HttpResponse(f"{a!r}-{b!r}")

    def args(request, *args):
        LOG.append("view:args")
        return http.HttpResponse(repr(args))

    def stream(request):
        def content():
            try:
                yield b"one,"
                yield b"two"
            finally:
                LOG.append("stream:closed")

        return http.StreamingHttpResponse(content())

    def stream_raise(request):
        def content():
            try:
                yield b"one,"
                raise ValueError("broken stream")
            finally:
                LOG.append("stream:closed")

        return http.StreamingHttpResponse(content())

    class TrackedFile(io.BytesIO):
        def close(self):
            LOG.append("file:closed")
            super().close()

    def file(request):
        return http.FileResponse(TrackedFile(b"file data"), filename="data.txt")

    def prefix(request):
        return http.HttpResponse(urls.get_script_prefix() + "|" + urls.reverse("ok"))

    def cookie(request):
        response = http.HttpResponse("cookie")
        response.set_cookie("flavour", "lemon")
        response.set_cookie("size", "big")
        return response

    def no_slash(request):
        return http.HttpResponse("no slash")

    no_slash.should_append_slash = False

    return {
        "no_slash": no_slash,
        "prefix": prefix,
        "cookie": cookie,
        "ok": ok,
        "raising": raising,
        "none": none,
        "none_cbv": NoneView(),
        "template": template,
        "template_raise": template_raise,
        "kwargs": kwargs,
        "args": args,
        "stream": stream,
        "stream_raise": stream_raise,
        "file": file,
    }


def patterns(fw):
    """Return the urlpatterns list for framework ``fw``."""
    urls = importlib.import_module(f"{fw}.urls")
    v = make_views(fw)
    return [
        urls.path("", v["ok"]),
        urls.path("ok/", v["ok"], name="ok"),
        urls.path("raise/<str:name>/", v["raising"]),
        urls.path("none/", v["none"]),
        urls.path("none-cbv/", v["none_cbv"]),
        urls.path("template/", v["template"]),
        urls.path("template-raise/", v["template_raise"]),
        urls.path("kwargs/<int:a>/<str:b>/", v["kwargs"]),
        urls.re_path(r"^args/(\d+)/(\d+)/$", v["args"]),
        urls.path("stream/", v["stream"]),
        urls.path("stream-raise/", v["stream_raise"]),
        urls.path("file/", v["file"]),
        urls.path("prefix/", v["prefix"]),
        urls.path("cookie/", v["cookie"]),
        urls.path("no-slash/", v["no_slash"]),
    ]
