"""Default ROOT_URLCONF of the test suite: small views other tests can rely on.

Routes (names in parentheses):
  /                      "index" text             (index)
  /hello/<str:name>/     "Hello, <name>!"         (hello)
  /echo/                 JSON of method, GET, POST, FILES, body, headers (echo)
  /json/                 JSON {"ok": true}        (json)
  /redirect/             302 -> /hello/redirected/   (redirect)
  /redirect-to/?to=url   302 -> url               (redirect-to)
  /loop/                 302 -> itself            (loop)
  /redirect-307/         307 -> /echo/?from=307   (redirect-307)
  /cookie/set/           sets cookie "flavour"    (cookie-set)
  /cookie/get/           echoes request.COOKIES   (cookie-get)
  /raise/                raises ValueError        (raise)
  /forbidden/            raises PermissionDenied  (forbidden)
  /not-found/            raises Http404           (not-found)
  /cbv/                  class-based view: GET/POST   (cbv)
  /get-only/             @require_GET             (get-only)
  /items/<int:pk>/       JSON {"pk": pk}          (item)
  /stream/               streaming "chunk1-chunk2"   (stream)
"""

from fastdj.core.exceptions import PermissionDenied
from fastdj.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from fastdj.urls import path
from fastdj.views import View
from fastdj.views.decorators.http import require_GET


def index(request):
    return HttpResponse("index")


def hello(request, name):
    return HttpResponse(f"Hello, {name}!")


def echo(request):
    multipart = request.content_type == "multipart/form-data"
    files = {
        name: [
            {"name": f.name, "size": f.size, "content": f.read().decode()}
            for f in request.FILES.getlist(name)
        ]
        for name in request.FILES
    }
    return JsonResponse(
        {
            "method": request.method,
            "path": request.path,
            "GET": {k: request.GET.getlist(k) for k in request.GET},
            "POST": {k: request.POST.getlist(k) for k in request.POST},
            "FILES": files,
            # A multipart body has been consumed by request.POST, as in Django.
            "body": "" if multipart else request.body.decode("utf-8", "replace"),
            "content_type": request.content_type,
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "secure": request.is_secure(),
        }
    )


def json_view(request):
    return JsonResponse({"ok": True})


def redirect_view(request):
    return HttpResponseRedirect("/hello/redirected/")


def redirect_to(request):
    return HttpResponseRedirect(request.GET["to"])


def redirect_307(request):
    return HttpResponseRedirect("/echo/?from=307", preserve_request=True)


def loop(request):
    return HttpResponseRedirect(request.path)


def cookie_set(request):
    response = HttpResponse("set")
    response.set_cookie("flavour", request.GET.get("value", "chocolate"))
    return response


def cookie_get(request):
    return JsonResponse(dict(request.COOKIES))


def raise_view(request):
    raise ValueError("raised by the view")


def forbidden(request):
    raise PermissionDenied("no")


def not_found(request):
    raise Http404("nothing here")


class ClassView(View):
    def get(self, request):
        return HttpResponse("cbv get")

    def post(self, request):
        return HttpResponse("cbv post")


@require_GET
def get_only(request):
    return HttpResponse("get only")


def stream(request):
    return StreamingHttpResponse(iter([b"chunk1-", b"chunk2"]))


def item(request, pk):
    return JsonResponse({"pk": pk})


urlpatterns = [
    path("", index, name="index"),
    path("hello/<str:name>/", hello, name="hello"),
    path("echo/", echo, name="echo"),
    path("json/", json_view, name="json"),
    path("redirect/", redirect_view, name="redirect"),
    path("redirect-to/", redirect_to, name="redirect-to"),
    path("loop/", loop, name="loop"),
    path("redirect-307/", redirect_307, name="redirect-307"),
    path("cookie/set/", cookie_set, name="cookie-set"),
    path("cookie/get/", cookie_get, name="cookie-get"),
    path("raise/", raise_view, name="raise"),
    path("forbidden/", forbidden, name="forbidden"),
    path("not-found/", not_found, name="not-found"),
    path("cbv/", ClassView.as_view(), name="cbv"),
    path("get-only/", get_only, name="get-only"),
    path("items/<int:pk>/", item, name="item"),
    path("stream/", stream, name="stream"),
]
