"""Django twin of tests/urls.py, for differential tests of the test client."""

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path
from django.views import View


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


class ClassView(View):
    def get(self, request):
        return HttpResponse("cbv get")

    def post(self, request):
        return HttpResponse("cbv post")


urlpatterns = [
    path("hello/<str:name>/", hello),
    path("echo/", echo),
    path("redirect-to/", redirect_to),
    path("redirect-307/", redirect_307),
    path("loop/", loop),
    path("cookie/set/", cookie_set),
    path("cookie/get/", cookie_get),
    path("raise/", raise_view),
    path("cbv/", ClassView.as_view()),
]
